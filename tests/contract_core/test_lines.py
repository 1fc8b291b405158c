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


ANCHORED = """\
a: &A
  x: 1
  y: [1, 2, {z: 3}]
b: *A
c:
  <<: *A
  w: true
True: 1
? complex
: value
d: &S scalar
e: *S
h:
  - 0
  - &M {q: 1}
  - *M
"""


@pytest.mark.parametrize(
    ("pointer", "yaml_line"),
    [
        ("#/a/y/2/z", 3),  # flow collections
        ("#/b/x", 2),  # an alias: the anchored mapping's lines
        ("#/c/x", 2),  # a merge key: the merged mapping's lines
        ("#/c/w", 7),  # own keys beside a merge
        ("#/true", 8),  # a boolean key, named as the loader names it
        ("#/complex", 9),  # an explicit key
        ("#/e", 12),  # an alias of a scalar: its key's line
        ("#/h/2/q", 15),  # an aliased item
    ],
)
def test_yaml_lines_through_anchors_aliases_and_merges(pointer: str, yaml_line: int) -> None:
    assert LineMap(ANCHORED).line(pointer) == yaml_line
