"""`overrides`: a rule's severity for the files a glob matches, or for a JSON pointer of one file.

Spectral's own pointer overrides have been broken for years (spectral#2753, #2424, #2587); here a
pointer form (`openapi.yaml#/paths/~1pets`) applies to findings at that node or anywhere below it.
Later overrides win over earlier ones, as in Spectral.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

from contract_spectools.rulesets.loader import DEFAULT, Override


def overridden(
    overrides: list[Override], rule: str, base: str, file: str, finding_pointer: str
) -> str:
    """`base` (a RuleSeverity or DEFAULT) after every override that names `rule` and matches the
    finding's file and pointer."""
    severity = base
    for override in overrides:
        if rule in override.severities and _applies(override, file, finding_pointer):
            named = override.severities[rule]
            severity = base if named == DEFAULT and base != "off" else named
    return severity


def _applies(override: Override, file: str, finding_pointer: str) -> bool:
    relative = _relative(Path(file), override.base)
    for entry in override.files:
        glob, has_pointer, target = entry.partition("#")
        if _glob_matches(glob, relative) and (
            not has_pointer or _under(finding_pointer, "#" + target)
        ):
            return True
    return False


def _relative(file: Path, base: Path) -> str:
    return _relative_from(file, base, os.getcwd())


@lru_cache(maxsize=64)
def _relative_from(file: Path, base: Path, cwd: str) -> str:
    """Cached: asked for every finding of an overridden rule (thousands on a large spec), always
    about the same file or two, and each `resolve()` is system calls. `cwd` is in the key: a
    relative name resolves against it."""
    try:
        return Path(os.path.relpath(file.resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return file.as_posix()


def _glob_matches(glob: str, relative: str) -> bool:
    """minimatch's `**/` also matches no folder at all (`**/*.yaml` matches `a.yaml`); fnmatch's `*`
    crosses `/` already, so dropping a leading `**/` gives the same answers for the globs rulesets use."""
    glob = glob.removeprefix("./")
    candidates = {glob, glob.removeprefix("**/")}
    return any(fnmatchcase(relative, candidate) for candidate in candidates)


def _under(finding_pointer: str, target: str) -> bool:
    target = target.rstrip("/") if target not in ("#", "#/") else "#"
    return target == "#" or finding_pointer == target or finding_pointer.startswith(target + "/")
