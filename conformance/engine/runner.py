"""Drive Schemathesis' engine against a live base URL and turn its events into a RunResult.

Schemathesis does the generating, sending and its own checks (all of them, except that our
`response_schema` replaces `response_schema_conformance`); the request gate bounds and paces
every request; the Redactor sees every response before anything is reported.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import schemathesis
from schemathesis.config import CacheConfig, OutputConfig, SanitizationConfig, SchemathesisConfig
from schemathesis.core.errors import LoaderError
from schemathesis.engine import Status, events
from schemathesis.engine.core import EventStream

from conformance.engine import schemathesis_checks as checks
from conformance.engine.budget import BudgetExhausted, RequestGate, Withheld, origin_of
from conformance.engine.cleanup import clean_up
from conformance.engine.credentials import CredentialError, run_headers, start_credential
from conformance.engine.excuses import run_excuse
from conformance.engine.known_data_hooks import draw_known_data
from conformance.engine.lifecycle import Announce, exercise_own_records
from conformance.engine.options import ConformOptions
from conformance.engine.ownership import Created, Ownership, path_under
from conformance.engine.rate_limits import Patience
from conformance.engine.schemathesis_checks import bind
from conformance.engine.shards import Shard, shard_labels
from conformance.engine.tally import Tally
from conformance.errors import ConformanceError, InvalidOption, NothingTested, TargetUnreachable
from conformance.reporting.coverage import CoverageTally
from conformance.reporting.findings import RunResult
from contract_core import Spec, load_spec
from contract_core.contract import Contract
from contract_core.redact import CREDENTIAL_HEADERS, REDACTED, Redactor


@dataclass(frozen=True)
class Progress:
    """What the runner reports while it runs; the CLI decides how to show it."""

    kind: str  # "phase" | "scenario"
    phase: str
    label: str | None
    status: str
    requests_sent: int


ProgressCallback = Callable[[Progress], None]


def run_conformance(
    options: ConformOptions, on_progress: ProgressCallback | None = None, spec: Spec | None = None
) -> RunResult:
    """Run every applicable check against `options.base_url`; raise ConformanceError if it cannot run.
    `spec`: `options.spec_path` already loaded (the CLI checks the known data against it first)."""
    spec = spec or load_spec(options.spec_path)
    schema = load_schemathesis_schema(spec, options)
    ensure_reachable(options.base_url, options.timeout)
    redactor = run_redactor(spec, schema, options)
    stream: EventStream | None = None

    def stop() -> None:
        if stream is not None:
            stream.stop()

    selected = [operation.label for operation in _selected(schema)]
    gate, ownership = run_gate(
        spec,
        options,
        redactor,
        on_exhausted=stop,
        per_operation=options.operation_share(len(selected)),
        operation_of=_operation_finder(spec, options.base_url),
    )
    tally = Tally(redactor, CoverageTally(spec, selected), run_excuse(spec, schema, options))
    started = time.monotonic()
    with gate.installed():
        try:
            stream = schemathesis.engine.from_schema(schema).execute()
            stop_reason = _consume(stream, tally, gate, on_progress)
            if _may_exercise_own(stop_reason, gate, options):
                exercise_own_records(schema, ownership, tally, _announcer(on_progress, gate))
        finally:
            # Ctrl-C and a spent budget included: what the run created does not stay behind
            cleaned = clean_up(ownership, gate, options)
    if gate.failure is not None:
        raise _stopped(gate.failure, cleaned)
    result = result_of(options, spec, schema, selected, tally, gate)
    result.stop_reason = "request budget spent" if gate.exhausted else stop_reason
    result.created = [created.as_dict() for created in cleaned]
    result.cleanup_requests = gate.cleanup_sent
    result.duration = time.monotonic() - started
    # a run that created records (say, one stopped by Ctrl-C) still reports what became of them
    if result.test_cases == 0 and not result.created:
        why = tally.why_nothing_ran() or _unreported(gate)
        raise NothingTested(f"interrupted (Ctrl-C) first; {why}" if result.incomplete else why)
    return result


def _unreported(gate: RequestGate) -> str:
    """Requests went out, yet no case came back: Schemathesis hands over a scenario's cases only
    when the scenario ends, and a spent budget cuts the one under way short."""
    if gate.exhausted:
        return (
            f"the request budget ({gate.max_requests}) was spent before the first scenario ended, "
            "and a scenario cut short reports none of its cases; raise --max-requests"
        )
    return f"{gate.sent} requests sent, none answered"


def _may_exercise_own(stop_reason: str, gate: RequestGate, options: ConformOptions) -> bool:
    """After Schemathesis' phases, the operations the guard kept it from are sent for the run's own
    records (lifecycle.py); not after Ctrl-C, a spent budget or a lost credential, nor when the
    guard was lifted (--allow-destructive: nothing was kept back)."""
    stopped = stop_reason == "interrupted" or gate.exhausted or gate.failure is not None
    return not stopped and not options.allow_destructive


def _announcer(on_progress: ProgressCallback | None, gate: RequestGate) -> Announce | None:
    if on_progress is None:
        return None
    return lambda label, outcome: on_progress(
        Progress("scenario", "own records", label, outcome, gate.sent)
    )


def run_gate(
    spec: Spec,
    options: ConformOptions,
    redactor: Redactor,
    *,
    on_exhausted: Callable[[], None] | None = None,
    per_operation: int | None = None,
    operation_of: Callable[[str, str], str | None] | None = None,
) -> tuple[RequestGate, Ownership]:
    """The run's one request gate (conform and pytest mode): budget and pace, the guard that keeps
    the run off records it did not create, the credential that renews itself, rate limits waited out."""
    credential = start_credential(
        options.auth, redactor, timeout=options.timeout, verify=not options.insecure
    )
    ownership = Ownership(
        spec, options.base_url, options.known_data, allow_destructive=options.allow_destructive
    )
    gate = RequestGate(
        origin_of(options.base_url),
        options.max_requests,
        options.rate_limit,
        on_exhausted=on_exhausted,
        per_operation=per_operation,
        operation_of=operation_of,
        guard=ownership,
        credential=credential,
        patience=Patience(options.timeout, options.max_wait),
    )
    return gate, ownership


def _stopped(failure: CredentialError, cleaned: list[Created]) -> CredentialError:
    """The credential that stopped the run, and what the run created that is still on the server
    (without a credential the clean-up could not delete it): the one message exit 2 prints."""
    left = [created.path for created in cleaned if not created.outcome.startswith("deleted")]
    if not left:
        return failure
    return CredentialError(
        failure.source,
        f"{failure.problem}; {len(left)} record(s) the run created are still there: {', '.join(left)}",
    )


def run_redactor(spec: Spec, schema: Any, options: ConformOptions) -> Redactor:
    """The run's one Redactor: it knows the spec's secret fields and the headers given before any response."""
    redactor = Redactor(bind(schema.raw_schema, spec).documented.secret_fields)
    redactor.add_headers(options.headers)
    for value in options.secrets:
        redactor.add_literal(value)
    return redactor


def result_of(
    options: ConformOptions,
    spec: Spec,
    schema: Any,
    operations: list[str],
    tally: Tally,
    gate: RequestGate,
) -> RunResult:
    """What a run found, covered and cost, from its tally and its request gate (conform and pytest mode)."""
    text = tally.redactor.text  # a base URL or spec path from the environment is never printed
    result = RunResult(
        base_url=text(options.base_url),
        spec=text(spec.source),
        seed=schema.config.seed,
        operations=operations,
        shard=str(options.shard) if options.shard else None,
        workers=options.workers,
    )
    tally.fill(result)
    result.requests_sent, result.requests_refused, result.resources_created = (
        gate.sent,
        gate.refused,
        gate.created,
    )
    result.budget_exhausted = gate.exhausted
    result.requests_withheld = gate.withheld
    result.destructive = options.allow_destructive
    result.max_requests = options.max_requests
    result.rate_limit = str(options.rate_limit) if options.rate_limit else None
    if gate.credential is not None and gate.credential.renewable:
        result.credential_renewals = gate.credential.renewals
    if gate.patience is not None:
        result.rate_limit_waits, result.rate_limit_wait_seconds = (
            gate.patience.waits,
            round(gate.patience.waited, 3),
        )
    return result


# Refusals Schemathesis' negative_data_rejection does not count by default: too large a body, URI or header.
_REFUSALS_TOO = ("413", "414", "431")


def load_schemathesis_schema(spec: Spec, options: ConformOptions) -> Any:
    """The spec (loaded once, by the core) handed to Schemathesis as a document, configured for the run."""
    config = SchemathesisConfig(
        seed=options.seed,
        # a run against staging must not litter the working directory
        cache=CacheConfig(enabled=False),
        output=OutputConfig(
            sanitization=SanitizationConfig(
                replacement=REDACTED, keys_to_sanitize=tuple(sorted({*CREDENTIAL_HEADERS, "token"}))
            )
        ),
    )
    project = config.projects.override  # applies to whichever project the document maps to
    project.update(
        base_url=options.base_url.rstrip("/"),
        headers=run_headers(options.headers, options.auth) or None,
        request_timeout=options.timeout,
        tls_verify=not options.insecure,
        continue_on_failure=True,
        workers=options.workers,
    )
    project.generation.update(max_examples=options.max_examples)
    project.checks.update(excluded_check_names=list(checks.REPLACED_CHECKS))
    rejection = project.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, *_REFUSALS_TOO]
    document = json.loads(json.dumps(spec.document))  # Schemathesis normalises keys in place
    try:
        # The general type: `include` (below) returns a BaseSchema.
        schema: schemathesis.BaseSchema = schemathesis.openapi.from_dict(document, config=config)
    except LoaderError as exc:
        raise ConformanceError(f"Schemathesis cannot use {spec.source}: {exc}") from exc
    bind(schema.raw_schema, spec)
    if options.include:
        schema = schema.include(name=[_label(spec, name) for name in options.include])
    if options.shard:
        schema = _only_shard(schema, options.shard)
    draw_known_data(schema, options.known_data)
    return schema


def _only_shard(schema: Any, shard: Shard) -> Any:
    """This shard's operations, from the ones the run would test (after --include)."""
    selected = [operation.label for operation in _selected(schema)]
    labels = shard_labels(selected, shard)
    if not labels:
        raise InvalidOption(
            "--shard",
            str(shard),
            f"at most {len(selected)} shards: this one has no operation to test",
        )
    return schema.include(name=labels)


