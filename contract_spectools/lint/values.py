"""Rules on literal values: `invalid-example`, `invalid-default`, `invalid-enum-value`.

Each value is validated against the schema it stands beside or in, with jsonschema-rs (formats
included) through the core's SchemaValidator. A value in a request is checked with the request view
of the schema (readOnly properties not required), a value in a response with the response view;
a component's own value passes when either view accepts it, since the component serves both.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import jsonschema_rs

from contract_core.dialect import Direction
from contract_core.errors import UnresolvableReference
from contract_core.records import Struct, field
from contract_core.spec import Spec
from contract_core.validation import SchemaValidator, SchemaViolation
from contract_core.walk import iter_all_schemas, iter_examples
from contract_spectools.lint.findings import LintFinding, finding

_COMPILE_ERRORS = (jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError, ValueError)
_SHOWN_VIOLATIONS = 3


class _Value(Struct):  # not frozen: a frozen dataclass is built 4x slower, and Stripe has 10,617
    """One literal value to judge against its schema, and where its finding points."""

    rule: str
    pointer: str
    value: Any
    schema_pointer: str
    direction: Direction | None

    @property
    def what(self) -> str:
        if self.rule == "invalid-enum-value":
            return f"enum value {self.value!r}"
        return "example" if self.rule == "invalid-example" else "default"


class ValueChecker(Struct):
    """Validators for one spec, one per direction, built when first needed."""

    spec: Spec
    schemas: list[tuple[str, dict[str, Any]]]  # the document's `iter_all_schemas`
    _validators: dict[Direction | None, SchemaValidator] = field(default_factory=dict)

    def _validator(self, direction: Direction | None) -> SchemaValidator:
        if direction not in self._validators:
            self._validators[direction] = SchemaValidator(self.spec, direction)
        return self._validators[direction]

    def judge(self, values: list[_Value]) -> list[list[SchemaViolation]]:
        """How each value breaks its schema ([] when valid or when the schema cannot be compiled).

        The view without a direction is the strictest (it keeps every `required`), so it decides alone
        unless a missing required property might be one the other side owns (readOnly / writeOnly).
        All values are judged by it first, so that the few left unsure are compiled for each side in
        one group: met one at a time, each joins a growing group that is compiled again.
        """
        self._prepare(None, [v.schema_pointer for v in values])
        found = [self._undirected(v) for v in values]
        unsure = [i for i, problems in enumerate(found) if self._may_depend_on_side(problems)]
        for side in ("request", "response"):
            # a component's value (no direction) passes when either side accepts it: it is judged
            # by the response side only when the request side rejected it
            mine = [i for i in unsure if values[i].direction in (side, None) and found[i]]
            if not mine or not self._drops_required(side):
                continue  # this side's view is the undirected one: its verdicts are `found`
            self._prepare(side, [values[i].schema_pointer for i in mine])
            for i in mine:
                found[i] = self._by_side(values[i], side, found[i])
        return found

    def _prepare(self, direction: Direction | None, schema_pointers: list[str]) -> None:
        """Compile every schema the values will meet in one go (OpenAI: ~2,000 compiles, 1.4 s, when met
        one at a time)."""
        if not schema_pointers:
            return
        with contextlib.suppress(*_COMPILE_ERRORS):  # a broken schema is reported by its own rule
            self._validator(direction).prepare(list(dict.fromkeys(schema_pointers)))

    def _undirected(self, value: _Value) -> list[SchemaViolation]:
        try:
            validator = self._validator(None)
            # nearly every value is valid, and asking is twice as fast as listing no violations
            if validator.is_valid(value.value, value.schema_pointer):
                return []
            return validator.violations(value.value, value.schema_pointer)
        except _COMPILE_ERRORS:
            return []  # a broken pattern or $ref in the schema: reported by its own rule

    def _may_depend_on_side(self, problems: list[SchemaViolation]) -> bool:
        return any(v.schema_pointer.endswith("/required") for v in problems)

    def _drops_required(self, side: Direction) -> bool:
        """Does `side`'s view differ from the undirected one at all?

        It differs only where `contract_core.dialect` drops a `required` name whose property (inline)
        is readOnly (request view) or writeOnly (response view); where no schema has one, the view is
        the undirected one, and building it (a converted copy of the whole document: 50 ms for each
        side of OpenAI's, whose two readOnly properties are never required ones) is skipped.
        """
        owned = "readOnly" if side == "request" else "writeOnly"
        if owned not in self.spec.text:
            return False  # a text scan first: most specs never say it (a millisecond on 3 MB)
        return any(_requires_owned(schema, owned) for _, schema in self.schemas)

    def _by_side(
        self, value: _Value, side: Direction, problems: list[SchemaViolation]
    ) -> list[SchemaViolation]:
        """The verdict of `side`'s view: its violations for a value of that side; for a component's
        value, none if the side accepts it, else the undirected `problems` (the other side may yet)."""
        try:
            validator = self._validator(side)
            if value.direction == side:
                return validator.violations(value.value, value.schema_pointer)
            return [] if validator.is_valid(value.value, value.schema_pointer) else problems
        except _COMPILE_ERRORS:
            return []  # a broken pattern or $ref in the schema: reported by its own rule


def _requires_owned(schema: dict[str, Any], owned: str) -> bool:
    """`dialect._drop_required_of_other_direction`'s condition: a required property marked `owned`."""
    required, properties = schema.get("required"), schema.get("properties")
    if not isinstance(required, list) or not isinstance(properties, dict):
        return False
    return any(
        isinstance(properties.get(name), dict) and properties[name].get(owned) is True
        for name in required
    )


def check_values(
    spec: Spec,
    schemas: list[tuple[str, dict[str, Any]]] | None = None,
    objects: list[tuple[str, dict[str, Any]]] | None = None,
) -> Iterator[LintFinding]:
    """`schemas` and `objects`: the document's `iter_all_schemas` and `iter_objects`, when the caller
    has walked them already."""
    schemas = list(iter_all_schemas(spec.document)) if schemas is None else schemas
    values = [*_example_values(spec, schemas, objects), *_schema_values(schemas)]
    for value, problems in zip(values, ValueChecker(spec, schemas).judge(values), strict=True):
        if problems:
            yield finding(value.rule, value.pointer, _describe(value.what, problems))


def _example_values(
    spec: Spec,
    schemas: list[tuple[str, dict[str, Any]]],
    objects: list[tuple[str, dict[str, Any]]] | None,
) -> Iterator[_Value]:
    for example in iter_examples(spec.document, _lenient_resolver(spec), schemas, objects):
        yield _Value(
            "invalid-example",
            example.pointer,
            example.value,
            example.schema_pointer,
            _direction(example.pointer),
        )


def _schema_values(schemas: list[tuple[str, dict[str, Any]]]) -> Iterator[_Value]:
    """Each schema's default, then its enum values, judged by the schema itself."""
    for at, schema in schemas:
        enum = schema.get("enum")
        if "default" not in schema and not isinstance(enum, list):
            continue
        direction = _direction(at)
        # `at` is a pointer already, and neither keyword nor index needs escaping
        if "default" in schema:
            yield _Value("invalid-default", f"{at}/default", schema["default"], at, direction)
        for i, value in enumerate(enum if isinstance(enum, list) else []):
            yield _Value("invalid-enum-value", f"{at}/enum/{i}", value, at, direction)


def _lenient_resolver(spec: Spec) -> Any:
    def resolve(ref: str) -> Any:
        try:
            return spec.resolve(ref)
        except UnresolvableReference:
            return None  # reported by `unresolved-ref`

    return resolve


def _direction(at: str) -> Direction | None:
    """Which side a value at `at` belongs to, from where it stands in the document."""
    # The first four tokens, still escaped: a token equals one of the names below escaped or not
    # (they hold no `~` or `/`), and unescaping all of them costs 10 ms on Stripe's 12,000 values.
    tokens = at.split("/", 5)[1:]
    if tokens[:1] in (["paths"], ["webhooks"]) and len(tokens) > 3:
        section = tokens[2] if tokens[2] == "parameters" else tokens[3]
    elif tokens[:1] == ["components"] and len(tokens) > 1:
        section = tokens[1]
    else:
        return None
    if section in ("requestBody", "requestBodies", "parameters"):
        return "request"
    if section in ("responses", "headers"):
        return "response"
    return None


def _describe(what: str, problems: list[SchemaViolation]) -> str:
    shown = "; ".join(
        f"{p.instance_pointer or '(root)'}: {_short(p.message)} (schema {p.schema_pointer})"
        for p in problems[:_SHOWN_VIOLATIONS]
    )
    more = (
        f"; and {len(problems) - _SHOWN_VIOLATIONS} more"
        if len(problems) > _SHOWN_VIOLATIONS
        else ""
    )
    return f"the {what} does not validate: {shown}{more}"


def _short(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[:limit] + "..."
