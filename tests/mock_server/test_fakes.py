"""Believable values by property name: secrets follow the core's one rule (contract_core.secrets)."""

from __future__ import annotations

import random

import pytest

from contract_core.secrets import SECRET_FIELDS
from mock_server import fakes


def _value(name: str) -> str | None:
    return fakes.by_name(random.Random(1), name, None, fakes.REFERENCE_NOW)


@pytest.mark.parametrize(
    "name", [*sorted(SECRET_FIELDS), "accessToken", "api-key", "userPassword", "secretKey"]
)
def test_every_secret_name_of_the_core_gets_a_credential_shaped_value(name: str) -> None:
    assert (_value(name) or "").startswith("mock_"), name


@pytest.mark.parametrize("name", ["tokenCount", "description", "username", "keyId"])
def test_other_names_get_no_secret(name: str) -> None:
    assert not (_value(name) or "").startswith("mock_"), name
