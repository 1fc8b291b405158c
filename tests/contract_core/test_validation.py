"""A schema jsonschema-rs cannot compile is the kit's own located error, in the core and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_cli import main
from contract_core import parse_spec
from contract_core.errors import ContractError, InvalidSchema
from contract_core.validation import SchemaValidator

RESPONSE = "#/paths/~1x/get/responses/200/content/application~1json/schema"


def _document(schema: dict[str, Any]) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}}
    operation = {
        "operationId": "getX",
        "responses": {"200": {"description": "ok", "content": content}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": operation}},
    }


@pytest.mark.parametrize(
    ("schema", "place"),
    [
        ({"type": "strin"}, "/type"),
        (
            {"type": "object", "properties": {"a": {"type": "string", "format": ["a", "b"]}}},
            "/properties/a/format",
        ),
    ],
)
def test_an_uncompilable_schema_is_named_with_its_place(schema: dict[str, Any], place: str) -> None:
    validator = SchemaValidator(parse_spec(json.dumps(_document(schema))), "response")
    with pytest.raises(InvalidSchema) as raised:
        validator.violations({}, RESPONSE)
    assert raised.value.pointer == RESPONSE + place
    assert isinstance(raised.value, ContractError) and "fix it in the spec" in str(raised.value)


def test_a_good_schema_beside_a_broken_one_still_validates() -> None:
    document = _document({"type": "strin"})
    document["paths"]["/y"] = {
        "get": {
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"type": "integer"}}},
                }
            }
        }
    }
    validator = SchemaValidator(parse_spec(json.dumps(document)), "response")
    good = "#/paths/~1y/get/responses/200/content/application~1json/schema"
    validator.prepare([RESPONSE, good])
    assert validator.is_valid(3, good) and not validator.is_valid("3", good)


def test_contract_fixture_reports_it_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(yaml.safe_dump(_document({"type": "strin"})))
    assert main(["fixture", "--spec", str(spec), "getX"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    assert f"invalid schema at {RESPONSE}/type" in err
