"""Which fields hold secrets, by name or by the spec's marking: one rule for every part of the kit.

The mock renews them in every created resource, conformance checks they are never handed out twice,
and the redactor (`redact.py`) scrubs their values.
"""

from __future__ import annotations

import functools
from typing import Any

SECRET_FIELDS = frozenset(
    {
        "token",
        "password",
        "secret",
        "apikey",
        "api_key",
        "accesstoken",
        "access_token",
        "refreshtoken",
        "refresh_token",
        "clientsecret",
        "client_secret",
        "idtoken",
        "id_token",
        "privatekey",
        "private_key",
    }
)
SECRET_FIELD_MARKERS = ("secret", "password", "passwd")


@functools.lru_cache(maxsize=4096)  # the same few field names, on every request
def is_secret_field(name: str) -> bool:
    lowered = name.lower()
    return lowered in SECRET_FIELDS or any(marker in lowered for marker in SECRET_FIELD_MARKERS)


def marked_secret(schema: Any) -> bool:
    """`format: password` or `x-secret: true` on the property's own schema."""
    return isinstance(schema, dict) and (
        schema.get("format") == "password" or schema.get("x-secret") is True
    )
