"""What a run covered: per operation, the positive test cases by outcome and the statuses seen.

A run is only worth its verdict if valid requests got documented answers. An operation is
*exercised* when at least one positive (schema-valid) case got a documented 2xx/3xx; a run that
exercised nothing tested nothing, whatever its findings say (an expired credential answers every
request with 401, a wrong base path with 404), and `untested_reason` says which of those it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from contract_core import pointer
from contract_core.contract import Contract
from contract_core.spec import Spec, response_key

OUTCOMES = ("success", "auth", "not_found", "refused", "server_error", "other")
OUTCOME_TITLES = {
    "success": "documented 2xx/3xx",
    "auth": "401/403",
    "not_found": "404",
    "refused": "400/422",
    "server_error": "5xx",
    "other": "other",
}
# The report's columns, in OUTCOMES' order.
OUTCOME_COLUMNS = "ok/auth/404/400/5xx/other"
# A valid request answered so was refused for its values: ids the server does not hold, most often.
REFUSED = ("not_found", "refused")


@dataclass
class OperationCoverage:
    operation: str
    documented: list[str]  # the spec's response keys: "201", "4XX", "default"
    seen: dict[str, int] = field(default_factory=dict)  # status -> responses, every case
    positive: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    warnings: list[str] = field(default_factory=list)  # why the tool could not test part of it
    # when its valid requests were refused: a [conform.data] table to fill in (TOML lines)
    data_example: list[str] = field(default_factory=list)

    @property
    def exercised(self) -> bool:
        return self.positive["success"] > 0

    @property
    def never_seen(self) -> list[str]:
        """Documented statuses no response had (`default` is a catch-all, never expected as such)."""
        seen = [int(status) for status in self.seen]
        return [
            key
            for key in self.documented
            if key.lower() != "default"
            and not any(response_key([key], status) == key for status in seen)
        ]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "exercised": self.exercised, "never_seen": self.never_seen}


class CoverageTally:
    """Counts outcomes per operation as the run goes; `operations` are the ones the run selected."""

    def __init__(self, spec: Spec, operations: list[str]) -> None:
        self.spec = spec
        self.by_operation = {
            label: OperationCoverage(label, _documented(spec, label)) for label in operations
        }

    def record(self, operation: str, method: str, status: int, positive: bool) -> None:
        coverage = self.by_operation.get(operation)
        if coverage is None or method.upper() != operation.split(" ", 1)[0]:
            return  # another method sent to the path (the unsupported-method probe) covers nothing
        coverage.seen[str(status)] = coverage.seen.get(str(status), 0) + 1
        if positive:
            coverage.positive[self._outcome(coverage, status)] += 1

    def warn(self, operation: str, message: str) -> bool:
        """Attach a tool-side warning to its operation; False when no selected operation has that label."""
        coverage = self.by_operation.get(operation)
        if coverage is None:
            return False
        if message not in coverage.warnings:
            coverage.warnings.append(message)
        return True

    @staticmethod
    def _outcome(coverage: OperationCoverage, status: int) -> str:
        if 200 <= status < 400 and response_key(coverage.documented, status) not in (
            None,
            "default",
        ):
            return "success"
        if status in (401, 403):
            return "auth"
        if status == 404:
            return "not_found"
        if status in (400, 422):
            return "refused"
        return "server_error" if status >= 500 else "other"

    def results(self) -> list[OperationCoverage]:
        found = sorted(self.by_operation.values(), key=lambda c: c.operation)
        for coverage in found:
            if not coverage.exercised and any(coverage.positive[o] for o in REFUSED):
                coverage.data_example = known_data_example(self.spec, coverage.operation)
        return found


def _documented(spec: Spec, label: str) -> list[str]:
    try:
        responses = spec.operation(label).node.get("responses") or {}
    except KeyError:
        return []
    return [str(key) for key in responses]


@dataclass(frozen=True)
class Untested:
    """Why a run exercised no operation. A `setup` problem (the credential, the base path) makes every
    finding of the run an artefact of it; otherwise the server's findings still stand."""

    message: str
    setup: bool


def untested_reason(coverage: list[OperationCoverage]) -> Untested | None:
    """Why a run that exercised no operation tested nothing, in words a CI log reader can act on; None if
    at least one operation was exercised."""
    if not coverage or any(c.exercised for c in coverage):
        return None
    totals = {outcome: sum(c.positive[outcome] for c in coverage) for outcome in OUTCOMES}
    valid = sum(totals.values())
    if valid and totals["auth"] == valid:
        return Untested(
            f"the server refused the credential on every valid request ({valid} of {valid} answered "
            "401/403): the Authorization value (-H, or --contract-header in pytest) may be wrong or "
            "expired",
            setup=True,
        )
    if {status for c in coverage for status in c.seen} == {"404"}:
        return Untested(
            "no documented path answered: every request got 404; the --base-url (or "
            "--contract-base-url in pytest) path prefix may be wrong (the spec's paths are appended to it)",
            setup=True,
        )
    refused = [c for c in coverage if any(c.positive[o] for o in REFUSED)]
    if refused and sum(totals[o] for o in (*REFUSED, "auth")) == valid:
        return Untested(_refused_message(refused, totals, valid), setup=True)
    if not valid:
        return Untested(
            "no valid request reached the server" + _warnings_hint(coverage), setup=False
        )
    shown = ", ".join(f"{totals[o]} {OUTCOME_TITLES[o]}" for o in OUTCOMES if totals[o])
    return Untested(
        f"no operation got a documented success for a valid request ({shown})", setup=False
    )


