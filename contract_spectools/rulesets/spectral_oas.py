"""`extends: spectral:oas`: Spectral's OpenAPI rules in terms of the kit's own rules.

The kit's rules always run; a ruleset that extends `spectral:oas` only steers them: a Spectral
name turned off, or given another severity, applies to the kit rules it maps onto. The Spectral
rules written with core functions are not listed here: they run from the bundled translation of
Spectral's ruleset (`BUNDLED`), loaded like any extended ruleset file, and so do three that call
Spectral's own OpenAPI functions, ported for that file only (`oas_functions.py`).
Only the OpenAPI 3 rules are listed: the kit lints OpenAPI 3.0 and 3.1 documents.
"""

from __future__ import annotations

from pathlib import Path

from contract_core.records import Struct


class SpectralRule(Struct, frozen=True):
    kit_rules: tuple[str, ...]
    recommended: bool = True


def _rule(*kit_rules: str, recommended: bool = True) -> SpectralRule:
    return SpectralRule(kit_rules, recommended)


SPECTRAL_OAS: dict[str, SpectralRule] = {
    "oas3-schema": _rule("structure"),
    "oas3-valid-media-example": _rule("invalid-example"),
    "oas3-valid-schema-example": _rule("invalid-example", "invalid-default"),
    "oas3-unused-component": _rule("unused-component"),
    "oas3-operation-security-defined": _rule("undefined-security-scheme"),
    "oas3-server-variables": _rule("undefined-server-variable"),
    "operation-operationId": _rule("operation-id-missing"),
    "operation-operationId-unique": _rule("duplicate-operation-id"),
    "operation-parameters": _rule("duplicate-parameter"),
    "operation-success-response": _rule("no-success-response"),
    "path-params": _rule("path-param-undeclared", "path-param-unused", "equivalent-paths"),
    "typed-enum": _rule("invalid-enum-value"),
}

EXTENDS_NAME = "spectral:oas"
BUNDLED = Path(__file__).parent / "bundled" / "spectral-oas.yaml"
