"""`application/x-www-form-urlencoded` bodies read by a media type's `encoding` (the core reader the mock,
the proxy and verify share); the bracket-key and typing rules are tested in tests/mock_server/test_forms.py."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_core.errors import UnreadableBody
from contract_core.forms import read_form
from contract_core.spec import parse_spec

SCHEMA = {
    "type": "object",
    "properties": {
        "ids": {"type": "array", "items": {"type": "integer"}},
        "names": {"type": "array", "items": {"type": "string"}},
        "words": {"type": "array", "items": {"type": "string"}},
        "filter": {"type": "object", "properties": {"min": {"type": "integer"}}},
        "note": {"type": "string"},
    },
}
SPEC = parse_spec(
    json.dumps(
        {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"Form": SCHEMA}},
        }
    )
)


@pytest.mark.parametrize(
    ("raw", "encoding", "expected"),
    [
        (b"ids=1,2", {"ids": {"style": "form", "explode": False}}, {"ids": [1, 2]}),
        # exploded by default: one field per item, so one odd item
        (b"ids=1,2", None, {"ids": ["1,2"]}),
        (b"names=a%20b", {"names": {"style": "spaceDelimited"}}, {"names": ["a", "b"]}),
        (
            b"words=a|b",
            {"words": {"style": "pipeDelimited", "explode": False}},
            {"words": ["a", "b"]},
        ),
        (b"note=a,b", {"note": {"explode": False}}, {"note": "a,b"}),  # not an array: never split
        (
            b'filter={"min":3}',
            {"filter": {"contentType": "application/json"}},
            {"filter": {"min": 3}},
        ),
        # left for validation
        (b"filter={oops", {"filter": {"contentType": "application/json"}}, {"filter": "{oops"}),
    ],
)
def test_encoding_is_honoured(raw: bytes, encoding: object, expected: object) -> None:
    assert read_form(SPEC, raw, {"$ref": "#/components/schemas/Form"}, encoding) == expected


def test_bytes_that_are_not_utf8_are_unreadable() -> None:
    with pytest.raises(UnreadableBody, match="not UTF-8"):
        read_form(SPEC, b"note=\xff\xfe", SCHEMA)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # nameless or all-digit field names are properties: the body is an object, never a list
        (b"=%7B&=", {"0": "{", "1": ""}),
        (b"0=a&1=b", {"0": "a", "1": "b"}),
    ],
)
def test_the_body_is_always_an_object(raw: bytes, expected: object) -> None:
    encoding = {"ids": {"style": "form", "explode": False}}
    assert read_form(SPEC, raw, {"$ref": "#/components/schemas/Form"}, encoding) == expected


@given(
    st.binary(max_size=200), st.sampled_from([None, {"ids": {"style": "form", "explode": False}}])
)
def test_any_bytes_read_or_are_refused_as_unreadable(raw: bytes, encoding: object) -> None:
    """The mock answered 500 to `=%7B&=` (a ValueError); any body either reads or is UnreadableBody."""
    with contextlib.suppress(UnreadableBody):
        read_form(SPEC, raw, {"$ref": "#/components/schemas/Form"}, encoding)
