"""Spectral 6 and `contract lint --ruleset` on one ruleset and one spec, as comparable sets.

Each finding is reduced to `(rule, JSON pointer)`: Spectral's `path` is an array, ours a pointer
(`#/paths/~1pets/get`); both become the RFC 6901 pointer without `#` (`/paths/~1pets/get`). Only the
rules a ruleset defines itself are compared: the `spectral:oas` rules a ruleset extends run in the
kit as the kit's own rules, under the kit's names (docs/lint.md has the mapping), so they cannot
agree name for name.

Read by bench/spectral_agreement.py and tests/contract_spectools/rulesets/test_spectral_agreement.py.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from contract_core import pointer

REPO = Path(__file__).resolve().parents[3]
PUBLIC = Path(__file__).resolve().parent / "public"
RECORDED = Path(__file__).resolve().parent / "spectral_recorded"
BUNDLED_SPEC = REPO / "openapi" / "api-tokens.yaml"
SPECTRAL = "@stoplight/spectral-cli@6.16.3"
FUNCTIONS = "contract_spectools.rulesets.functions"

# name -> the entry file a team would pass to `--ruleset` (public/README.md names the sources)
RULESETS: dict[str, Path] = {
    "adidas": PUBLIC / "adidas" / "adidas-spectral.yaml",
    "sps-commerce": PUBLIC / "sps-commerce" / ".spectral.yml",
    "nl-api-design-rules": PUBLIC / "nl-api-design-rules" / "linter.yaml",
    "uk-govuk-public": PUBLIC / "uk-govuk-public" / "ruleset-high.yaml",
}

Key = tuple[str, str]  # (rule, RFC 6901 pointer without '#')


@dataclass
class Outcome:
    """One tool's run: its findings (None when it crashed or timed out) and why not."""

    seconds: float
    exit_code: int | None
    findings: list[dict[str, Any]] | None
    error: str | None = None


def missing_engine() -> str | None:
    """Why `contract lint --ruleset` cannot be compared yet (None: it can): the loader and the real
    core functions are needed, not the tests' stand-in for them."""
    try:
        loader = importlib.util.find_spec("contract_spectools.rulesets.loader")
    except ModuleNotFoundError:
        loader = None
    functions = sys.modules.get(FUNCTIONS)
    if loader is None:
        return "no `contract lint --ruleset` (contract_spectools.rulesets.loader)"
    if functions is not None and not functions.__name__.startswith("contract_spectools."):
        return (
            "the core functions are the tests' stand-in, not contract_spectools.rulesets.functions"
        )
    if functions is None and importlib.util.find_spec(FUNCTIONS) is None:
        return "no core functions (contract_spectools.rulesets.functions)"
    return None


def ruleset_files(entry: Path) -> list[Path]:
    """The entry file and every file it extends by a relative path, each once."""
    seen: list[Path] = []
    pending = [entry.resolve()]
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.append(path)
        pending.extend(path.parent / name for name in _relative_extends(path))
    return seen


def _relative_extends(path: Path) -> list[str]:
    extends = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("extends") or []
    entries = [extends] if isinstance(extends, str) else extends
    names = [e[0] if isinstance(e, list) else e for e in entries]
    return [n for n in names if n.startswith(".") or n.endswith((".yaml", ".yml", ".json"))]


def own_rules(entry: Path) -> frozenset[str]:
    """The rules the ruleset's files define (with `then`), not the ones they only switch or re-grade."""
    names: set[str] = set()
    for path in ruleset_files(entry):
        rules = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or {}
        names.update(
            name for name, rule in rules.items() if isinstance(rule, dict) and "then" in rule
        )
    return frozenset(names)


def spectral_keys(findings: Iterable[Mapping[str, Any]], rules: frozenset[str]) -> set[Key]:
    return {(f["code"], pointer.from_path(f["path"])) for f in findings if f["code"] in rules}


def our_keys(findings: Iterable[Mapping[str, Any]], rules: frozenset[str]) -> set[Key]:
    return {(f["rule"], f["pointer"].removeprefix("#")) for f in findings if f["rule"] in rules}


