"""Values that exist on the server under test (`[conform.data]` in contract.toml).

A real staging server refuses ids it does not hold ("account not found"), so a run that only
generates ids never reaches its success path. The team lists ids that exist; positive cases draw
those fields from them, and everything else stays generated.

Keys of an operation's table: a name is a parameter (`petId = [3, 4]`); a key starting with `/` is
a JSON pointer into the request body, `*` standing for any array index (`"/modules/*/id"`).
Operations are keyed `"METHOD /path"` as the spec writes the path (or by operationId); `"*"` applies
to every one. Every value is checked against its schema when the file is read, so a typo fails
the run before it sends a request, with the file's line.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, MutableMapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from contract_core import pointer
from contract_core.config import Table
from contract_core.contract import CompiledOperation, Contract
from contract_core.instance_paths import located_schemas_at
from contract_core.spec import Spec
from contract_core.validation import SchemaValidator

ANY_OPERATION = "*"
ANY_INDEX = "*"


@dataclass(frozen=True)
class KnownData:
    """operation label ("POST /pets", or "*") -> key (parameter name or body pointer) -> values."""

    by_operation: Mapping[str, Mapping[str, tuple[Any, ...]]] = field(default_factory=dict)

    def values(self, operation: str, key: str) -> tuple[Any, ...]:
        """The listed values for `key` of `operation` (its own table first, then `"*"`)."""
        for table in (
            self.by_operation.get(operation, {}),
            self.by_operation.get(ANY_OPERATION, {}),
        ):
            if key in table:
                return tuple(table[key])
        return ()

    def parameters(self, operation: str) -> dict[str, tuple[Any, ...]]:
        """Every listed parameter value of `operation` (not body pointers), `"*"` included."""
        return {k: v for k, v in self._merged(operation).items() if not k.startswith("/")}

    def body_pointers(self, operation: str) -> dict[str, tuple[Any, ...]]:
        """Every listed body pointer of `operation` (`/modules/*/id`), `"*"` included."""
        return {k: v for k, v in self._merged(operation).items() if k.startswith("/")}

    def _merged(self, operation: str) -> dict[str, tuple[Any, ...]]:
        merged: dict[str, tuple[Any, ...]] = {}
        for label in (ANY_OPERATION, operation):
            for key, listed in self.by_operation.get(label, {}).items():
                merged[key] = tuple(listed)
        return merged

    def __bool__(self) -> bool:
        return any(self.by_operation.values())


# --- drawing: a generated request with known values where it has those fields ----------------------


def choose(values: tuple[Any, ...], basis: int, index: int = 0) -> Any:
    """One of `values`, picked by `basis` (a hash of what was generated): the same generated case
    always gets the same value (reproducible under --seed), different cases spread over all of them,
    and consecutive indices (`/modules/*/id`) get different values while there are enough."""
    return values[(basis + index) % len(values)]


def basis_of(value: Any) -> int:
    """A stable hash of a generated value (Python's `hash` of a str changes per process)."""
    text = json.dumps(value, sort_keys=True, default=str)
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def fill_parameters(
    container: MutableMapping[str, Any] | None, known: Mapping[str, tuple[Any, ...]], basis: int
) -> bool:
    """Known values for the parameters `container` holds (a parameter left out stays out); True when
    something was replaced."""
    if not container:
        return False
    changed = False
    for name, values in known.items():
        if name in container and values:
            container[name] = choose(values, basis)
            changed = True
    return changed


def filled_body(body: Any, known: Mapping[str, tuple[Any, ...]], basis: int) -> tuple[Any, bool]:
    """`body` with known values at the places it has (a new object when anything changed)."""
    if not isinstance(body, (dict, list)) or not known:
        return body, False
    body = json.loads(json.dumps(body))  # the generated body may be shared with the case's history
    changed = False
    for key, values in known.items():
        if values and _fill_at(body, pointer.split(key), values, basis, [0]):
            changed = True
    return body, changed


def _fill_at(
    node: Any, tokens: list[str], values: tuple[Any, ...], basis: int, seen: list[int]
) -> bool:
    head, rest = tokens[0], tokens[1:]
    if isinstance(node, list):
        indices = (
            range(len(node))
            if head == ANY_INDEX
            else [int(head)]
            if head.isdigit() and int(head) < len(node)
            else []
        )
        places: list[Any] = list(indices)
    elif isinstance(node, dict):
        places = [head] if head in node else []
    else:
        return False
    changed = False
    for place in places:
        if rest:
            changed = _fill_at(node[place], rest, values, basis, seen) or changed
        else:
            node[place] = choose(values, basis, seen[0])
            seen[0] += 1
            changed = True
    return changed


# --- reading [conform.data] ------------------------------------------------------------------------


def known_data_from_table(table: Table | None, spec: Spec) -> KnownData:
    """`[conform.data]` read and checked against the spec: every operation and key exists, every value
    is valid for its schema. A ConfigError names the file's line, the operation and the key."""
    if table is None:
        return KnownData()
    contract = Contract.of(spec)
    validator = contract.validator("request")
    by_operation: dict[str, dict[str, tuple[Any, ...]]] = {}
    for name, value in table.values.items():
        if not isinstance(value, dict):
            raise table.error(
                name,
                f'"{name}" in {table.name}: expected a table of one operation\'s values '
                f'([conform.data."METHOD /path"] or [conform.data."*"]), found {table.shown(value)}',
            )
    tables = list(table.tables())
    for name, sub in tables:
        if name == ANY_OPERATION:
            continue
        operation = _operation(contract, name, sub)
        # by label and by operationId: one operation's values, merged
        by_operation.setdefault(operation.operation.label, {}).update(
            {key: _checked(sub, key, validator, [operation]) for key in sub.values}
        )
    for name, sub in tables:
        if name != ANY_OPERATION:
            continue
        operations = list(contract.operations)
        by_operation[ANY_OPERATION] = {
            key: _checked(sub, key, validator, operations, _own(by_operation, key), everywhere=True)
            for key in sub.values
        }
    return KnownData(by_operation)


def _operation(contract: Contract, name: str, table: Table) -> CompiledOperation:
    found = contract.by_label(name)
    if found is None:
        found = next((c for c in contract.operations if c.operation.operation_id == name), None)
    if found is None:
        raise table.error(
            None,
            f"{table.name}: {contract.spec.source} has no operation {name!r} "
            "(key each table by 'METHOD /path' as the spec writes the path, or by operationId)",
        )
    return found


def _own(by_operation: Mapping[str, Mapping[str, Any]], key: str) -> set[str]:
    """The operations with a value of their own for `key`: `"*"`'s does not apply there."""
    return {label for label, keys in by_operation.items() if key in keys}


def _checked(
    table: Table,
    key: str,
    validator: SchemaValidator,
    operations: list[CompiledOperation],
    own: AbstractSet[str] = frozenset(),
    *,
    everywhere: bool = False,
) -> tuple[Any, ...]:
    """The key's values, each valid where the key documents something in `operations` (but those in
    `own`, which have values of their own); an error when no operation documents the key."""
    raw = table.values[key]
    values = tuple(raw) if isinstance(raw, list) else (raw,)
    if not values or not all(isinstance(v, (*_JSON_SCALARS, list)) for v in values):
        raise table.error(
            key,
            f"{_named(table, key)}: expected a list of values (strings, numbers, booleans), "
            f"found {table.shown(raw)}",
        )
    documented = 0
    for operation in operations:
        places = _schema_pointers(validator.spec, operation, key)
        if places is None:
            continue
        documented += 1
        if operation.operation.label in own:
            continue
        for value in values:
            _check_value(table, key, validator, operation, places, value)
    if not documented:
        raise table.error(key, f"{_named(table, key)}: {_missing(key, operations, everywhere)}")
    return values


_JSON_SCALARS = (str, int, float, bool)


def _schema_pointers(spec: Spec, operation: CompiledOperation, key: str) -> list[str | None] | None:
    """The schemas documenting `key` in `operation` (None: the operation has no such key; a None
    pointer: documented without a schema)."""
    if not key.startswith("/"):
        found = [p.schema_pointer for p in operation.parameters if p.name == key]
        return found or None
    body = operation.body
    if body is None or not body.content:
        return None
    tokens: list[str | int] = [
        0 if token == ANY_INDEX or token.isdigit() else token for token in pointer.split(key)
    ]
    places: list[str | None] = []
    for media in body.content.values():
        if media.schema_pointer is None:
            continue
        schema = spec.resolve(media.schema_pointer)
        places += [at for _, at in located_schemas_at(spec, schema, tokens, media.schema_pointer)]
    return places or None


def _check_value(
    table: Table,
    key: str,
    validator: SchemaValidator,
    operation: CompiledOperation,
    places: list[str | None],
    value: Any,
) -> None:
    """Valid for at least one schema documenting the place (a field under `anyOf` has several)."""
    checked = [at for at in places if at is not None]
    if not checked:
        return
    violations = []
    for at in checked:
        found = validator.violations(value, at)
        if not found:
            return
        violations.append(found[0])
    first = violations[0]
    shown = table.shown(value)
    # the validator's message quotes the value: not when it came from the environment
    reason = first.message if not shown.startswith("(") else "it breaks its schema"
    raise table.error(
        key,
        f"{_named(table, key)}: value {shown} is not valid for {operation.operation.label}: "
        f"{reason} ({first.schema_pointer})",
    )


def _named(table: Table, key: str) -> str:
    return f'"{key}" in {table.name}'


def _missing(key: str, operations: list[CompiledOperation], everywhere: bool) -> str:
    if everywhere or len(operations) != 1:
        what = "a request body field" if key.startswith("/") else "a parameter"
        return f"no operation has {what} {key!r}"
    operation = operations[0]
    label = operation.operation.label
    if key.startswith("/"):
        if operation.body is None:
            return f"{label} has no request body (a key starting with / is a body field)"
        return f"{label}'s request body has no field {key} (`*` stands for any array index)"
    names = ", ".join(sorted({p.name for p in operation.parameters})) or "none"
    return f"{label} has no parameter {key!r} (its parameters: {names})"
