"""`contract diff`: every change between two OpenAPI documents that can break an old client, and nothing else.

Library code returns a `DiffResult`; the CLI prints it and chooses the exit code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from contract_core.errors import ContractError
from contract_spectools.diff.changes import Affected, Change, Found, at_least, severity_of
from contract_spectools.diff.ignore import IgnoreList, IgnoreOutcome
from contract_spectools.diff.inputs import Document, read_document
from contract_spectools.diff.operations import OperationComparison
from contract_spectools.diff.rules import RULES, SEVERITY_RANK, DiffRule, Severity
from contract_spectools.diff.schemas import SchemaComparison

# What walking a document of the wrong shape raises (a number where a mapping belongs, ...).
_SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError)

__all__ = [
    "RULES",
    "Change",
    "DiffResult",
    "DiffRule",
    "Document",
    "IgnoreList",
    "Severity",
    "at_least",
    "diff_documents",
    "diff_inputs",
]


@dataclass
class BrokenDocument(ContractError):
    """A document's structure is not OpenAPI enough to compare (`contract lint` says where)."""

    base: str
    revision: str
    detail: str

    def __str__(self) -> str:
        return (
            f"cannot compare {self.base} with {self.revision}: a document's structure is broken ({self.detail}); "
            f"run `contract lint` on both and fix the structure findings"
        )


@dataclass(frozen=True)
class DiffResult:
    base: Document
    revision: Document
    changes: list[Change]
    ignored: int = 0
    ignores: IgnoreOutcome | None = None  # the ignore file's account, when the run had one


def diff_inputs(
    base: str, revision: str, ignore: IgnoreList | None = None, cwd: Path | None = None
) -> DiffResult:
    """Read both inputs (paths or `git:REV:PATH`) and compare them; raises ContractError when one cannot be read."""
    return diff_documents(read_document(base, cwd), read_document(revision, cwd), ignore)


def diff_documents(
    base: Document, revision: Document, ignore: IgnoreList | None = None
) -> DiffResult:
    try:
        schemas = SchemaComparison(base.spec, revision.spec)
        found = list(OperationComparison(base.spec, revision.spec, schemas).run())
        schemas.run()
        found.extend(schemas.changes())
    except _SHAPE_ERRORS as exc:
        raise BrokenDocument(base.argument, revision.argument, repr(exc)) from exc
    changes = _merged(_located(found, base, revision))
    if ignore is None:
        return DiffResult(base, revision, changes)
    outcome = ignore.apply(changes)
    return DiffResult(base, revision, outcome.kept, outcome.ignored, outcome)


def _located(
    found: Iterable[tuple[Found, set[Affected]]], base: Document, revision: Document
) -> Iterable[tuple[Change, set[Affected]]]:
    for item, affected in found:
        change = Change(
            item.rule,
            severity_of(item.rule),
            item.message,
            item.base_pointer,
            item.revision_pointer,
            _line(base, item.base_pointer),
            _line(revision, item.revision_pointer),
        )
        yield change, affected


def _line(document: Document, pointer: str | None) -> int | None:
    return document.lines.line(pointer) if pointer is not None else None


def _merged(changes: Iterable[tuple[Change, set[Affected]]]) -> list[Change]:
    """One change per rule, place and message: pairs that reach the same place from different base
    positions (an inline schema in one operation, a `$ref` in another) report it once."""
    by_place: dict[tuple[str, str, str], tuple[Change, set[Affected]]] = {}
    for change, affected in changes:
        place = (change.rule, change.revision_pointer or change.base_pointer or "", change.message)
        if place in by_place:
            by_place[place][1].update(affected)
        else:
            by_place[place] = (change, set(affected))
    merged = [_with_affects(change, affected) for change, affected in by_place.values()]
    return sorted(
        merged,
        key=lambda c: (
            -SEVERITY_RANK[c.severity],
            c.affects[:1],
            c.revision_pointer or "",
            c.base_pointer or "",
            c.rule,
            c.message,
        ),
    )


def _with_affects(change: Change, affected: set[Affected]) -> Change:
    return replace(change, affects=tuple(sorted(affected)))
