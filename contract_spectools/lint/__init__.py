"""The spec linter: every defect that makes a contract lie, each with a rule id, pointer, line and hint.

`lint_file` reads one spec file and never raises for a broken one: an unreadable or unparsable file
is a single `spec-unreadable` finding. Library code returns findings; the CLI prints them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from contract_core.collector import collector_paused
from contract_core.cycles import RecursionAnalysis
from contract_core.errors import SpecLoadError
from contract_core.lines import LineMap, parse_spec_with_lines
from contract_core.records import Struct
from contract_core.spec import Spec, read_spec_text
from contract_core.walk import iter_all_schemas, iter_objects
from contract_spectools.lint.document import check_security, check_servers
from contract_spectools.lint.findings import (
    RULES,
    SEVERITY_RANK,
    LintFinding,
    Rule,
    Severity,
    finding,
)
from contract_spectools.lint.operations import check_operations
from contract_spectools.lint.references import (
    check_required_cycles,
    check_unresolved_refs,
    check_unused_components,
    is_literal,
)
from contract_spectools.lint.schemas import check_schemas
from contract_spectools.lint.structure import check_structure
from contract_spectools.lint.values import check_values

# What walking a document of the wrong shape raises (a number where a mapping belongs, ...).
_SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError)

__all__ = [
    "RULES",
    "LintFinding",
    "LintResult",
    "Rule",
    "Severity",
    "lint_file",
    "lint_spec",
    "reaches",
]


class LintResult(Struct, frozen=True):
    """The findings for one file; `loaded` is False when the file could not be read as a spec."""

    source: str
    findings: list[LintFinding]
    loaded: bool = True


def lint_file(path: str | Path) -> LintResult:
    with collector_paused():  # loading builds the document: a million objects, and no cycles
        try:
            spec, lines = _load(path)
        except SpecLoadError as exc:
            unreadable = finding("spec-unreadable", "#", exc.detail).located(str(path), exc.line)
            return LintResult(str(path), [unreadable], loaded=False)
        return LintResult(spec.source, lint_spec(spec, lines))


def _load(path: str | Path) -> tuple[Spec, LineMap]:
    return parse_spec_with_lines(read_spec_text(Path(path), str(path)), str(path))


def lint_spec(spec: Spec, lines: LineMap | None = None) -> list[LintFinding]:
    """Every finding of every rule, located (line numbers) and sorted by position in the file."""
    with collector_paused():
        found = _deduplicated(_run_rules(spec))
        lines = lines or LineMap(spec.text)
        located = [f.located(spec.source, lines.line(f.pointer)) for f in found]
    return sorted(located, key=lambda f: (f.line or 0, f.pointer, f.rule))


def reaches(findings: Iterable[LintFinding], threshold: Severity) -> bool:
    """True when some finding is at least as severe as `threshold`."""
    return any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold] for f in findings)


class _Walked:
    """What several rules read from the same walk of the document, walked once for all of them
    (Stripe: 21,653 objects, 12,854 schemas; each walk 10-15 ms). A walk that fails on a broken
    structure is not kept: it fails again for each rule that needs it, as that rule's own failure."""

    def __init__(self, document: dict[str, Any]):
        self.document = document

    @cached_property
    def schemas(self) -> list[tuple[str, dict[str, Any]]]:
        return list(iter_all_schemas(self.document))

    @cached_property
    def objects(self) -> list[tuple[str, dict[str, Any]]]:
        return list(iter_objects(self.document))

    @cached_property
    def all_refs(self) -> list[tuple[str, str]]:
        """`iter_refs` of the document (example data included), from the objects already walked."""
        return [(at, ref) for at, node in self.objects if isinstance(ref := node.get("$ref"), str)]

    @cached_property
    def refs(self) -> list[tuple[str, str]]:
        """`document_refs` of the document: its `$ref`s that are not example data."""
        return [(at, ref) for at, ref in self.all_refs if not is_literal(at)]


def _run_rules(spec: Spec) -> Iterator[LintFinding]:
    structural = list(check_structure(spec))
    yield from structural
    walked = _Walked(spec.document)
    checks: dict[str, Callable[[Spec], Iterable[LintFinding]]] = {
        "references": lambda s: check_unresolved_refs(s, walked.refs),
        "recursion": lambda s: check_required_cycles(
            s, RecursionAnalysis(s, [ref for _, ref in walked.all_refs])
        ),
        "schemas": lambda s: check_schemas(s, walked.schemas),
        "values": lambda s: check_values(s, walked.schemas, walked.objects),
        "operations": check_operations,
        "security": check_security,
        "servers": check_servers,
        "components": lambda s: check_unused_components(s, walked.objects),
    }
    for name, check in checks.items():
        try:
            yield from list(check(spec))
        except _SHAPE_ERRORS as exc:
            if not structural:
                raise  # a well-formed document must never crash a rule: that is our bug
            yield finding(
                "lint-incomplete",
                "#",
                f"the {name} rules could not run on this structure ({exc!r}); "
                "fix the structure findings and lint again",
            )


def _deduplicated(findings: Iterable[LintFinding]) -> list[LintFinding]:
    """Drop repeats, and `structure` findings where a specific rule already explains the same place."""
    unique = list(dict.fromkeys(findings))
    specific = {f.pointer for f in unique if f.rule != "structure"}
    return [f for f in unique if f.rule != "structure" or f.pointer not in specific]
