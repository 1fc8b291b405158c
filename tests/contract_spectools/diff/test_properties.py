"""Properties of the diff over generated documents: a document against itself, or against a copy with
every component renamed (references rewritten, recursion included), has no change at all."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.contract_spectools.diff.cases import diff

NAMES = ("A", "B", "C")
_value = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("string")},
        optional={
            "maxLength": st.integers(0, 9),
            "pattern": st.just("^x"),
            "format": st.sampled_from(["date", "uuid"]),
            "enum": st.lists(st.sampled_from("abc"), min_size=1, max_size=3, unique=True),
            "nullable": st.booleans(),
        },
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["integer", "number"])},
        optional={"minimum": st.integers(-5, 5), "maximum": st.integers(6, 9)},
    ),
)
_scalar = st.one_of(
    _value, st.builds(lambda name: {"$ref": f"#/components/schemas/{name}"}, st.sampled_from(NAMES))
)


def _extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    properties = st.dictionaries(
        st.sampled_from(["id", "name", "items", "next"]), children, max_size=3
    )
    return st.one_of(
        st.builds(
            lambda p, r: {"type": "object", "properties": p, "required": sorted(set(r) & set(p))},
            properties,
            st.lists(st.sampled_from(["id", "name"])),
        ),
        st.builds(lambda i: {"type": "array", "items": i}, children),
        st.builds(lambda b: {"oneOf": b}, st.lists(children, min_size=2, max_size=3)),
        st.builds(lambda b: {"allOf": b}, st.lists(children, min_size=1, max_size=2)),
    )


schemas = st.recursive(_scalar, _extend, max_leaves=8)
# A component is never a bare `$ref` (`C: {$ref: C}` is a broken document, not a recursive one).
components = st.fixed_dictionaries({name: st.one_of(_value, _extend(schemas)) for name in NAMES})


def _document(schemas_by_name: dict[str, Any], root: str = "A") -> dict[str, Any]:
    body = {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{root}"}}}}
    operation = {"requestBody": body, "responses": {"200": {"description": "ok", **body}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "generated", "version": "1"},
        "paths": {"/x": {"post": operation}},
        "components": {"schemas": schemas_by_name},
    }


def _renamed(document: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(document)
    for name in NAMES:
        text = text.replace(
            f'"#/components/schemas/{name}"', f'"#/components/schemas/Renamed{name}"'
        )
    renamed = json.loads(text)
    renamed["components"]["schemas"] = {
        f"Renamed{k}": v for k, v in renamed["components"]["schemas"].items()
    }
    return renamed


@given(components)
def test_a_document_against_itself_has_no_change(schemas_by_name: dict[str, Any]) -> None:
    document = _document(schemas_by_name)
    assert diff(document, document).changes == []


@given(components)
def test_renaming_every_component_is_no_change(schemas_by_name: dict[str, Any]) -> None:
    document = _document(schemas_by_name)
    assert [(c.rule, c.message) for c in diff(document, _renamed(document)).changes] == []
