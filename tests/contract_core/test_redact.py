"""The core redactor's additions for the mock's journal: the fast pre-check never lets a secret by."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from contract_core.redact import REDACTED, Redactor

SECRET_NAMES = st.sampled_from(
    [
        "password",
        "token",
        "client_secret",
        "api_key",
        "apiKey",
        "pin",
        "passwd",
        "refresh_token",
        "userPassword",
        "SECRET",
    ]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    document=st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4),
    name=SECRET_NAMES,
    value=st.text(min_size=4, max_size=12),
    ascii_only=st.booleans(),
)
def test_the_pre_check_flags_every_body_with_a_secret_field(
    document: dict[str, object], name: str, value: str, ascii_only: bool
) -> None:
    """Property: a body naming a secret field is never spared the redaction."""
    redactor = Redactor(secret_fields=["pin"])
    text = json.dumps({**document, "nested": {name: value}}, ensure_ascii=ascii_only)
    assert redactor.may_hold_secrets(text)
    assert value not in redactor.body(text) or value in json.dumps(
        {**document, "nested": {}}, ensure_ascii=ascii_only
    )


def test_the_pre_check_spares_plain_bodies_and_flags_known_values() -> None:
    redactor = Redactor()
    assert not redactor.may_hold_secrets('{"name": "Rex", "modules": [{"id": "m1"}]}')
    redactor.add_headers({"Cookie": "session=abc123456; theme=dark"})
    assert (
        redactor.may_hold_secrets('{"note": "abc123456"}')
        and redactor.text("x abc123456") == f"x {REDACTED}"
    )


def test_pairs_and_bodies_that_are_not_json() -> None:
    redactor = Redactor(secret_fields=["pin"])
    assert redactor.pairs("user=u&password=hunter22&pin=1234&api_key=k1") == (
        f"user=u&password={REDACTED}&pin={REDACTED}&api_key={REDACTED}"
    )
    assert (
        redactor.body('{"user": "u", "password": "hunter22",}')
        == f'{{"user": "u", "password": "{REDACTED}",}}'
    )
    assert redactor.body('{"a": {"client_secret": 99') == f'{{"a": {{"client_secret": "{REDACTED}"'


QUERY_KEY_SPEC = """
openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  securitySchemes:
    signed: {type: apiKey, in: query, name: Sig}
    header: {type: apiKey, in: header, name: X-Key}
"""


def test_one_exchange_teaches_its_credentials_wherever_they_travel() -> None:
    """The mock's journal, the proxy and `contract verify` learn alike: a spec's `apiKey` in the query by
    its name (`sig` looks like no credential), credential-like names, headers both ways, secret fields."""
    from contract_core.redact import spec_query_credentials
    from contract_core.spec import parse_spec

    names = spec_query_credentials(parse_spec(QUERY_KEY_SPEC))
    assert names == {"sig"}
    redactor = Redactor(query_credentials=names)
    redactor.learn_exchange(
        [("Authorization", "Bearer canary-bearer"), ("Set-Cookie", "sid=canary-cookie; Path=/")],
        "sig=canary-sig&access_token=canary-query&page=2",
        [b'{"token": "canary-body"}', None, b"not json"],
    )
    quoted = redactor.text("canary-bearer canary-cookie canary-sig canary-query canary-body page=2")
    assert "canary" not in quoted and "page=2" in quoted
    assert redactor.pairs("sig=canary-sig&page=2") == f"sig={REDACTED}&page=2"


def test_excerpts_are_redacted_before_they_are_cut() -> None:
    redactor = Redactor()
    body = json.dumps({"filler": "x" * 700, "token": "canary-long"})
    excerpt = redactor.excerpt(body.encode(), limit=40)
    assert excerpt is not None and excerpt.endswith(" …") and len(excerpt) == 42
    assert "canary" not in (redactor.excerpt(json.dumps({"token": "canary-short"})) or "")
    assert redactor.excerpt(None) is None and redactor.excerpt(b"") is None


def test_learning_never_compiles_the_known_values() -> None:
    """`contract verify` learns from every entry of a large HAR: learning must not look for (and so
    compile a pattern of) the values already known, or each entry costs as much as all before it."""
    redactor = Redactor()
    for serial in range(200):
        redactor.learn_exchange(
            [], "", [b'{"token": "tok-%05d-secret"}' % serial, b'{"name": "n"}']
        )
    assert redactor._scrubber is None  # nothing compiled while learning
    assert redactor.text("tok-00007-secret and tok-00199-secret") == f"{REDACTED} and {REDACTED}"


def test_the_secret_field_rule_has_one_home() -> None:
    """`is_secret_field` is imported from contract_core.secrets; the redactor does not hand it on."""
    import contract_core.redact

    assert not hasattr(contract_core.redact, "is_secret_field")
    assert Redactor(secret_fields=["pin"]).is_secret_field("pin")