@cache
def spectral_command() -> list[str]:
    """Spectral's own executable from npx's cache, so that npx's registry check is not timed."""
    if shutil.which("npx") is None:
        return []
    found = subprocess.run(
        ["npx", "--yes", "-p", SPECTRAL, "--", "sh", "-c", "command -v spectral"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    executable = found.stdout.strip().splitlines()[-1:] if found.returncode == 0 else []
    return executable or ["npx", "--yes", SPECTRAL]


def run_spectral(entry: Path, spec: Path, *, timeout: float) -> Outcome:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "spectral.json"
        command = [*spectral_command(), "lint", str(spec), "--ruleset", str(entry)]
        command += ["--format", "json", "--output", str(output), "--quiet"]
        process = _run(command, timeout=timeout)
        if process.exit_code in (0, 1) and output.exists():
            findings = json.loads(output.read_text(encoding="utf-8") or "[]")
            return Outcome(process.seconds, process.exit_code, findings)
    return Outcome(process.seconds, process.exit_code, None, process.failure())


def run_ours(entry: Path, spec: Path, *, timeout: float, memory_gb: float = 4.0) -> Outcome:
    command = [sys.executable, "-m", "contract_cli", "lint", str(spec), "--ruleset", str(entry)]
    process = _run([*command, "--format", "json"], timeout=timeout, memory_gb=memory_gb)
    if process.exit_code in (0, 1):
        findings = json.loads(process.stdout)["findings"]
        return Outcome(process.seconds, process.exit_code, findings)
    return Outcome(process.seconds, process.exit_code, None, process.failure())


@dataclass
class _Process:
    seconds: float
    exit_code: int | None  # None: killed at the timeout
    stdout: str
    stderr: str

    def failure(self) -> str:
        if self.exit_code is None:
            return f"timed out after {self.seconds:.0f} s"
        last_lines = "\n".join(self.stderr.strip().splitlines()[-3:])
        return f"exit {self.exit_code}: {last_lines or 'no output'}"


def _run(command: list[str], *, timeout: float, memory_gb: float | None = None) -> _Process:
    # A session of its own, so that a timeout ends npx's node child too, not only npx.
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    if memory_gb is not None:
        _limit_memory(process.pid, memory_gb)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        return _Process(time.perf_counter() - started, None, "", "")
    seconds = time.perf_counter() - started
    return _Process(
        seconds, process.returncode, out.decode(errors="replace"), err.decode(errors="replace")
    )


def _limit_memory(pid: int, gigabytes: float) -> None:
    # A run that blows up (the Dutch rules on Stripe's spec passed 4 GB) fails alone instead of
    # calling the kernel's OOM killer onto a shared machine. Not for node: V8 reserves far more
    # address space than it uses. Set on the started process, not in a `preexec_fn`: that forks
    # this (large) process and runs Python in the child before the exec, 5-6 ms that a timed run
    # of ours paid and Spectral's did not; the limit lands a few microseconds into the run.
    limit = int(gigabytes * 2**30)
    with contextlib.suppress(ProcessLookupError):  # a run over before the limit was set
        resource.prlimit(pid, resource.RLIMIT_AS, (limit, limit))


# (ruleset, rule) -> why our (rule, pointer) pairs differ from Spectral 6's for that rule; the tests
# compare every other rule exactly. docs/lint.md ("Agreement with Spectral") explains each. The
# differences of ours found by the first measurement are fixed; the one left is Spectral's.
DOCUMENTED_DIFFERENCES: dict[tuple[str, str], str] = {
    ("sps-commerce", "sps-camel-case-properties"): (
        "Spectral's: a schema property literally named `$ref` (Kubernetes' JSONSchemaProps, which "
        "refers to itself) is reported by both where it is written, and by Spectral once more at "
        "the enclosing `properties` map (1 pair on the corpus; on a spec without the self-reference "
        "both agree), most likely because its resolver takes that `$ref` key for a reference"
    ),
}


def agreeing(keys: set[Key], ruleset: str) -> set[Key]:
    """The keys of the rules expected to agree with Spectral (those without a documented difference)."""
    return {(rule, where) for rule, where in keys if (ruleset, rule) not in DOCUMENTED_DIFFERENCES}
