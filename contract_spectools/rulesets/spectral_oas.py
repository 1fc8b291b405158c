"""`extends: spectral:oas`: Spectral's OpenAPI rules in terms of the kit's own rules.

The kit's rules always run; a ruleset that extends `spectral:oas` only steers them: a Spectral
name turned off, or given another severity, applies to the kit rules it maps onto. The Spectral
rules without a counterpart are not run; a run reports them once, by name (docs/lint.md has the
table). Only the OpenAPI 3 rules are listed: the kit lints OpenAPI 3.0 and 3.1 documents.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpectralRule:
    kit_rules: tuple[str, ...]  # empty: no counterpart in the kit
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
    "contact-properties": _rule(recommended=False),
    "duplicated-entry-in-enum": _rule(),
    "info-contact": _rule(),
    "info-description": _rule(),
    "info-license": _rule(),
    "license-url": _rule(),
    "no-$ref-siblings": _rule(),
    "no-eval-in-markdown": _rule(),
    "no-script-tags-in-markdown": _rule(),
    "openapi-tags": _rule(),
    "openapi-tags-alphabetical": _rule(recommended=False),
    "openapi-tags-uniqueness": _rule(),
    "operation-description": _rule(),
    "operation-operationId-valid-in-url": _rule(),
    "operation-singular-tag": _rule(),
    "operation-tag-defined": _rule(),
    "operation-tags": _rule(),
    "path-declarations-must-exist": _rule(),
    "path-keys-no-trailing-slash": _rule(),
    "path-not-include-query": _rule(),
    "tag-description": _rule(recommended=False),
    "array-items": _rule(),
    "oas3-api-servers": _rule(),
    "oas3-examples-value-or-externalValue": _rule(),
    "oas3-parameter-description": _rule(recommended=False),
    "oas3-server-not-example.com": _rule(recommended=False),
    "oas3-server-trailing-slash": _rule(),
    "oas3-callbacks-in-callbacks": _rule(),
    "oas3-1-servers-in-webhook": _rule(),
    "oas3-1-callbacks-in-webhook": _rule(),
}

EXTENDS_NAME = "spectral:oas"
