"""The exchange checker on its own: the kit's checks judge recorded pairs without Schemathesis."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checker.documented_responses import DocumentedResponses
from conformance.checker.exchange import Exchange, ExchangeChecker
from contract_core import load_spec, pointer
from contract_core.walk import iter_objects

PATH = "/v1/accounts/api-tokens"
SENT = {"account": {"id": "acc_1"}, "modules": [{"id": "mod_1"}], "name": "CI token"}


@pytest.fixture(scope="module")
def created() -> dict[str, Any]:
    spec = load_spec()
    body = copy.deepcopy(spec.document["components"]["examples"]["CreatedApiToken"]["value"])
    body.update(account={**body["account"], "id": "acc_1"}, name="CI token")
    body["modules"][0]["id"] = "mod_1"
    return body


@pytest.fixture
def checker() -> ExchangeChecker:
    return ExchangeChecker(DocumentedResponses(load_spec()))


def exchange(body: Any, status: int = 201, content_type: str = "application/json") -> Exchange:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Exchange(
        "POST", PATH, f"POST {PATH}", status, content_type, raw, SENT, "application/json"
    )


def test_a_correct_creation_passes_every_check(
    checker: ExchangeChecker, created: dict[str, Any]
) -> None:
    assert checker.check(exchange(created)) == []


def test_schema_violations_are_located(checker: ExchangeChecker, created: dict[str, Any]) -> None:
    broken = {**created, "modules": [{**created["modules"][0], "isConfigurable": "yes"}]}
    del broken["token"]
    found = {(v.check, v.instance_pointer) for v in checker.check(exchange(broken))}
    assert ("response_schema", "/modules/0/isConfigurable") in found
    assert ("response_schema", "") in found  # `required: token` is reported at the body


def test_truncated_json_is_one_finding(checker: ExchangeChecker, created: dict[str, Any]) -> None:
    [violation] = checker.response_schema(exchange(json.dumps(created).encode()[:200]))
    assert violation.title == "Response is not valid JSON"


def test_another_account_than_requested_is_not_reflection(
    checker: ExchangeChecker, created: dict[str, Any]
) -> None:
    other = {**created, "account": {**created["account"], "id": "acc_other"}}
    [violation] = checker.created_resource_reflects_request(exchange(other))
    assert violation.instance_pointer == "/account/id"
    assert '"acc_1"' in violation.documented


def test_the_same_token_twice_is_caught_without_quoting_it(
    checker: ExchangeChecker, created: dict[str, Any]
) -> None:
    assert checker.unique_per_creation(exchange(created)) == []
    again = {**created, "id": "tok_other"}
    [violation] = checker.unique_per_creation(exchange(again))
    assert violation.check == "unique_per_creation" and violation.severity == "critical"
    assert created["token"] not in violation.received


def test_a_recheck_of_the_same_response_is_not_a_repeat(
    checker: ExchangeChecker, created: dict[str, Any]
) -> None:
    source = object()
    first = exchange(created)
    seen = [
        checker.unique_per_creation(Exchange(**{**first.__dict__, "source": source}))
        for _ in range(2)
    ]
    assert seen == [[], []]


def test_meta_omitted_fields_must_be_absent(
    checker: ExchangeChecker, created: dict[str, Any]
) -> None:
    body = {**created, "$meta": {"omitted": ["name"]}}
    [violation] = checker.meta_omitted_absent(exchange(body))
    assert violation.instance_pointer == "/name"
    # a key hidden by an escape
    escaped = json.dumps(body).replace('"$meta"', '"\\u0024meta"').encode()
    assert b'"$meta"' not in escaped
    assert [v.instance_pointer for v in checker.meta_omitted_absent(exchange(escaped))] == ["/name"]


def test_undocumented_status_and_non_json_are_left_to_other_checks(
    checker: ExchangeChecker,
) -> None:
    assert checker.check(exchange(b"oops", status=299, content_type="text/plain")) == []


_NAMES = st.sampled_from(["a", "b", "id", "$meta"])
_JSON = st.recursive(
    st.none() | st.integers() | st.sampled_from(["a", "b", "x"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(_NAMES, inner, max_size=3)
        | st.builds(
            lambda members, omitted: {**members, "$meta": {"omitted": omitted}},
            st.dictionaries(_NAMES, inner, max_size=3),
            st.lists(_NAMES | st.integers(), max_size=3),
        )
    ),
    max_leaves=20,
)


@given(_JSON, st.booleans())
def test_the_fast_omitted_check_finds_what_a_plain_walk_finds(
    document: Any, ascii_only: bool
) -> None:
    """`meta_omitted_absent` skips bodies that cannot name `$meta` and walks linked paths: it must report
    exactly what a plain walk with a pointer per object reports."""
    expected = sorted(
        pointer.join(at, name)
        for at, node in iter_objects(document, "")
        for name in _omitted_names(node)
        if name in node
    )
    checker = ExchangeChecker(DocumentedResponses(load_spec(None)))
    found = checker.meta_omitted_absent(
        exchange(json.dumps(document, ensure_ascii=ascii_only).encode())
    )
    assert sorted(v.instance_pointer or "" for v in found) == expected


def _omitted_names(node: dict[str, Any]) -> list[str]:
    meta = node.get("$meta")
    omitted = meta.get("omitted") if isinstance(meta, dict) else None
    return [name for name in omitted if isinstance(name, str)] if isinstance(omitted, list) else []