def _refused_message(refused: list[OperationCoverage], totals: dict[str, int], valid: int) -> str:
    """Valid requests refused as unknown: name the operations, say where known values go, show how."""
    count = sum(totals[o] for o in REFUSED)
    names = ", ".join(c.operation for c in refused)
    message = (
        f"the server refused the valid requests ({count} of {valid} answered 400/404/422) of {names}: "
        "it may not hold the ids the run generated; list values that exist on it in [conform.data] of "
        "contract.toml (docs/staging.md, Known data)"
    )
    example = next((c.data_example for c in refused if c.data_example), [])
    return message + (", for example:\n" + "\n".join(example) if example else "")


# A property or parameter whose name says it names a record: `id`, `accountId`, `account_id`, `uuid`.
_ID_LIKE = re.compile(r"^(id|uuid)$|(Id|ID|_id|Uuid|_uuid)$")
_EXAMPLE_DEPTH = 4


def known_data_example(spec: Spec, label: str) -> list[str]:
    """A `[conform.data."METHOD /path"]` table for the operation, ready to paste and fill in: its path
    parameters and the request body fields that look like ids, each with a placeholder value."""
    compiled = Contract.of(spec).by_label(label)
    if compiled is None:
        return []
    lines: list[str] = []
    for parameter in compiled.parameters:
        if parameter.location == "path" or (parameter.required and _ID_LIKE.search(parameter.name)):
            schema = spec.resolve(parameter.schema_pointer) if parameter.schema_pointer else {}
            lines.append(f"{_toml_key(parameter.name)} = [{_placeholder(spec, schema)}]")
    content = compiled.body.content if compiled.body is not None else None
    for media in (content or {}).values():
        if media.schema_pointer is not None:
            schema = spec.resolve(media.schema_pointer)
            for at, found in _id_fields(spec, schema, "", set(), 0):
                lines.append(f"{_toml_key(at)} = [{_placeholder(spec, found)}]")
            break  # one media type's fields
    if not lines:
        return []
    header = f"[conform.data.{json.dumps(label)}]"
    return [f"{header}  # values that exist on the server", *lines]


def _id_fields(
    spec: Spec, schema: Any, at: str, seen: set[str], depth: int
) -> Iterator[tuple[str, Any]]:
    """(body pointer, schema) of every id-like field, `*` for array items; each `$ref` once per path."""
    schema, ref = spec.deref(schema)
    if ref in seen or not isinstance(schema, dict) or depth > _EXAMPLE_DEPTH:
        return
    seen = seen | {ref} if ref else seen
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(keyword) or []:
            yield from _id_fields(spec, branch, at, seen, depth + 1)
    if isinstance(schema.get("items"), dict):
        yield from _id_fields(spec, schema["items"], f"{at}/*", seen, depth + 1)
    for name, prop in (schema.get("properties") or {}).items():
        place = f"{at}/{pointer.escape(name)}"
        resolved, _ = spec.deref(prop)
        if _ID_LIKE.search(name) and isinstance(resolved, dict) and not _is_container(resolved):
            yield place, resolved
        else:
            yield from _id_fields(spec, prop, place, seen, depth + 1)


def _is_container(schema: dict[str, Any]) -> bool:
    return schema.get("type") in ("object", "array") or "properties" in schema


def _placeholder(spec: Spec, schema: Any) -> str:
    """A value to replace: the schema's own example when it has one, else a marker of its type."""
    schema, _ = spec.deref(schema)
    if not isinstance(schema, dict):
        schema = {}
    for key in ("example", "default"):
        if isinstance(schema.get(key), (str, int, float)) and not isinstance(schema[key], bool):
            return json.dumps(schema[key])
    for key in ("examples", "enum"):
        listed = schema.get(key)
        if isinstance(listed, list) and listed and isinstance(listed[0], (str, int, float)):
            return json.dumps(listed[0])
    kind = schema.get("type")
    return "1" if kind in ("integer", "number") else '"<an id that exists>"'


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _warnings_hint(coverage: list[OperationCoverage]) -> str:
    warnings = all_warnings(coverage)
    return f" ({warnings[0]})" if warnings else ""


def all_warnings(coverage: list[OperationCoverage], run_wide: Sequence[str] = ()) -> list[str]:
    """Every tool-side warning, named by operation, then those of the run as a whole."""
    return [f"{c.operation}: {w}" for c in coverage for w in c.warnings] + list(run_wide)


def coverage_share(coverage: list[OperationCoverage]) -> float:
    """Exercised operations as a percentage of those the run selected."""
    return 100.0 * sum(c.exercised for c in coverage) / len(coverage) if coverage else 0.0