def _label(spec: Spec, name: str) -> str:
    try:
        return spec.operation(name).label
    except KeyError as exc:
        raise InvalidOption(
            "--include", name, f"an operationId or 'METHOD /path' of {spec.source}"
        ) from exc


def _selected(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations() if _is_ok(result)]


def _is_ok(result: Any) -> bool:
    try:
        result.ok()
        return True
    # an operation Schemathesis cannot build is reported by the engine as an error
    except Exception:
        return False


def ensure_reachable(base_url: str, timeout: float) -> None:
    """A TCP connect, not an HTTP request: it costs nothing from the budget and fails fast."""
    parts = urlsplit(base_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=min(timeout, 10.0)):
            return
    except OSError as exc:
        raise TargetUnreachable(base_url, exc.strerror or str(exc)) from None


def _operation_finder(spec: Spec, base_url: str) -> Callable[[str, str], str | None]:
    """(method, URL path) -> the operation's label, for per-operation budgets."""
    matcher = Contract.of(spec).matcher

    def find(method: str, path: str) -> str | None:
        path = path_under(base_url, path)
        found = matcher.operation_id(method, path)
        return f"{method.upper()} {path}" if found is None else found

    return find


def _consume(
    stream: EventStream, tally: Tally, gate: RequestGate, on_progress: ProgressCallback | None
) -> str:
    try:
        return _events(stream, tally, gate, on_progress)
    except KeyboardInterrupt:
        # Ctrl-C between the engine's events: stop it and let its workers finish before the clean-up
        stream.stop()
        for _ in stream:
            pass
        return "interrupted"


