"""Every deliberately broken implementation makes `contract conform` exit 1 naming the right check;
the correct one passes with exit 0 and zero findings."""

from __future__ import annotations

import pytest

from tests.conformance.conftest import AUTH, SMALL_BUDGET, implementation
from tests.conformance.implementations import FAULTS

EXPECTED_CHECK = {
    "wrong_status": "status_code_conformance",
    "wrong_types": "response_schema",
    "bad_format": "response_schema",
    "deep_bad_format": "response_schema",
    "missing_required": "response_schema",
    "broken_json": "response_schema",
    "wrong_content_type": "content_type_conformance",
    "server_error_on_edge": "not_a_server_error",
    "accepts_invalid": "negative_data_rejection",
    "ignores_auth": "ignored_auth",
    "not_reflecting": "created_resource_reflects_request",
    "reuses_tokens": "unique_per_creation",
    "omitted_present": "meta_omitted_absent",
    "wrong_allow": "allow_header_conformance",
    "other_account": "created_resource_reflects_request",
    "null_secret": "response_schema",
    "bad_uuid": "response_schema",
}


def test_every_fault_has_an_expected_check() -> None:
    assert set(EXPECTED_CHECK) == set(FAULTS)


def test_refusing_invalid_bodies_with_a_documented_413_is_rejection_enough(conform) -> None:
    """413 (and 414, 431) are refusals: Schemathesis' negative_data_rejection is told so in its config."""
    with implementation(rejects_invalid_with=413) as (base_url, _):
        outcome = conform("--base-url", base_url, "-H", AUTH, *SMALL_BUDGET)
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.report["findings"] == []


def test_correct_implementation_conforms(conform) -> None:
    with implementation() as (base_url, stats):
        outcome = conform("--base-url", base_url, "-H", AUTH, *SMALL_BUDGET)
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.report["findings"] == []
    assert outcome.report["test_cases"] > 50
    assert outcome.report["requests_sent"] == stats.requests
    assert outcome.report["resources_created"] == len(stats.tokens) > 0
    assert "CONFORMANT: 0 findings" in outcome.stdout
    assert "<failure" not in outcome.junit


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_broken_implementation_is_caught(conform, fault: str) -> None:
    with implementation(fault) as (base_url, _):
        outcome = conform("--base-url", base_url, "-H", AUTH, *SMALL_BUDGET)
    assert outcome.exit_code == 1, outcome.stdout
    assert EXPECTED_CHECK[fault] in outcome.checks, outcome.stdout
    assert f"| {EXPECTED_CHECK[fault]} |" in outcome.stdout
    assert f'name="{EXPECTED_CHECK[fault]}"' in outcome.junit


def test_deep_format_violation_is_located(conform) -> None:
    with implementation("deep_bad_format") as (base_url, _):
        outcome = conform("--base-url", base_url, "-H", AUTH, *SMALL_BUDGET)
    [finding] = outcome.report["findings"]
    assert finding["instance_pointer"] == "/account/groups/0/users/0/email"
    assert finding["schema_pointer"] == "#/components/schemas/User/properties/email/format"
    assert finding["received"].startswith('"not-an-email" is not a "email"')
    assert finding["count"] > 1  # the same defect, reported once
    assert finding["curl"].startswith("curl -X POST")


def test_kit_checks_stand_aside_for_other_schemathesis_users() -> None:
    """Our checks are registered with Schemathesis globally; they act only on schemas our runner bound."""
    import json

    import schemathesis
    from schemathesis.config import SchemathesisConfig
    from schemathesis.core.failures import FailureGroup

    import conformance.engine.schemathesis_checks  # noqa: F401  # registers the kit's checks, as any import of the runner does
    from conformance.engine.schemathesis_checks import bind
    from contract_core import load_spec
    from tests.conformance.implementations import DEFAULT_CREDENTIAL

    spec = load_spec()
    schema = schemathesis.openapi.from_dict(
        json.loads(json.dumps(spec.document)), config=SchemathesisConfig()
    )
    case = schema["/v1/accounts/api-tokens"]["POST"].Case(
        body={"account": {"id": "a"}, "modules": [{"id": "m"}]},
        media_type="application/json",
        headers={"Authorization": f"Bearer {DEFAULT_CREDENTIAL}"},
    )
    # only meta_omitted_absent sees this fault
    with implementation("omitted_present") as (base_url, _):
        assert case.call_and_validate(base_url=base_url).status_code == 201
        bind(schema.raw_schema, spec)
        with pytest.raises((AssertionError, FailureGroup), match=r"\$meta\.omitted"):
            case.call_and_validate(base_url=base_url)
