"""OpenAPI schemas converted to JSON Schema 2020-12 (contract_core.dialect)."""

from __future__ import annotations

from typing import Any

from contract_core.dialect import to_json_schema


def _converted(schema: dict[str, Any]) -> dict[str, Any]:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Count": schema}},
    }
    return to_json_schema(document)["components"]["schemas"]["Count"]


def test_a_sized_integer_format_becomes_bounds() -> None:
    assert _converted({"type": "integer", "format": "int8"}) == {
        "type": "integer",
        "format": "int8",
        "minimum": -128,
        "maximum": 127,
    }


def test_a_malformed_format_is_left_for_the_linter() -> None:
    """A list or a map as `format` is a spec error (the linter reports it), not a crash: it was used
    as a dict key (TypeError: unhashable type)."""
    for malformed in (["int32"], {"name": "int32"}):
        assert _converted({"type": "integer", "format": malformed}) == {
            "type": "integer",
            "format": malformed,
        }
