"""What the linter reports: rules with stable ids, and findings located by JSON pointer and line."""

from __future__ import annotations

from typing import Literal

from contract_core.records import Struct

# Spectral's four levels (its `warn` is our `warning`); `info` and `hint` fail a run only when
# --fail-on names them (Spectral's --fail-severity has the same four).
Severity = Literal["error", "warning", "info", "hint"]
# what a rule may be set to: a severity, or off
RuleSeverity = Literal["error", "warning", "info", "hint", "off"]
SEVERITY_RANK: dict[str, int] = {"hint": 0, "info": 1, "warning": 2, "error": 3}


class Rule(Struct, frozen=True):
    """One check. `id` is stable: users filter, suppress and search by it."""

    id: str
    severity: Severity
    title: str
    hint: str


class LintFinding(Struct, frozen=True):
    """One defect at one place of one spec file."""

    rule: str
    severity: Severity
    pointer: str  # RFC 6901 with a leading "#", "#" for the whole document
    message: str
    hint: str
    source: str = ""
    line: int | None = None

    def located(self, source: str, line: int | None) -> LintFinding:
        # built directly: `dataclasses.replace` reads the fields back by name, 4x slower per finding
        return LintFinding(
            self.rule, self.severity, self.pointer, self.message, self.hint, source, line
        )


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.id: rule for rule in rules}


RULES: dict[str, Rule] = _rules(
    Rule(
        "spec-unreadable",
        "error",
        "The file cannot be read or parsed as an OpenAPI 3.0/3.1 document",
        "fix the file's syntax or path; it must be a YAML or JSON OpenAPI 3.0.x/3.1.x document",
    ),
    Rule(
        "lint-incomplete",
        "warning",
        "Some rules could not run because the document's structure is broken",
        "fix the `structure` findings first, then lint again",
    ),
    Rule(
        "ruleset-rule-skipped",
        "info",
        "A ruleset rule was not run (a custom JavaScript function, or a severity for no rule)",
        "rewrite the rule with core functions, or turn it off in the ruleset",
    ),
    Rule(
        "ruleset-pattern-fallback",
        "info",
        "A ruleset pattern needs lookaround or a backreference, which the linear-time engine (RE2) "
        "lacks: it runs on a backtracking engine with a time limit per value",
        "rewrite the pattern without lookaround or backreferences to keep the lint's time bounded",
    ),
    Rule(
        "structure",
        "error",
        "The document breaks the OpenAPI structure (its meta-schema)",
        "follow the OpenAPI specification for this object",
    ),
    Rule(
        "unresolved-ref",
        "error",
        "A $ref points at nothing",
        "fix the reference or add the component it names",
    ),
    Rule(
        "required-undefined",
        "error",
        "A required property is not defined in `properties`",
        "define the property in `properties` (or in an allOf member), or fix the name in `required`",
    ),
    Rule(
        "required-cycle",
        "error",
        "A cycle of required references: no finite instance exists",
        "make one property on the cycle optional, nullable, or an array with minItems 0",
    ),
    Rule(
        "invalid-example",
        "error",
        "An example does not validate against its schema",
        "fix the example or the schema; they must agree",
    ),
    Rule(
        "invalid-default",
        "error",
        "A default does not validate against its schema",
        "fix the default or the schema; a default must be a valid value",
    ),
    Rule(
        "invalid-enum-value",
        "error",
        "An enum value does not validate against its own schema",
        "remove the value or widen the schema (type, nullable, format) to allow it",
    ),
    Rule(
        "invalid-pattern",
        "error",
        "A regular expression does not compile (ECMA 262)",
        "fix the regular expression",
    ),
    Rule(
        "duplicate-operation-id",
        "error",
        "Two operations share an operationId",
        "give every operation a unique operationId",
    ),
    Rule(
        "path-param-undeclared",
        "error",
        "A path template variable has no `in: path` parameter",
        "declare the parameter (name, `in: path`, `required: true`, schema) on the path item or operation",
    ),
    Rule(
        "path-param-unused",
        "error",
        "An `in: path` parameter does not appear in the path template",
        "remove the parameter or add `{name}` to the path",
    ),
    Rule(
        "duplicate-parameter",
        "error",
        "The same parameter (name and location) is declared twice",
        "declare each (name, in) pair once per list",
    ),
    Rule(
        "equivalent-paths",
        "error",
        "Two paths differ only in their template variable names",
        "merge the paths; routers cannot tell them apart",
    ),
    Rule(
        "no-responses",
        "error",
        "An operation documents no responses",
        "document at least the success response",
    ),
    Rule(
        "no-success-response",
        "error",
        "An operation documents no 2xx or 3xx response",
        "document the success response (2xx, or 3xx for redirects)",
    ),
    Rule(
        "no-client-error-response",
        "warning",
        "An operation documents no 4xx (or default) response",
        "document the client errors (400, 401, 404, ...) or a `default` error response",
    ),
    Rule(
        "undefined-security-scheme",
        "error",
        "A security requirement names an undefined scheme",
        "define the scheme under components/securitySchemes or fix the name",
    ),
    Rule(
        "undefined-server-variable",
        "error",
        "A server URL uses a variable it does not define",
        "add the variable (with a default) under the server's `variables`",
    ),
    Rule(
        "nullable-in-3.1",
        "error",
        "`nullable` in an OpenAPI 3.1 schema (3.1 ignores it)",
        'use a type list (type: [string, "null"]) or a oneOf branch {type: "null"}',
    ),
    Rule(
        "example-in-3.1-schema",
        "warning",
        "`example` in an OpenAPI 3.1 schema is deprecated",
        "use `examples:` with a list of values",
    ),
    Rule(
        "type-array-in-3.0",
        "error",
        "A type list in an OpenAPI 3.0 schema (3.0 allows one type)",
        "use a single type, with `nullable: true` for null, or oneOf for several types",
    ),
    Rule(
        "operation-id-missing",
        "warning",
        "An operation has no operationId",
        "add a unique operationId; code generators and tools name the operation by it",
    ),
    Rule(
        "operation-summary-missing",
        "warning",
        "An operation has no summary",
        "add a one-line summary",
    ),
    Rule(
        "error-response-not-problem-json",
        "warning",
        "An error response's body is not RFC 9457 application/problem+json",
        "offer `application/problem+json` for error responses",
    ),
    Rule(
        "unused-component",
        "warning",
        "A component is not used by any path, webhook or other used component",
        "remove the component or reference it",
    ),
)


def finding(rule_id: str, pointer: str, message: str) -> LintFinding:
    """A finding of a catalogued rule, with the rule's severity and hint."""
    rule = RULES[rule_id]
    return LintFinding(rule.id, rule.severity, pointer, message, rule.hint)