def _events(
    stream: EventStream, tally: Tally, gate: RequestGate, on_progress: ProgressCallback | None
) -> str:
    stop_reason = "completed"
    for event in stream:
        if isinstance(event, (events.PhaseStarted, events.PhaseFinished)) and on_progress:
            status = "started" if isinstance(event, events.PhaseStarted) else str(event.status)
            on_progress(Progress("phase", event.phase.name.value, None, status, gate.sent))
        elif isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            tally.scenario(event.recorder, event.status)
            if on_progress and event.status != Status.SKIP:
                on_progress(
                    Progress(
                        "scenario", event.phase.value, event.label, str(event.status), gate.sent
                    )
                )
        elif isinstance(event, events.FuzzScenarioFinished):
            tally.scenario(event.recorder, event.status)
        elif isinstance(event, events.NonFatalError):
            # neither is the server's: a spent budget, a request withheld to keep others' records safe
            if not _caused_by(event.value, (BudgetExhausted, Withheld)):
                tally.error(event)
        elif isinstance(event, events.FatalError):
            if isinstance(event.exception, ConformanceError):
                raise event.exception
            raise ConformanceError(
                f"the run stopped: {type(event.exception).__name__}: {event.exception}"
            ) from event.exception
        elif isinstance(event, events.EngineFinished):
            stop_reason = str(event.stop_reason)
            tally.run_failures(event.failures)
    return stop_reason


def _caused_by(
    error: BaseException | None, kind: type[BaseException] | tuple[type[BaseException], ...]
) -> bool:
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kind):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False
