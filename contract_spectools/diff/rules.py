"""The catalogue of `contract diff` rules: stable ids in oasdiff's style, each with a severity, a direction and a kind.

Severities read from an old client's side: *error* means a client written against the base can fail
against a server that implements the revision; *warning* that it may, and the spec alone cannot
tell; *info* that the change is safe. Schema rules are named by direction (`request-property-...`,
`response-property-...`): "property" covers every schema position, body roots and parameter schemas
included, because a schema is reported once where it is defined and several positions may share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
Direction = Literal["request", "response", "none"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class DiffRule:
    """One kind of change. `id` is stable: users filter, ignore and search by it."""

    id: str
    severity: Severity
    direction: Direction
    kind: str  # existence, type, constraints, values, requiredness, structure, security
    title: str


def _rule(rule_id: str, severity: Severity, kind: str, title: str) -> DiffRule:
    direction: Direction = (
        "request" if "request" in rule_id else "response" if "response" in rule_id else "none"
    )
    return DiffRule(rule_id, severity, direction, kind, title)


_OPERATION_RULES = (
    _rule("api-path-removed", "error", "existence", "A path was removed"),
    _rule(
        "api-operation-removed",
        "error",
        "existence",
        "An operation was removed from a path that remains",
    ),
    _rule("api-path-added", "info", "existence", "A path was added"),
    _rule("api-operation-added", "info", "existence", "An operation was added to an existing path"),
    _rule(
        "api-operation-id-changed",
        "warning",
        "existence",
        "An operationId changed: generated clients name their methods by it",
    ),
    _rule(
        "api-security-changed",
        "error",
        "security",
        "A security requirement the base accepted is no longer accepted (removed, or scopes/schemes added)",
    ),
    _rule(
        "api-security-alternative-added",
        "info",
        "security",
        "A new alternative security requirement; every base alternative still works",
    ),
    _rule("new-required-request-parameter", "error", "existence", "A new required parameter"),
    _rule("new-optional-request-parameter", "info", "existence", "A new optional parameter"),
    _rule(
        "request-parameter-removed",
        "warning",
        "existence",
        "A parameter was removed: old clients still send it, and the server may reject or ignore it",
    ),
    _rule(
        "request-parameter-became-required",
        "error",
        "requiredness",
        "An optional parameter became required",
    ),
    _rule(
        "request-parameter-became-optional",
        "info",
        "requiredness",
        "A required parameter became optional",
    ),
    _rule(
        "request-body-became-required",
        "error",
        "requiredness",
        "The request body became required (or a required body was added)",
    ),
    _rule(
        "request-body-became-optional", "info", "requiredness", "The request body became optional"
    ),
    _rule("request-body-added", "info", "existence", "An optional request body was added"),
    _rule(
        "request-body-removed",
        "warning",
        "existence",
        "The request body was removed: old clients still send one",
    ),
    _rule(
        "request-body-media-type-removed",
        "error",
        "existence",
        "A request media type is no longer accepted",
    ),
    _rule(
        "request-body-media-type-added", "info", "existence", "A new request media type is accepted"
    ),
    _rule(
        "response-success-status-removed",
        "error",
        "existence",
        "A success (2xx/3xx) response was removed",
    ),
    _rule(
        "response-non-success-status-removed",
        "info",
        "existence",
        "An error response is no longer documented (clients handle it or the default)",
    ),
    _rule("response-status-added", "info", "existence", "A response status was added"),
    _rule(
        "response-media-type-removed",
        "error",
        "existence",
        "A success response's media type was removed",
    ),
    _rule("response-media-type-added", "info", "existence", "A response media type was added"),
    _rule(
        "response-required-header-removed",
        "error",
        "existence",
        "A required response header was removed",
    ),
    _rule(
        "response-optional-header-removed",
        "warning",
        "existence",
        "An optional response header was removed",
    ),
    _rule(
        "response-header-became-optional",
        "error",
        "requiredness",
        "A required response header became optional",
    ),
)

_SCHEMA_RULES = (
    _rule(
        "request-property-type-changed",
        "error",
        "type",
        "A request schema's type changed incompatibly",
    ),
    _rule(
        "request-property-type-specialized", "error", "type", "A request schema accepts fewer types"
    ),
    _rule(
        "request-property-type-generalized", "info", "type", "A request schema accepts more types"
    ),
    _rule(
        "response-property-type-changed",
        "error",
        "type",
        "A response schema's type changed incompatibly",
    ),
    _rule(
        "response-property-type-generalized",
        "error",
        "type",
        "A response schema may send more types",
    ),
    _rule(
        "response-property-type-specialized", "info", "type", "A response schema sends fewer types"
    ),
    _rule("request-property-format-added", "error", "type", "A request schema gained a format"),
    _rule("request-property-format-changed", "error", "type", "A request schema's format changed"),
    _rule(
        "request-property-format-removed",
        "info",
        "type",
        "A request schema lost its format (accepts more)",
    ),
    _rule("response-property-format-added", "info", "type", "A response schema gained a format"),
    _rule(
        "response-property-format-changed", "error", "type", "A response schema's format changed"
    ),
    _rule(
        "response-property-format-removed",
        "error",
        "type",
        "A response schema lost a format clients parse",
    ),
    _rule(
        "request-property-became-not-nullable",
        "error",
        "requiredness",
        "A request schema no longer accepts null",
    ),
    _rule(
        "request-property-became-nullable", "info", "requiredness", "A request schema accepts null"
    ),
    _rule(
        "response-property-became-nullable",
        "error",
        "requiredness",
        "A response schema may send null",
    ),
    _rule(
        "response-property-became-not-nullable",
        "info",
        "requiredness",
        "A response schema no longer sends null",
    ),
    _rule("request-property-enum-value-removed", "error", "values", "A request enum lost a value"),
    _rule("request-property-enum-value-added", "info", "values", "A request enum gained a value"),
    _rule("request-property-enum-added", "error", "values", "A request schema became an enum"),
    _rule(
        "request-property-enum-removed", "info", "values", "A request schema is no longer an enum"
    ),
    _rule(
        "response-property-enum-value-added",
        "warning",
        "values",
        "A response enum gained a value old clients may not handle",
    ),
    _rule("response-property-enum-value-removed", "info", "values", "A response enum lost a value"),
    _rule("response-property-enum-added", "info", "values", "A response schema became an enum"),
    _rule(
        "response-property-enum-removed",
        "warning",
        "values",
        "A response schema is no longer an enum",
    ),
    _rule(
        "request-property-pattern-added",
        "error",
        "constraints",
        "A request schema gained a pattern",
    ),
    _rule(
        "request-property-pattern-changed",
        "warning",
        "constraints",
        "A request pattern changed; the spec cannot tell whether old values still match",
    ),
    _rule(
        "request-property-pattern-removed", "info", "constraints", "A request pattern was removed"
    ),
    _rule(
        "response-property-pattern-added",
        "info",
        "constraints",
        "A response schema gained a pattern",
    ),
    _rule(
        "response-property-pattern-changed",
        "warning",
        "constraints",
        "A response pattern changed; the spec cannot tell whether old clients accept the new values",
    ),
    _rule(
        "response-property-pattern-removed",
        "warning",
        "constraints",
        "A response pattern was removed",
    ),
    _rule("new-required-request-property", "error", "existence", "A new required request property"),
    _rule("new-optional-request-property", "info", "existence", "A new optional request property"),
    _rule(
        "request-property-became-required",
        "error",
        "requiredness",
        "An optional request property became required",
    ),
    _rule(
        "request-property-became-optional",
        "info",
        "requiredness",
        "A required request property became optional",
    ),
    _rule(
        "request-property-removed",
        "warning",
        "existence",
        "A request property was removed: old clients still send it, and the server may reject or ignore it",
    ),
    _rule(
        "request-closed-property-removed",
        "error",
        "existence",
        "A request property was removed from an object with `additionalProperties: false`",
    ),
    _rule(
        "response-required-property-removed",
        "error",
        "existence",
        "A required response property was removed",
    ),
    _rule(
        "response-optional-property-removed",
        "warning",
        "existence",
        "An optional response property was removed",
    ),
    _rule(
        "response-property-became-optional",
        "error",
        "requiredness",
        "A required response property became optional",
    ),
    _rule(
        "response-property-became-required",
        "info",
        "requiredness",
        "An optional response property became required",
    ),
    _rule("response-property-added", "info", "existence", "A response property was added"),
    _rule("request-property-one-of-removed", "error", "structure", "A request oneOf lost a branch"),
    _rule("request-property-one-of-added", "info", "structure", "A request oneOf gained a branch"),
    _rule(
        "response-property-one-of-added", "error", "structure", "A response oneOf gained a branch"
    ),
    _rule(
        "response-property-one-of-removed", "info", "structure", "A response oneOf lost a branch"
    ),
    _rule("request-property-any-of-removed", "error", "structure", "A request anyOf lost a branch"),
    _rule("request-property-any-of-added", "info", "structure", "A request anyOf gained a branch"),
    _rule(
        "response-property-any-of-added", "error", "structure", "A response anyOf gained a branch"
    ),
    _rule(
        "response-property-any-of-removed", "info", "structure", "A response anyOf lost a branch"
    ),
)

# Bounds: (rule stem, JSON Schema keywords, True for an upper bound). An absent upper bound is
# +infinity, an absent lower bound -infinity (0 for lengths), so "set" and "removed" are a decrease
# or an increase too, as in oasdiff.
BOUNDS = (
    ("max", ("maximum", "exclusiveMaximum"), True),
    ("max-length", ("maxLength",), True),
    ("max-items", ("maxItems",), True),
    ("min", ("minimum", "exclusiveMinimum"), False),
    ("min-length", ("minLength",), False),
    ("min-items", ("minItems",), False),
)


def _bound_rules() -> tuple[DiffRule, ...]:
    rules = []
    for stem, _, upper in BOUNDS:
        tighter, looser = ("decreased", "increased") if upper else ("increased", "decreased")
        rules += [
            _rule(
                f"request-property-{stem}-{tighter}",
                "error",
                "constraints",
                f"A request {stem} bound tightened",
            ),
            _rule(
                f"request-property-{stem}-{looser}",
                "info",
                "constraints",
                f"A request {stem} bound loosened",
            ),
            _rule(
                f"response-property-{stem}-{looser}",
                "error",
                "constraints",
                f"A response {stem} bound loosened: the server may send values old clients reject",
            ),
            _rule(
                f"response-property-{stem}-{tighter}",
                "info",
                "constraints",
                f"A response {stem} bound tightened",
            ),
        ]
    return tuple(rules)


RULES: dict[str, DiffRule] = {
    rule.id: rule for rule in (*_OPERATION_RULES, *_SCHEMA_RULES, *_bound_rules())
}
