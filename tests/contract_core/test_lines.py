"""contract_core.lines: JSON pointers to 1-based lines, in YAML and JSON texts alike."""

from __future__ import annotations

import json

import pytest

from contract_core.lines import LineMap

YAML = """\
openapi: 3.0.3
paths:
  /a/{id}:
    get:
      responses:
        200:
          description: ok
components:
  schemas:
    Item:
      required:
        - id
        - name
"""
DOCUMENT = {
    "openapi": "3.0.3",
    "paths": {"/a/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}},
    "components": {"schemas": {"Item": {"required": ["id", "name"]}}},
}


@pytest.mark.parametrize(
    ("pointer", "yaml_line"),
    [
        ("#", 1),
        ("#/paths/~1a~1{id}", 3),
        ("#/paths/~1a~1{id}/get/responses/200", 6),  # an unquoted integer key
        ("#/paths/~1a~1{id}/get/responses/200/description", 7),
        ("#/components/schemas/Item/required/1", 13),
        ("#/components/schemas/Item/missing/deeper", 10),  # nearest existing ancestor
    ],
)
def test_yaml_lines(pointer: str, yaml_line: int) -> None:
    assert LineMap(YAML).line(pointer) == yaml_line


def test_json_lines_match_the_text() -> None:
    text = json.dumps(DOCUMENT, indent=2)
    lines = text.splitlines()
    located = LineMap(text)
    assert (
        lines[located.line("#/paths/~1a~1{id}/get/responses/200/description") - 1].strip()
        == '"description": "ok"'
    )
    assert lines[located.line("#/components/schemas/Item/required/1") - 1].strip() == '"name"'
    assert located.line("#/components/nothing") == lines.index('  "components": {') + 1


def test_compact_json_is_all_line_one() -> None:
    assert LineMap(json.dumps(DOCUMENT)).line("#/components/schemas/Item/required/1") == 1


def test_unparsable_text_has_no_lines() -> None:
    assert LineMap("a: [b\n").line("#/a") is None
    assert LineMap('{"a": [1,').line("#/a/0") is None
