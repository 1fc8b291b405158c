"""Which schemas document a place in an instance, and where they stand in the spec."""

from __future__ import annotations

from contract_core import load_spec, parse_spec
from contract_core.instance_paths import located_schemas_at, schemas_at

REQUEST = "#/components/schemas/CreateApiTokenRequest"


def test_located_schemas_follow_refs_properties_and_items() -> None:
    spec = load_spec()
    schema = spec.resolve(REQUEST)
    found = list(located_schemas_at(spec, schema, ["modules", 0, "id"], REQUEST))
    assert [at for _, at in found] == ["#/components/schemas/ResourceReference/properties/id"]
    assert found[0][0] == {"type": "string", "minLength": 1, "maxLength": 200}
    assert list(located_schemas_at(spec, schema, ["account", "name"], REQUEST)) == []
    assert [s for s, _ in found] == list(schemas_at(spec, schema, ["modules", 0, "id"]))


def test_located_schemas_through_combinators_and_maps() -> None:
    spec = parse_spec(
        """
openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Tagged:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            labels: {type: object, additionalProperties: {type: string}}
    Base:
      type: object
      properties:
        id: {type: integer}
"""
    )
    at = "#/components/schemas/Tagged"
    tagged = spec.resolve(at)
    assert [p for _, p in located_schemas_at(spec, tagged, ["id"], at)] == [
        "#/components/schemas/Base/properties/id"
    ]
    assert [p for _, p in located_schemas_at(spec, tagged, ["labels", "any"], at)] == [
        "#/components/schemas/Tagged/allOf/1/properties/labels/additionalProperties"
    ]
