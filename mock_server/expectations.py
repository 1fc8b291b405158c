"""Expectations: per-test answers a test posts to the mock, held to the contract when posted.

    {"request":  {"method": "POST", "path": "/v1/accounts/api-tokens",
                  "query": {}, "headers": {}, "body": {}},
     "response": {"status": 201, "headers": {}, "body": {"name": "Pinned"}, "delay_ms": 0},
     "times": 1}

`responses: [...]` in place of `response` is a sequence (each answer in turn, then the last again,
or `"then": "fallback"`); an answer may be a fault (`{"fault": "connection-reset"}`). The request
must name a documented operation, each status must be documented for it, and each partial body,
merged into the fixture the mock would have served, must be valid against that status's schema.
This module turns a posted document into a compiled `Expectation` or raises `InvalidExpectation`,
every error located by a JSON pointer into the posted document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import jsonschema_rs
import orjson

from contract_core.errors import ContractError
from contract_core.media import is_json
from contract_core.pointer import from_path
from mock_server.fixtures import ResponseTarget, status_code
from mock_server.responder import ReplyPlan, Responder, documented_for

FAULTS = ("connection-reset", "empty-response", "timeout")
MAX_DELAY_MS = 600_000
UNSET: Any = object()  # no body pinned (`null` is a value a test may pin)

# The expectation format is the mock's own, not part of any contract: jsonschema-rs checks it
# directly (the kit's one validator, contract_core.validation, is for a spec's schemas).
_ANSWER = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "status": {"type": "integer", "minimum": 100, "maximum": 599},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
        "body": {},
        "delay_ms": {"type": "number", "minimum": 0, "maximum": MAX_DELAY_MS},
        "fault": {"enum": list(FAULTS)},
        # false: `body` is the whole body, served as given (no merge, no reflection): replay's answers
        "partial": {"type": "boolean"},
    },
    "oneOf": [
        {"required": ["status"], "not": {"required": ["fault"]}},
        {"required": ["fault"], "not": {"anyOf": [{"required": [k]} for k in ("status", "body")]}},
    ],
}
_FORMAT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["request"],
    "properties": {
        "id": {"type": "string", "minLength": 1, "maxLength": 200},
        "request": {
            "type": "object",
            "additionalProperties": False,
            "required": ["method", "path"],
            "properties": {
                "method": {"type": "string", "minLength": 1},
                "path": {"type": "string", "pattern": "^/"},
                "query": {
                    "type": "object",
                    "additionalProperties": {
                        "anyOf": [
                            {"type": "string"},
                            {"type": "array", "items": {"type": "string"}},
                        ]
                    },
                },
                "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                "body": {},
                # exact: the sent body must equal `body` (replay's recordings); subset by default
                "body_match": {"enum": ["subset", "exact"]},
            },
        },
        "response": _ANSWER,
        "responses": {"type": "array", "minItems": 1, "items": _ANSWER},
        "times": {"type": "integer", "minimum": 1},
        "then": {"enum": ["repeat", "fallback"]},
    },
    "oneOf": [{"required": ["response"]}, {"required": ["responses"]}],
}
_FORMAT_VALIDATOR = jsonschema_rs.validator_for(_FORMAT)


IndexKey = tuple[str, str, str]  # (header | query | body, name, value)


@dataclass(frozen=True)
class Refusal:
    """One reason an expectation is refused: where in the posted document, why, and (for a body
    that breaks the contract) the body's own pointer and the failing schema keyword."""

    pointer: str
    detail: str
    body_pointer: str | None = None
    schema_pointer: str | None = None

    def as_json(self) -> dict[str, str]:
        found = {"pointer": self.pointer, "detail": self.detail}
        if self.body_pointer is not None:
            found["body_pointer"] = self.body_pointer
        if self.schema_pointer is not None:
            found["schema_pointer"] = self.schema_pointer
        return found

    def __str__(self) -> str:
        if self.schema_pointer is None:
            return f"{self.pointer or '/'}: {self.detail}"
        return f"`{self.body_pointer or '/'}`: {self.detail}, `{self.schema_pointer}`"


@dataclass
class InvalidExpectation(ContractError):
    """A posted (or filed) expectation the mock refuses; `refusals` locate every reason."""

    refusals: list[Refusal]

    def __str__(self) -> str:
        return "; ".join(str(refusal) for refusal in self.refusals)


@dataclass(frozen=True)
class Answer:
    """One answer of an expectation: a status with a partial body, or a fault."""

    status: int = 0
    target: ResponseTarget | None = None
    pinned: Any = UNSET
    headers: dict[str, str] = field(default_factory=dict)
    delay_ms: float | None = None
    fault: str | None = None
    merged: bytes = (
        b""  # the pinned body merged into the fixture, valid: served when reflection breaks it
    )
    whole: bool = False  # `partial: false`: `merged` is the pinned body itself, always served


