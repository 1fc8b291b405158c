"""`contract verify TRAFFIC...`: recorded traffic (HAR, NDJSON) held to the contract, out of the request path.

Each entry is matched to its operation (server prefixes stripped). Entries that match nothing are
static assets (skipped), requests to other hosts (skipped), or, on a host where documented
operations were seen, undocumented operations (findings). Matched entries go through the same
checks as the proxy and conform, in the order they were recorded (uniqueness spans the files).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from conformance.checker.exchange import CheckViolation
from conformance.reporting.findings import Finding, Findings
from conformance.reporting.fingerprint import fingerprint, wildcard
from conformance.traffic.judge import TrafficJudge
from conformance.traffic.ndjson import read_ndjson
from conformance.traffic.violations import undocumented_operation
from contract_core.errors import TrafficFileError
from contract_core.har import read_har
from contract_core.media import base_type
from contract_core.observed import Observed, bodiless_response
from contract_core.redact import Redactor
from contract_core.spec import Spec

STATIC_RESOURCE_TYPES = frozenset(
    {
        "document",
        "stylesheet",
        "script",
        "image",
        "font",
        "media",
        "manifest",
        "texttrack",
        "ping",
        "preflight",
    }
)
STATIC_EXTENSIONS = (
    ".js",
    ".mjs",
    ".css",
    ".map",
    ".html",
    ".htm",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".svg",
    ".webp",
    ".ico",
    ".woff",
    ".woff2",
    ".ttf",
    ".otf",
    ".mp4",
    ".webm",
    ".txt",
    ".wasm",
)
STATIC_MEDIA = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "image/",
    "font/",
    "audio/",
    "video/",
)


@dataclass
class TrafficFinding(Finding):
    recorded_at: str | None = None  # the first exchange that showed it: `file.har#/log/entries/3`


@dataclass(kw_only=True)
class VerifyResult(Findings[TrafficFinding]):
    """`contract verify`'s result: what the files held, what was checked, and the findings."""

    untested_headline: ClassVar[str] = "not verified"

    sources: list[str]
    entries: int = 0
    checked: int = 0
    skipped_static: int = 0
    skipped_other_hosts: int = 0
    undocumented: int = 0
    # Checked exchanges whose record kept no response body: their bodies were not schema-checked.
    bodies_missing: int = 0
    # operation -> status -> exchanges
    coverage: dict[str, dict[int, int]] = field(default_factory=dict)

    @property
    def bodies_unchecked(self) -> bool:
        """No checked exchange had its response body: the record cannot show what the API answered."""
        return self.checked > 0 and self.bodies_missing == self.checked

    @property
    def untested(self) -> str | None:
        """Why these files cannot verify the API: nothing matched the spec, or no body was recorded."""
        if not self.checked:
            return (
                f"no exchange matched an operation of the spec ({counts(self)}); pass traffic of "
                "this API, or the spec it follows with --spec"
            )
        if self.bodies_unchecked:
            return (
                f"no checked exchange had its response body in the record ({self.bodies_missing} of "
                f"{self.checked}), so no response body was checked; export the HAR with content "
                '(Chrome: "Save all as HAR with content"), or record with contract proxy --record'
            )
        return None

    @property
    def set_up_wrong(self) -> bool:
        """Files that cannot verify the API must be fixed first, whatever they showed: exit 2."""
        return self.untested is not None

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        data["coverage"] = {
            op: {str(s): n for s, n in sorted(seen.items())} for op, seen in self.coverage.items()
        }
        data["not_seen"] = [op for op in self.operations if op not in self.coverage]
        data["bodies_unchecked"] = self.bodies_unchecked
        return data


def counts(result: VerifyResult) -> str:
    missing = (
        f" ({result.bodies_missing} without their response body: not schema-checked)"
        if result.bodies_missing
        else ""
    )
    return (
        f"{result.entries} entries in {len(result.sources)} file(s): {result.checked} checked{missing}, "
        f"{result.undocumented} undocumented, {result.skipped_static} static assets and "
        f"{result.skipped_other_hosts} other-host entries skipped; spec {result.spec}"
    )


