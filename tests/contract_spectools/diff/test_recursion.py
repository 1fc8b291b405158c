"""Recursive schemas: a change deep in the graph is found, reported once where it was made, and every
cycle ends (the bundled contract's Account -> Group -> Account and User -> Account -> User)."""

from __future__ import annotations

import copy

import yaml

from contract_core import bundled_spec_path
from tests.contract_spectools.diff.cases import diff

CONTRACT = bundled_spec_path().read_text(encoding="utf-8")
ACCOUNTS_ITEMS = "      items:\n            $ref: '#/components/schemas/Account'\n    Phone:"


def _user_accounts_as_strings() -> str:
    """The contract with `User.accounts` items turned from Account objects into strings."""
    assert CONTRACT.count(ACCOUNTS_ITEMS) == 1
    return CONTRACT.replace(ACCOUNTS_ITEMS, "      items:\n            type: string\n    Phone:")


def test_contract_against_itself_is_no_change() -> None:
    assert diff(CONTRACT, CONTRACT).changes == []


def test_deep_recursive_change_is_one_error_at_its_place() -> None:
    changes = diff(CONTRACT, _user_accounts_as_strings()).changes
    assert [(c.rule, c.severity) for c in changes] == [("response-property-type-changed", "error")]
    change = changes[0]
    assert change.revision_pointer == "#/components/schemas/User/properties/accounts/items"
    # `items:`, two lines above
    assert change.revision_line == CONTRACT.splitlines().index("    Phone:") - 1
    assert [(a.operation, a.direction) for a in change.affects] == [
        ("POST /v1/accounts/api-tokens", "response")
    ]


def test_the_change_undone_is_reported_at_the_same_place() -> None:
    changes = diff(_user_accounts_as_strings(), CONTRACT).changes
    assert [c.rule for c in changes] == ["response-property-type-changed"]
    assert changes[0].revision_pointer == "#/components/schemas/User/properties/accounts/items"


def test_a_change_inside_a_cycle_is_reported_once() -> None:
    """Account is reached through many paths (token.account, group.account, user.accounts[], ...)."""
    base = yaml.safe_load(CONTRACT)
    revision = copy.deepcopy(base)
    revision["components"]["schemas"]["Account"]["properties"]["externalName"]["maxLength"] = 10
    changes = diff(base, revision).changes
    assert [(c.rule, c.revision_pointer) for c in changes] == [
        (
            "response-property-max-length-decreased",
            "#/components/schemas/Account/properties/externalName",
        )
    ]