@dataclass(frozen=True)
class Expectation:
    id: str
    operation_id: str
    path: str
    query: dict[str, tuple[str, ...]]
    headers: dict[str, str]  # names in lower case
    body: Any
    answers: tuple[Answer, ...]
    times: int | None
    then_fallback: bool
    document: dict[str, Any]  # as posted, with its id: what GET /__mock/expectations lists
    exact_body: bool = False  # `body_match: exact`

    def matches(self, path: str, query: str, headers: dict[str, str], sent: Any) -> bool:
        if path != self.path:
            return False
        if any(headers.get(name) != value for name, value in self.headers.items()):
            return False
        if self.query and not _query_holds(parse_qs(query, keep_blank_values=True), self.query):
            return False
        if self.body is UNSET:
            return True
        return equal(sent, self.body) if self.exact_body else contains(sent, self.body)

    def index_key(self) -> IndexKey | None:
        """One condition a request must meet, as a lookup key (expectation_book.Bucket): a header,
        else a query parameter with one value, else a top-level scalar field of the body."""
        if self.headers:
            name = min(self.headers)
            return ("header", name, self.headers[name])
        single = sorted(name for name, values in self.query.items() if len(values) == 1)
        if single:
            return ("query", single[0], self.query[single[0]][0])
        leaf = _scalar_leaf(self.body, ())
        if leaf is not None:
            path, value = leaf
            # the path as JSON (names may hold any character); 1, 1.0 and true differ
            return ("body", orjson.dumps(path).decode(), orjson.dumps(value).decode())
        return None

    def answer_for(self, use: int) -> Answer | None:
        """The answer of the `use`-th matching request (1-based); None once exhausted."""
        if self.times is not None and use > self.times:
            return None
        if use > len(self.answers) and self.then_fallback:
            return None
        return self.answers[min(use, len(self.answers)) - 1]


def _scalar_leaf(body: Any, path: tuple[str, ...]) -> tuple[tuple[str, ...], Any] | None:
    """The first scalar field of a body condition, however deep (`{"account": {"id": "a"}}`:
    `("account", "id"), "a"`): a request must hold it, so it can key the lookup."""
    if not isinstance(body, dict):
        return None
    for name, value in sorted(body.items()):
        if isinstance(value, dict):
            found = _scalar_leaf(value, (*path, name))
            if found is not None:
                return found
        elif not isinstance(value, list):
            return (*path, name), value
    return None


def compile_expectation(document: Any, responder: Responder, expectation_id: str) -> Expectation:
    """The posted `document` checked against the format and the contract; or InvalidExpectation."""
    _check_format(document)
    request = document["request"]
    plan = _documented_plan(responder, request["method"], request["path"])
    raw_answers = document.get("responses") or [document["response"]]
    at = "/responses" if "responses" in document else "/response"
    answers = [
        _answer(responder, plan, raw, f"{at}/{index}" if at == "/responses" else at)
        for index, raw in enumerate(raw_answers)
    ]
    return Expectation(
        expectation_id,
        plan.operation.operation_id,
        request["path"],
        {k: (v,) if isinstance(v, str) else tuple(v) for k, v in request.get("query", {}).items()},
        {k.lower(): v for k, v in request.get("headers", {}).items()},
        request.get("body", UNSET),
        tuple(answers),
        document.get("times"),
        document.get("then") == "fallback",
        {**document, "id": expectation_id},
        request.get("body_match") == "exact",
    )


def _check_format(document: Any) -> None:
    problems = [
        Refusal(from_path(error.instance_path), _format_message(error))
        for error in _FORMAT_VALIDATOR.iter_errors(document)
    ]
    if problems:
        raise InvalidExpectation(problems)


def _format_message(error: Any) -> str:
    message = str(error.message).strip().splitlines()[0]
    if "oneOf" in list(error.schema_path)[-1:]:
        return "give either `response` or `responses` (an answer: `status` with `body`, or `fault`)"
    return message


def _documented_plan(responder: Responder, method: str, path: str) -> ReplyPlan:
    routes = responder.routes
    operation_id = routes.operation_id(method.upper(), path)
    if operation_id is not None:
        return responder.plans[operation_id]
    allowed = routes.allowed_methods(path)
    if allowed:
        detail = (
            f"{method.upper()} is not documented for {path}; allowed: {', '.join(sorted(allowed))}"
        )
        raise InvalidExpectation([Refusal("/request/method", detail)])
    closest = routes.closest(method.upper(), path)
    hint = f"; did you mean {closest}?" if closest else ""
    raise InvalidExpectation([Refusal("/request/path", f"no documented path matches {path}{hint}")])