def read_traffic(path: Path) -> list[Observed]:
    """A HAR file (a JSON object with `log`) or NDJSON exchanges, told apart by their first character."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4096).lstrip()
    except OSError as exc:
        raise TrafficFileError(
            str(path), f"cannot read: {exc.strerror or exc}", "check the path"
        ) from None
    if not start:
        raise TrafficFileError(
            str(path), "the file is empty", "pass a HAR file or NDJSON exchanges"
        )
    is_har = path.suffix.lower() == ".har" or (start.startswith(b"{") and b'"log"' in start[:200])
    return read_har(path) if is_har else read_ndjson(path)


def verify(spec: Spec, paths: Iterable[Path]) -> VerifyResult:
    """Every recorded exchange judged; raises TrafficFileError for a file it cannot read."""
    paths = list(paths)
    observed = [item for path in paths for item in read_traffic(path)]
    judge = TrafficJudge(spec)
    result = VerifyResult(
        spec=spec.source,
        sources=[str(p) for p in paths],
        operations=[op.label for op in spec.operations],
        entries=len(observed),
    )
    collector = _Collector(judge.redactor())  # run-wide: learns from every entry
    api_hosts = {item.host for item in observed if judge.match(item.method, item.path)}
    for item in sorted(observed, key=lambda o: o.started):
        _judge_one(judge, item, api_hosts, result, collector)
    result.findings = collector.findings()  # a --baseline is applied by the CLI, as conform's is
    return result


def _judge_one(
    judge: TrafficJudge,
    item: Observed,
    api_hosts: set[str],
    result: VerifyResult,
    collector: _Collector,
) -> None:
    judge.learn(collector.redactor, item)
    judgement = judge.judge(item)
    if judgement.match is not None:
        label = judge.label(judgement.match)
        result.checked += 1
        result.bodies_missing += _body_missing(item)
        seen = result.coverage.setdefault(label, {})
        seen[item.status] = seen.get(item.status, 0) + 1
        collector.add(label, item, judgement.violations)
    elif _is_static(item):
        result.skipped_static += 1
    elif item.host not in api_hosts or item.method == "OPTIONS":
        result.skipped_other_hosts += 1
    else:
        result.undocumented += 1
        collector.add(
            f"{item.method} {item.path}", item, [undocumented_operation(item, judge.matcher)]
        )


def _body_missing(item: Observed) -> bool:
    """An answer that has a body, which the record did not keep (a HAR exported without content, a body
    the proxy streamed past): its schema, reflection and uniqueness could not be checked."""
    return not bodiless_response(item.method, item.status) and item.response_body is None


def _is_static(item: Observed) -> bool:
    if item.extra.get("resourceType", "").lower() in STATIC_RESOURCE_TYPES:
        return True
    media = base_type(item.response_header("content-type"))
    return item.path.lower().endswith(STATIC_EXTENSIONS) or any(
        media.startswith(m) for m in STATIC_MEDIA
    )


@dataclass
class _Seen:
    violation: CheckViolation
    observed: Observed
    count: int = 1


class _Collector:
    """Violations grouped into findings (same operation, check, title and pointer up to array
    positions); redacted at the end, once the run-wide redactor has seen every exchange."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self._seen: dict[tuple[str, str, str, str], _Seen] = {}

    def add(self, operation: str, observed: Observed, violations: list[CheckViolation]) -> None:
        for violation in violations:
            key = (
                operation,
                violation.check,
                violation.title,
                wildcard(violation.instance_pointer),
            )
            if key in self._seen:
                self._seen[key].count += 1
            else:
                self._seen[key] = _Seen(violation, observed)

    def findings(self) -> list[TrafficFinding]:
        found = [self._finding(operation, seen) for (operation, *_), seen in self._seen.items()]
        return sorted(
            found, key=lambda f: (f.operation, f.severity_rank(), f.check, f.instance_pointer or "")
        )

    def _finding(self, operation: str, seen: _Seen) -> TrafficFinding:
        violation, text = seen.violation, self.redactor.text
        # Reports label the excerpt "Response", whichever side broke.
        excerpt = self.redactor.excerpt(seen.observed.response_body)
        where = seen.observed.extra.get("at")
        return TrafficFinding(
            operation=operation,
            check=violation.check,
            title=text(violation.title),
            received=text(violation.received),
            documented=text(violation.documented),
            severity=violation.severity,
            code=f"{violation.side}:{violation.check}",
            instance_pointer=violation.instance_pointer,
            schema_pointer=violation.schema_pointer,
            status_code=seen.observed.status or None,
            response_excerpt=excerpt,
            recorded_at=where,
            count=seen.count,
            fingerprint=fingerprint(operation, violation.check, violation.instance_pointer),
        )
