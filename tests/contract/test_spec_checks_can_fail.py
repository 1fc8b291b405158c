"""Each check of the contract against the page fails when the spec is broken on purpose."""

from __future__ import annotations

import json

from contract_core import Spec, parse_spec
from contract_core.pointer import resolve
from tests.contract.test_spec_matches_page import (
    example_problems,
    page_field_problems,
    unflagged_bad_formats,
)


def _mutated(spec: Spec, pointer: str, change) -> Spec:  # type: ignore[no-untyped-def]
    document = json.loads(json.dumps(spec.document))
    change(resolve(document, pointer))
    return parse_spec(json.dumps(document), "mutated")


def test_removing_a_field_is_caught(spec: Spec) -> None:
    broken = _mutated(spec, "#/components/schemas/Buyer/properties", lambda p: p.pop("taxId"))
    assert any("taxId" in p and "missing from the schema" in p for p in page_field_problems(broken))


def test_changing_a_type_is_caught(spec: Spec) -> None:
    broken = _mutated(
        spec,
        "#/components/schemas/UserGroup/properties/isDefault",
        lambda s: s.update(type="string"),
    )
    assert any("/isDefault" in p for p in page_field_problems(broken))


def test_a_string_where_the_page_is_circular_is_caught(spec: Spec) -> None:
    def to_string(properties: dict) -> None:  # type: ignore[type-arg]
        properties["by"] = {"type": "string"}

    broken = _mutated(spec, "#/components/schemas/AuditEvent/properties", to_string)
    assert any("circular" in p for p in page_field_problems(broken))


def test_a_null_on_a_non_nullable_field_is_caught(spec: Spec) -> None:
    broken = _mutated(
        spec, "#/components/schemas/BuyerError/properties/parameters", lambda s: s.pop("nullable")
    )
    assert any("null" in p for p in page_field_problems(broken))


def test_a_broken_example_is_caught(spec: Spec) -> None:
    broken = _mutated(spec, "#/components/examples/CreatedApiToken/value", lambda v: v.pop("token"))
    assert any("token" in p for p in example_problems(broken))


def test_a_missing_format_is_caught(spec: Spec) -> None:
    tenant_id = "#/components/schemas/AccountExternalIds/properties/pyraTenantId"
    broken = _mutated(spec, tenant_id, lambda s: s.pop("format"))
    assert unflagged_bad_formats(broken) == {"/account/externalIds/pyraTenantId"}