def _answer(responder: Responder, plan: ReplyPlan, raw: dict[str, Any], at: str) -> Answer:
    delay = raw.get("delay_ms")
    if "fault" in raw:
        return Answer(fault=raw["fault"], delay_ms=delay)
    status = raw["status"]
    documented = documented_for(plan.targets, status)
    if not documented:
        listed = ", ".join(sorted({t.status for t in plan.targets})) or "none"
        raise InvalidExpectation(
            [
                Refusal(
                    f"{at}/status",
                    f"{status} is not documented for {plan.operation.label}; documented: {listed}",
                )
            ]
        )
    target = next((t for t in documented if is_json(t.media_type)), documented[0])
    pinned = raw.get("body", UNSET)
    whole = raw.get("partial") is False
    merged = (
        _whole_body(responder, plan, target, status, pinned, at)
        if whole
        else _merged_body(responder, plan, target, status, pinned, at)
    )
    headers = dict(raw.get("headers", {}))
    return Answer(status, target, pinned, headers, delay, None, merged, whole)


def _merged_body(
    responder: Responder,
    plan: ReplyPlan,
    target: ResponseTarget,
    status: int,
    pinned: Any,
    at: str,
) -> bytes:
    base = responder.reply_for(plan, target, None)
    if pinned is UNSET:
        return base.body
    if target.schema_pointer is None or not is_json(target.media_type):
        detail = f"{status} of {plan.operation.label} documents no JSON body to pin fields of"
        raise InvalidExpectation([Refusal(f"{at}/body", detail)])
    merged = merge(orjson.loads(base.body) if base.body else None, pinned)
    _check_body(responder, target.schema_pointer, merged, at)
    return orjson.dumps(merged)


def _whole_body(
    responder: Responder,
    plan: ReplyPlan,
    target: ResponseTarget,
    status: int,
    body: Any,
    at: str,
) -> bytes:
    """`partial: false`: the body as given, valid against the status's schema on its own."""
    if target.schema_pointer is None:
        if body is UNSET or body is None:
            return b""
        detail = f"{status} of {plan.operation.label} documents no body"
        raise InvalidExpectation([Refusal(f"{at}/body", detail)])
    if not is_json(target.media_type):
        detail = f"{status} of {plan.operation.label} documents no JSON body ({target.media_type})"
        raise InvalidExpectation([Refusal(f"{at}/body", detail)])
    if body is UNSET:
        detail = (
            f"`partial: false` needs the whole body ({status} of {plan.operation.label} has one)"
        )
        raise InvalidExpectation([Refusal(f"{at}/body", detail)])
    _check_body(responder, target.schema_pointer, body, at)
    return orjson.dumps(body)


def _check_body(responder: Responder, schema_pointer: str, body: Any, at: str) -> None:
    violations = responder.response_validator.violations(body, schema_pointer)
    if violations:
        raise InvalidExpectation(
            [
                Refusal(
                    f"{at}/body{v.instance_pointer}",
                    v.message,
                    v.instance_pointer,
                    v.schema_pointer,
                )
                for v in violations
            ]
        )


def merge(base: Any, pinned: Any) -> Any:
    """`pinned` written over `base`: objects field by field, anything else (arrays too) replaced."""
    if isinstance(base, dict) and isinstance(pinned, dict):
        return {**base, **{k: merge(base.get(k, UNSET), v) for k, v in pinned.items()}}
    return pinned


def contains(sent: Any, expected: Any) -> bool:
    """The request body holds `expected`: objects as a subset (recursively), anything else equal."""
    if isinstance(expected, dict):
        return isinstance(sent, dict) and all(
            key in sent and contains(sent[key], value) for key, value in expected.items()
        )
    return bool(sent == expected) and type(sent) is type(expected)


def equal(sent: Any, expected: Any) -> bool:
    """Equal as JSON, strictly: 1, 1.0 and true differ (as `contains` holds them apart)."""
    if isinstance(expected, dict):
        return (
            isinstance(sent, dict)
            and sent.keys() == expected.keys()
            and all(equal(sent[key], value) for key, value in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(sent, list)
            and len(sent) == len(expected)
            and all(equal(one, other) for one, other in zip(sent, expected, strict=True))
        )
    return bool(sent == expected) and type(sent) is type(expected)


def _query_holds(sent: dict[str, list[str]], expected: dict[str, tuple[str, ...]]) -> bool:
    return all(set(values) <= set(sent.get(name, ())) for name, values in expected.items())


def served_status(answer: Answer) -> int:
    """The status on the wire (`404` for an answer documented under `4XX`)."""
    return answer.status or (status_code(answer.target.status) if answer.target else 200)
