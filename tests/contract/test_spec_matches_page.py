"""The contract says what the documentation page says: every field, its type, its recursion."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate

from contract_core import Spec
from contract_core.pointer import join
from contract_core.validation import SchemaValidator
from contract_core.walk import iter_examples
from tests.contract.page import (
    CIRCULAR,
    PLACEHOLDER,
    request_example,
    response_example,
    without_circular_markers,
)

OPERATION = "createApiToken"
RESPONSE_SCHEMA = (
    "#/paths/~1v1~1accounts~1api-tokens/post/responses/201/content/application~1json/schema"
)
REQUEST_SCHEMA = (
    "#/paths/~1v1~1accounts~1api-tokens/post/requestBody/content/application~1json/schema"
)

JSON_TYPES = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    dict: "object",
    list: "array",
}


def test_spec_is_a_valid_openapi_document(spec: Spec) -> None:
    validate(spec.document)


def test_operation_is_declared_as_on_the_page(spec: Spec) -> None:
    op = spec.operation(OPERATION)
    assert op.label == "POST /v1/accounts/api-tokens"
    assert op.node["summary"] == "Create Token"
    assert "Create a new token for the specific account." in op.node["description"]
    assert op.node["requestBody"]["required"] is True


def _schema_at(spec: Spec, schema: dict[str, Any], name: str, at: str) -> dict[str, Any] | None:
    """The raw (unresolved) schema of property `name`, looking through `$ref` and `allOf`."""
    resolved, _ = spec.deref(schema, at)
    properties = resolved.get("properties") or {}
    if name in properties:
        return properties[name]
    for part in resolved.get("allOf") or []:
        found = _schema_at(spec, part, name, at)
        if found is not None:
            return found
    return None


def _type_of(spec: Spec, schema: dict[str, Any]) -> tuple[set[str], bool]:
    resolved, _ = spec.deref(schema)
    kind = resolved.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind} if kind else set()
    return kinds, resolved.get("nullable") is True or "null" in kinds


def _is_reference(spec: Spec, schema: dict[str, Any]) -> bool:
    """A `$ref`, or (where the page cut a whole list) an array whose items are a `$ref`."""
    if "$ref" in schema:
        return True
    resolved, _ = spec.deref(schema)
    items = resolved.get("items")
    return resolved.get("type") == "array" and isinstance(items, dict) and "$ref" in items


def _walk_page_and_schema(spec: Spec, value: Any, schema: dict[str, Any], where: str) -> list[str]:
    """Problems found walking the page's value and the spec's schema together."""
    if value == CIRCULAR:
        return (
            []
            if _is_reference(spec, schema)
            else [f"{where}: page says circular, spec has no $ref"]
        )
    kinds, nullable = _type_of(spec, schema)
    if value is None:
        return [] if nullable else [f"{where}: page shows null, schema is not nullable"]
    expected = JSON_TYPES[type(value)]
    if expected not in kinds and not (expected == "integer" and "number" in kinds):
        return [f"{where}: page shows {expected}, schema says {sorted(kinds)}"]
    problems: list[str] = []
    if isinstance(value, dict):
        resolved, _ = spec.deref(schema)
        for name, child in value.items():
            child_schema = _schema_at(spec, schema, name, where)
            if child_schema is None:
                extra = resolved.get("additionalProperties")
                child_schema = extra if isinstance(extra, dict) else None
            if child_schema is None:
                problems.append(f"{join(where, name)}: field on the page, missing from the schema")
            else:
                problems += _walk_page_and_schema(spec, child, child_schema, join(where, name))
    elif isinstance(value, list):
        items = spec.deref(schema)[0].get("items", {})
        for i, child in enumerate(value):
            problems += _walk_page_and_schema(spec, child, items, join(where, i))
    return problems


def page_field_problems(spec: Spec) -> list[str]:
    return _walk_page_and_schema(spec, response_example(), spec.resolve(RESPONSE_SCHEMA), "")


def test_every_field_of_the_page_is_in_the_201_schema(spec: Spec) -> None:
    assert page_field_problems(spec) == []


def test_every_circular_reference_on_the_page_is_a_ref(spec: Spec) -> None:
    circular_positions: list[str] = []

    def collect(value: Any, where: str) -> None:
        if value == CIRCULAR:
            circular_positions.append(where)
        elif isinstance(value, dict):
            for k, v in value.items():
                collect(v, join(where, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                collect(v, join(where, i))

    collect(response_example(), "")
    assert len(circular_positions) >= 20  # the page cuts recursion in many places
    assert [p for p in page_field_problems(spec) if "circular" in p] == []


def test_page_example_validates_against_the_201_schema(validator: SchemaValidator) -> None:
    instance = without_circular_markers(response_example())
    violations = validator.violations(instance, RESPONSE_SCHEMA)
    # The renderer's "text" placeholder only shows the type; its format cannot hold.
    real = [
        v
        for v in violations
        if not (
            v.schema_pointer.endswith("/format")
            and _value_at(instance, v.instance_pointer) == PLACEHOLDER
        )
    ]
    assert real == []


BAD_FORMATS = {
    "/lastAccessAt": "yesterday",
    "/account/technicalSupportEmail": "not an address",
    "/account/externalIds/pyraTenantId": "123",
}


def unflagged_bad_formats(spec: Spec) -> set[str]:
    """Places where a value of the wrong format passes: the formats the spec fails to declare."""
    instance = without_circular_markers(response_example())
    instance["lastAccessAt"] = BAD_FORMATS["/lastAccessAt"]
    instance["account"]["technicalSupportEmail"] = BAD_FORMATS["/account/technicalSupportEmail"]
    instance["account"]["externalIds"]["pyraTenantId"] = BAD_FORMATS[
        "/account/externalIds/pyraTenantId"
    ]
    failing = {
        v.instance_pointer for v in SchemaValidator(spec).violations(instance, RESPONSE_SCHEMA)
    }
    return set(BAD_FORMATS) - failing


def test_page_example_formats_are_checked(spec: Spec) -> None:
    assert unflagged_bad_formats(spec) == set()


def _value_at(instance: Any, pointer: str) -> Any:
    from contract_core.pointer import resolve

    return resolve(instance, pointer)


def test_page_request_example_validates_against_the_request_schema(
    validator: SchemaValidator,
) -> None:
    assert validator.violations(request_example(), REQUEST_SCHEMA) == []


def test_request_schema_rejects_what_it_should(validator: SchemaValidator) -> None:
    failing = validator.violations(
        {"account": {"id": 42}, "modules": [], "extra": 1}, REQUEST_SCHEMA
    )
    assert {v.instance_pointer for v in failing} == {"", "/account/id", "/modules"}


def test_created_token_requires_id_and_token(spec: Spec, validator: SchemaValidator) -> None:
    assert {"id", "token"} <= set(spec.resolve("#/components/schemas/ApiToken")["required"])
    failing = validator.violations({"id": "tok_1"}, RESPONSE_SCHEMA)
    assert [v.message for v in failing] == ['"token" is a required property']


def _all_examples(spec: Spec) -> list[Any]:
    return list(iter_examples(spec.document, spec.resolve))


def example_problems(spec: Spec) -> list[str]:
    validator = SchemaValidator(spec)
    return [
        f"{example.pointer}{v.instance_pointer}: {v.message}"
        for example in _all_examples(spec)
        for v in validator.violations(example.value, example.schema_pointer)
    ]


def test_spec_has_realistic_examples(spec: Spec) -> None:
    pointers = [e.pointer for e in _all_examples(spec)]
    assert any("/responses/201/" in p for p in pointers)
    assert any("/requestBody/" in p for p in pointers)
    assert any("/components/responses/BadRequest/" in p for p in pointers)


def test_every_example_in_the_spec_validates(spec: Spec) -> None:
    assert example_problems(spec) == []


def test_the_201_example_has_no_placeholders_or_markers(spec: Spec) -> None:
    created = spec.resolve("#/components/examples/CreatedApiToken")["value"]
    text = str(created)
    assert CIRCULAR not in text
    assert f"'{PLACEHOLDER}'" not in text
