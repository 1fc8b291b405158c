"""The two documents `contract diff` compares: a file path, or `git:REV:PATH` read with `git show`."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from contract_core.errors import ContractError, SpecLoadError
from contract_core.lines import LineMap, parse_spec_with_lines
from contract_core.spec import Spec, read_spec_text

GIT_PREFIX = "git:"


@dataclass
class DiffInputError(ContractError):
    """An input cannot be read: a missing file, an unknown git revision, a path not in that revision."""

    argument: str
    detail: str
    fix: str

    def __str__(self) -> str:
        return f"cannot read {self.argument}: {self.detail}; {self.fix}"


@dataclass(frozen=True)
class Document:
    """A parsed input: the spec, its line map, and the file path its lines belong to."""

    spec: Spec
    lines: LineMap
    argument: str  # as the user typed it
    path: str  # the file in the working tree (for a `git:` input, its PATH part)


def read_document(argument: str, cwd: Path | None = None) -> Document:
    """Read and parse one input; raises DiffInputError or SpecLoadError (both ContractErrors)."""
    text, path = (
        _read_git(argument, cwd) if argument.startswith(GIT_PREFIX) else _read_file(argument, cwd)
    )
    spec, lines = parse_spec_with_lines(text, argument)
    return Document(spec, lines, argument, path)


def _read_file(argument: str, cwd: Path | None) -> tuple[str, str]:
    path = Path(cwd or ".") / argument
    try:
        return read_spec_text(path, argument), argument
    except SpecLoadError:
        if path.exists():
            raise  # a folder, unreadable, not UTF-8: the loader's words, as everywhere in the kit
        raise DiffInputError(
            argument, "no such file", "check the path, or use git:REV:PATH for a revision"
        ) from None


def _read_git(argument: str, cwd: Path | None) -> tuple[str, str]:
    revision, separator, path = argument[len(GIT_PREFIX) :].partition(":")
    if not separator or not revision or not path:
        raise DiffInputError(
            argument, "expected git:REV:PATH", "for example git:origin/main:openapi/api-tokens.yaml"
        )
    shown = _git(argument, "show", f"{revision}:{path}", cwd=cwd)
    if shown.returncode != 0:
        raise DiffInputError(
            argument,
            f"git show failed ({_reason(shown, 'no message')})",
            "check the revision exists (git fetch?) and PATH is relative to the repository root",
        )
    try:
        return shown.stdout.decode("utf-8"), path
    except UnicodeDecodeError as exc:
        raise SpecLoadError(argument, f"not UTF-8 text: {exc}") from None


def merge_base(ref: str, cwd: Path | None = None) -> str:
    """The commit where HEAD left `ref` (the base a pull request is reviewed against)."""
    found = _git(ref, "merge-base", "HEAD", ref, cwd=cwd)
    if found.returncode != 0:
        raise DiffInputError(
            ref,
            f"no merge base with HEAD ({_reason(found, 'unrelated histories')})",
            "fetch the branch (git fetch origin) or name another with --against-merge-base=REF",
        )
    return found.stdout.decode("utf-8").strip()


def exists_at(revision: str, path: str, cwd: Path | None = None) -> bool:
    """Whether `path` is in `revision` (a spec new in this change has no old clients to break)."""
    return (
        _git(f"{revision}:{path}", "cat-file", "-e", f"{revision}:{path}", cwd=cwd).returncode == 0
    )


def _git(argument: str, *command: str, cwd: Path | None) -> subprocess.CompletedProcess[bytes]:
    """`git COMMAND...` in `cwd`, output captured; no git on the machine is a DiffInputError about `argument`."""
    try:
        return subprocess.run(["git", *command], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise DiffInputError(
            argument, "git is not installed", "install git, or pass file paths instead"
        ) from None


def _reason(done: subprocess.CompletedProcess[bytes], silent: str) -> str:
    """git's first line of complaint, or `silent` when it said nothing."""
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else silent
