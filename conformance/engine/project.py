"""What contract.toml's `[conform]` table adds to a run beyond its options: the known data, the
credential and the values never to print. One reading for `contract conform` and pytest mode."""

from __future__ import annotations

from typing import Any

from conformance.engine.auth import AuthSettings, auth_from_table
from conformance.engine.known_data import known_data_from_table
from contract_core.config import Table
from contract_core.spec import Spec


def project_settings(table: Table | None, spec: Spec) -> dict[str, Any]:
    """`ConformOptions` fields from the `[conform]` table: `known_data`, `auth`, `secrets`."""
    auth_table = table.sub("auth") if table is not None else None
    auth = auth_from_table(auth_table.values, auth_table.where) if auth_table is not None else None
    secrets = set(table.secrets) if table is not None else set()
    return {
        "known_data": known_data_from_table(table.sub("data") if table is not None else None, spec),
        "auth": auth,
        "secrets": frozenset(secrets | _written_secrets(auth)),
    }


def _written_secrets(auth: AuthSettings | None) -> set[str]:
    """A credential written in the file rather than taken from the environment: secret all the same."""
    if auth is None:
        return set()
    header_value = (auth.header or "").partition(":")[2].strip()
    return {value for value in (auth.client_secret, auth.header, header_value) if value}
