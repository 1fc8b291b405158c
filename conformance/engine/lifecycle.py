"""Operations Schemathesis never got to send, exercised on records the run made itself.

Under the guard (ownership.py) a PUT, PATCH, DELETE or POST to `/pets/{petId}` goes out only for a
pet the run created. Schemathesis reaches those through its stateful phase (a create, then the
links from its answer), but not when the create is not part of the run (`--include`, a `--shard`
without it), when no link leads there, or when every case it drew named someone else's pet. Such an
operation would end "not exercised", and a run of only those "NOT TESTED".

So after Schemathesis' phases, each state-changing operation on an item that no valid request
reached is sent once for a record of the run's own: one it created and still holds, else one made
for the purpose by the documented create. Changes come before the DELETE. Every exchange is judged
by the same checks as Schemathesis' own cases and counted through the same Tally, so it shows in
the findings, the coverage and the verdict like any other case. The clean-up deletes what is left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote

import requests
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import CheckContext, run_checks
from schemathesis.core.failures import Failure
from schemathesis.engine import Status
from schemathesis.engine.recorder import ScenarioRecorder

from conformance.engine.budget import BudgetExhausted, Withheld
from conformance.engine.ownership import STATE_CHANGING, Created, Ownership
from conformance.engine.schemathesis_checks import REPLACED_CHECKS
from conformance.engine.tally import Tally

# Changes first: a DELETE ends the record the others need.
_ORDER = {"PUT": 0, "PATCH": 1, "POST": 2, "DELETE": 3}
Announce = Callable[[str, str], None]  # (operation label, outcome)


def exercise_own_records(
    schema: Any, ownership: Ownership, tally: Tally, announce: Announce | None = None
) -> int:
    """Send each unreached state-changing item operation for a record of the run; the exchanges sent."""
    sent = 0
    for template, operations in _unreached(schema, ownership, tally).items():
        record = _record_for(template, schema, ownership, tally)
        for operation in operations:
            outcome = (
                _exercise(operation, record, ownership, tally)
                if record
                else _no_record(operation, template, ownership, tally)
            )
            sent += outcome == "sent"
            if announce is not None:
                announce(operation.label, outcome)
    return sent


def _unreached(schema: Any, ownership: Ownership, tally: Tally) -> dict[str, list[Any]]:
    """State-changing operations on an item (a path with parameters) no valid request reached, by
    the item they act on; in each list changes first, the DELETE last."""
    grouped: dict[str, list[Any]] = {}
    for operation in _operations(schema):
        coverage = tally.coverage.by_operation.get(operation.label)
        method = operation.method.upper()
        if coverage is None or coverage.exercised or method not in STATE_CHANGING:
            continue
        item = item_template(operation.path)
        if item is not None:
            grouped.setdefault(item, []).append(operation)
    for operations in grouped.values():
        operations.sort(key=lambda op: _ORDER.get(op.method.upper(), 2))
    return grouped


def item_template(path: str) -> str | None:
    """The item an operation acts on: its path up to the last parameter (`/pets/{petId}/vaccines`:
    `/pets/{petId}`); None for a path without parameters."""
    end = path.rfind("}")
    return path[: end + 1] if end >= 0 else None


def _operations(schema: Any) -> Iterator[Any]:
    for result in schema.get_all_operations():
        try:
            yield result.ok()
        except Exception:
            continue


# -- a record to act on --------------------------------------------------------------------------


def _record_for(template: str, schema: Any, ownership: Ownership, tally: Tally) -> Created | None:
    held = _held(template, ownership)
    if held is not None:
        return held
    create = _create_operation(template, schema, ownership)
    # a create outside the run's selection (--include, another shard) is set-up: sent, not judged
    judged = create is not None and create.label in tally.coverage.by_operation
    if create is None or _send(_draw(create, {}), tally, judged=judged) is None:
        return None
    return _held(template, ownership)


def _held(template: str, ownership: Ownership) -> Created | None:
    """The newest record of the run at `template` that still exists."""
    for created in reversed(ownership.still_there()):
        route = ownership.matcher.route(created.path)
        if route is not None and route.template == template:
            return created
    return None


def _create_operation(template: str, schema: Any, ownership: Ownership) -> Any | None:
    """The documented create of the items at `template` (`POST /pets` for `/pets/{petId}`), when its
    own path needs no value the run lacks (a nested collection's parent is out of reach)."""
    for resource in ownership.resources.values():
        if resource.item == template and "{" not in resource.collection:
            return _operation(schema, resource.collection, "POST")
    return None


def _operation(schema: Any, path: str, method: str) -> Any | None:
    """An operation of the spec, selected for the run or not (`--include` leaves the create out)."""
    try:
        return schema[path][method]
    except LookupError:
        return None


def _no_record(operation: Any, template: str, ownership: Ownership, tally: Tally) -> str:
    creates = [f"POST {r.collection}" for r in ownership.resources.values() if r.item == template]
    why = (
        f"{creates[0]} created none the run could use"
        if creates
        else f"the spec documents no create for {template}"
    )
    tally.coverage.warn(
        operation.label,
        "not sent: every case named a record the run did not create, and it holds none of its "
        f"own ({why}); list an existing id in [conform.data] or pass --allow-destructive",
    )
    return "no record of the run's own"


# -- one exchange, sent and judged ---------------------------------------------------------------


def _exercise(operation: Any, record: Created, ownership: Ownership, tally: Tally) -> str:
    route = ownership.matcher.route(record.path)
    values = {k: unquote(v) for k, v in route.parameters(record.path).items()} if route else {}
    names = {p.name for p in operation.path_parameters}
    case = _draw(operation, {k: v for k, v in values.items() if k in names})
    answered = _send(case, tally)
    return "sent" if answered is not None else "not sent"


def _draw(operation: Any, path_parameters: dict[str, str]) -> Any:
    """One valid case (the known data's hooks applied), the same for the same seed and spec."""
    strategy = operation.as_strategy(
        path_parameters=path_parameters or None, hooks=operation.schema.hooks
    )
    drawn: list[Any] = []

    # Hypothesis draws outside a test this way (`.example()` is for the REPL): one example,
    # derandomized, no shrinking, no example database.
    @settings(
        max_examples=1,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def take(case: Any) -> None:
        drawn.append(case)

    take()
    return drawn[0]


def _send(case: Any, tally: Tally, *, judged: bool = True) -> Any | None:
    """Send `case` through the run's request gate; judge and count the answer. None when not sent."""
    try:
        response = case.call()
    except (BudgetExhausted, Withheld):
        return None
    except requests.RequestException as exc:
        tally.coverage.warn(case.operation.label, f"not sent: {type(exc).__name__}")
        return None
    if judged:
        tally.scenario(_judged(case, response), Status.SUCCESS)
    return response


def _judged(case: Any, response: Any) -> ScenarioRecorder:
    """The case, its answer and every check's result, recorded as Schemathesis' engine records its
    own (schemathesis.engine._validate), so that Tally reads them alike. The engine's helper needs
    its run context; this builds the CheckContext as `Case.validate_response` does."""
    recorder = ScenarioRecorder(label=case.operation.label)
    recorder.record_case(case=case)
    recorder.record_response(case_id=case.id, response=response)
    config = case.operation.schema.config.checks_config_for(operation=case.operation, phase=None)
    ctx = CheckContext(
        override=None,
        auth=None,
        headers=None,
        config=config,
        transport_kwargs=None,
        recorder=recorder,
        response_checks=None,
    )

    def failed(name: str, collected: set[Failure], failure: Failure) -> None:
        collected.add(failure)
        curl = case.as_curl_command(headers=dict(response.request.headers))
        recorder.record_check_failure(name=name, case_id=case.id, code_sample=curl, failure=failure)

    def passed(name: str, _case: Any) -> None:
        recorder.record_check_success(name=name, case_id=case.id)

    checks = [c for c in ctx.internals.checks if c.__name__ not in REPLACED_CHECKS]
    run_checks(
        case=case, response=response, ctx=ctx, checks=checks, on_failure=failed, on_success=passed
    )
    return recorder
