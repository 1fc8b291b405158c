"""The kit's one redactor now lives in `contract_core.redact` (the mock's journal needs it too, and
the mock never imports conformance); this module re-exports it so existing imports keep working."""

from __future__ import annotations

from contract_core.redact import (
    CREDENTIAL_HEADERS,
    REDACTED,
    SECRET_FIELDS,
    Redactor,
    is_credential_header,
    is_secret_field,
)

__all__ = ["CREDENTIAL_HEADERS", "REDACTED", "SECRET_FIELDS", "Redactor", "is_credential_header", "is_secret_field"]
