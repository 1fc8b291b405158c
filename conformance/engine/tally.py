"""Collect what the engine recorded into findings and per-check tallies, redacted at the end.

Redaction happens in `fill`, after the whole run: by then the Redactor has seen every secret any
response carried, so a value quoted by an early finding is scrubbed even if it was learnt later.
"""

from __future__ import annotations

import http.client
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from schemathesis.core.failures import Failure
from schemathesis.engine import Status

from conformance.engine.schemathesis_checks import ContractFailure
from conformance.reporting.coverage import CoverageTally, all_warnings
from conformance.reporting.findings import CheckTally, Finding, RunResult
from conformance.reporting.fingerprint import fingerprint
from contract_core.redact import Redactor

# (check name, the interaction it failed on) -> True when the failure is the tool's misreading, not the server's
Excuse = Callable[[str, Any], bool]


@dataclass
class _Seen:
    failure: Failure
    check: str
    response: Any
    curl: str | None
    count: int = 1


class Tally:
    def __init__(
        self, redactor: Redactor, coverage: CoverageTally, excuse: Excuse | None = None
    ) -> None:
        self.redactor = redactor
        self.coverage = coverage
        self.excuse = excuse or (lambda check, interaction: False)
        self._findings: dict[tuple[str, ...], _Seen] = {}
        self._tallies: dict[tuple[str, str], CheckTally] = {}
        self._errors: list[tuple[str, str, str]] = []
        self.warnings: list[str] = []
        self.test_cases = 0

    def scenario(self, recorder: Any, status: Status) -> None:
        for case_id, interaction in recorder.interactions.items():
            response = interaction.response
            self._learn(
                {k: v[0] for k, v in interaction.request.headers.items() if v},
                response.content if response is not None else None,
            )
            if response is not None:
                self.test_cases += 1
                self._cover(recorder.cases.get(case_id), interaction)
        for case_id, nodes in recorder.checks.items():
            case = recorder.cases.get(case_id)
            operation = case.value.operation.label if case is not None else recorder.label
            interaction = recorder.interactions.get(case_id)
            for node in nodes:
                tally = self._tallies.setdefault(
                    (operation, node.name), CheckTally(operation, node.name)
                )
                failed = node.status == Status.FAILURE and node.failure_info is not None
                if failed and self.excuse(node.name, interaction):
                    tally.passed += 1
                elif failed:
                    tally.failed += 1
                    self._add(
                        operation,
                        node.name,
                        node.failure_info.failure,
                        interaction.response if interaction else None,
                        node.failure_info.code_sample,
                    )
                elif node.status == Status.SUCCESS:
                    tally.passed += 1

    def _cover(self, node: Any, interaction: Any) -> None:
        if node is None:
            return
        # a check's own follow-up request
        probe = node.parent_id is not None and node.transition is None
        self.coverage.record(
            node.value.operation.label,
            interaction.request.method,
            interaction.response.status_code,
            _is_positive(node.value) and not probe,
        )

    def exchange(self, case: Any, response: Any) -> None:
        """One case sent and answered outside Schemathesis' engine (pytest mode's `case.call()`): learnt
        for redaction and counted for coverage as an engine scenario's case is."""
        self._learn(dict(response.request.headers), response.content)
        self.test_cases += 1
        self.coverage.record(
            case.operation.label, case.method, response.status_code, _is_positive(case)
        )

    def _learn(self, request_headers: dict[str, str], body: bytes | None) -> None:
        self.redactor.add_headers(request_headers)
        if body is not None:
            self.redactor.learn_from_body(body)

    def _add(
        self, operation: str, check: str, failure: Failure, response: Any, curl: str | None
    ) -> None:
        unique = failure._unique_key
        key = (operation, check, type(failure).__name__, unique, "" if unique else failure.title)
        seen = self._findings.get(key)
        if seen is None:
            self._findings[key] = _Seen(failure, check, response, curl)
            return
        seen.count += 1
        # keep the smallest reproduction
        if curl and (seen.curl is None or len(curl) < len(seen.curl)):
            seen.failure, seen.response, seen.curl = failure, response, curl

    def error(self, event: Any) -> None:
        """A network error is the server's (a finding); anything else is the tool's: a warning on its operation,
        which then counts as not exercised (Schemathesis cannot build a `format: binary` JSON field, say)."""
        info = event.info
        if isinstance(event.value, requests.RequestException):
            self._errors.append((event.label or "(run)", info.title, info.message))
            return
        message = self.redactor.text(
            f"could not test: {info.title}: {' '.join(info.message.split())}"
        )
        if not self.coverage.warn(event.label or "", message):
            self.warnings.append(f"{event.label or '(run)'}: {message}")

    def run_failures(self, failures: list[Failure]) -> None:
        for failure in failures:
            self._add(failure.operation or "(run)", "after_run", failure, None, None)

    def why_nothing_ran(self) -> str | None:
        if self._errors:
            label, title, message = self._errors[0]
            return f"{label}: {title}: {message}".strip()
        warnings = all_warnings(self.coverage.results(), self.warnings)
        return warnings[0] if warnings else None

    def fill(self, result: RunResult) -> None:
        result.test_cases = self.test_cases
        result.coverage = self.coverage.results()
        result.warnings = list(self.warnings)
        result.tallies = sorted(self._tallies.values(), key=lambda t: (t.operation, t.check))
        result.findings = [
            self._finding(operation, seen) for (operation, *_), seen in self._findings.items()
        ]
        result.findings += [self._error_finding(*error) for error in _unique(self._errors)]
        result.findings.sort(key=lambda f: (f.operation, f.severity_rank(), f.check, f.title))

    def _finding(self, operation: str, seen: _Seen) -> Finding:
        failure, response, text = seen.failure, seen.response, self.redactor.text
        received, documented = _describe(failure, response)
        return Finding(
            operation=operation,
            check=seen.check,
            title=text(failure.title),
            received=text(received),
            documented=text(documented),
            severity=str(failure.severity),
            code=failure.code,
            instance_pointer=getattr(failure, "instance_pointer", None),
            schema_pointer=getattr(failure, "schema_pointer", None),
            status_code=response.status_code if response is not None else None,
            response_excerpt=self._excerpt(response),
            curl=text(seen.curl) if seen.curl else None,
            count=seen.count,
            fingerprint=fingerprint(
                operation, seen.check, getattr(failure, "instance_pointer", None)
            ),
        )

    def _excerpt(self, response: Any) -> str | None:
        if response is None:
            return None
        return self.redactor.excerpt(response.content) or ""

    def _error_finding(self, label: str, title: str, message: str, count: int) -> Finding:
        text = self.redactor.text
        return Finding(
            operation=label,
            check="request_error",
            title=text(title),
            received=text(message.strip()),
            documented="an HTTP response within --timeout",
            severity="critical",
            code="ERROR",
            count=count,
            fingerprint=fingerprint(label, "request_error", None),
        )


def _is_positive(case: Any) -> bool:
    """Schema-valid in every part: explicit examples carry no metadata and count as valid."""
    meta = case.meta
    if meta is None:
        return True
    components = getattr(meta, "components", None) or {}
    return meta.generation.mode.is_positive and not any(
        c.mode.is_negative for c in components.values()
    )


def _unique(errors: list[tuple[str, str, str]]) -> list[tuple[str, str, str, int]]:
    counts: dict[tuple[str, str, str], int] = {}
    for error in errors:
        counts[error] = counts.get(error, 0) + 1
    return [(*error, n) for error, n in counts.items()]


def _status_line(response: Any) -> str:
    if response is None:
        return "no response"
    content_type = (response.headers.get("content-type") or ["no Content-Type"])[0]
    return f"{response.status_code} {http.client.responses.get(response.status_code, '')} ({content_type})".strip()


def _describe(failure: Failure, response: Any) -> tuple[str, str]:
    """Received / Documented for any failure: ours carry both; Schemathesis' are phrased from their fields."""
    if isinstance(failure, ContractFailure):
        return failure.received, failure.documented
    defined = getattr(failure, "defined_status_codes", None) or getattr(
        failure, "defined_content_types", None
    )
    message = " ".join(failure.message.split()) or failure.title
    if defined:
        return _status_line(response), ", ".join(map(str, defined))
    return _status_line(response), message
