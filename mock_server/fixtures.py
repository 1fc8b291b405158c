"""Schema-valid, deterministic, cycle-pruned, bounded fixtures for any OpenAPI schema.

How recursion ends: a `$ref` already open on the current path is never expanded again. Hitting one
raises `_Pruned`, which unwinds to the nearest exit that keeps the instance valid: an optional
property is left out (and named in the object's `$meta.omitted` where its schema has one), an
array with `minItems: 0` becomes `[]`, a nullable value becomes `null`, another `oneOf`/`anyOf`
branch is tried. With no exit at all, the schema has no finite instance and we raise
`InfiniteRecursion`, naming the cycle as the linter does (same `RecursionAnalysis`).

How size stays bounded: optional parts are generated only while the object depth and the count of
values made stay under the `Budget`; past it, only what the schema requires is made (and `null` /
`[]` preferred where allowed). A fixture that still serialises larger than `max_bytes` is made
again with a smaller depth.

Every fixture is validated against its schema before it is returned (jsonschema-rs, formats on).
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from contract_core.contract import Contract, Response, raise_unresolved
from contract_core.cycles import RecursionAnalysis, is_nullable
from contract_core.dialect import Direction
from contract_core.errors import ContractError, InfiniteRecursion
from contract_core.media import is_json
from contract_core.pointer import join
from contract_core.spec import Operation, Spec
from contract_core.validation import SchemaValidator, SchemaViolation
from mock_server import fakes
from mock_server.allof import merge_into
from mock_server.chronology import LAST_USE, UPDATE, order_times, rank

OMISSION_HOLDER, OMISSION_LIST = "$meta", "omitted"
SCALAR_TYPES = ("string", "integer", "number", "boolean")


@dataclass(frozen=True)
class Budget:
    """How much one fixture may hold. Defaults make our 201 read like the documentation page."""

    max_depth: int = 6  # object levels that still get optional properties
    max_nodes: int = 1200  # values made before only required parts are made
    max_bytes: int = 64 * 1024  # serialised size
    max_array_items: int = 2
    # arrays this close to the root get up to max_array_items items, deeper ones one
    wide_depth: int = 2


class FixtureError(ContractError):
    """No valid fixture could be made; says for which operation/schema and why."""

    def __init__(self, where: str, detail: str, violations: list[SchemaViolation] | None = None):
        listed = "".join(
            f"\n  at {v.instance_pointer or '/'} ({v.schema_pointer}): {v.message}"
            for v in (violations or [])[:5]
        )
        super().__init__(f"{where}: {detail}{listed}")
        self.where, self.detail, self.violations = where, detail, violations or []


@dataclass(slots=True)
class _Facts:
    """What the generator needs to know about one schema object, worked out once per engine."""

    schema: dict[str, Any]  # held, so the id() it is cached under stays unique
    ref: str | None
    strict_null: bool
    lenient_null: bool
    scalar: bool
    has_example: bool
    all_of: bool
    choice: str | None  # "oneOf" or "anyOf" when the schema offers branches
    kind: str
    properties: tuple[tuple[str, Any, bool, bool], ...]  # (name, schema, readOnly, writeOnly)
    required: frozenset[str]
    holds_omissions: bool
    extras: bool  # required names outside `properties`, a map schema, or min/maxProperties
    timed: bool  # has update or last-use times to put after the object's creation (chronology.py)


class UndocumentedResponse(FixtureError):
    """The operation documents no response with the status or media type asked for."""


class _Pruned(Exception):
    """Generation reached a `$ref` already open on the path (internal signal, never escapes)."""

    def __init__(self, cycle: tuple[str, ...]):
        super().__init__(" -> ".join(cycle))
        self.cycle = cycle


class _EmptyArrayAllowed(_Pruned):
    """The items of an array reached an open `$ref`, and `[]` would be valid.

    An optional array is rather left out (and named in `$meta.omitted`): an empty list would claim
    "there are none". Only where the array is required does `[]` become the value.
    """


@dataclass(frozen=True)
class ResponseTarget:
    """One documented response body: what a fixture is made for."""

    status: str
    media_type: str | None
    schema_pointer: str | None  # None: the response has no body


def _targets(response: Response) -> list[ResponseTarget]:
    raise_unresolved(response)
    if not response.content:
        return [ResponseTarget(response.key, None, None)]
    return [
        ResponseTarget(response.key, m.name, m.schema_pointer) for m in response.content.values()
    ]


@dataclass(frozen=True)
class Fixture:
    status: int
    media_type: str | None
    body: Any
    schema_pointer: str | None


def status_code(status: str) -> int:
    """`default` and `2XX`-style ranges answer with their first code."""
    if status.isdigit():
        return int(status)
    if len(status) == 3 and status[0].isdigit():
        return int(status[0]) * 100
    return 200 if status == "default" else 500


class FixtureEngine:
    """Makes fixtures for the schemas of one spec. Build once, reuse for every fixture."""

    def __init__(self, spec: Spec, budget: Budget | None = None, now: datetime | None = None):
        self.spec = spec
        self.budget = budget or Budget()
        self.now = now or fakes.REFERENCE_NOW
        self._analysis = RecursionAnalysis(spec)
        self._example_ok: dict[str, bool] = {}
        self._facts: dict[int, _Facts] = {}
        self._merged: dict[int, tuple[dict[str, Any], frozenset[str]]] = {}
        self._branches: dict[tuple[int, int], tuple[Any, str | None]] = {}
        self._holders: dict[str, dict[str, Any]] = {}
        self._owners: dict[str, str | None] = {}
        self._pointers: dict[tuple[str, str, str | int | None], str] = {}

    def validator(self, direction: Direction) -> SchemaValidator:
        return Contract.of(self.spec).validator(direction)

    # -- which responses exist -------------------------------------------------------------

    def response_targets(self, operation: Operation) -> list[ResponseTarget]:
        """Every documented response body (one per media type), read from the spec's compiled view."""
        responses = Contract.of(self.spec).compiled(operation).responses or {}
        return [target for response in responses.values() for target in _targets(response)]

    def default_target(
        self, operation: Operation, status: str | None = None, media_type: str | None = None
    ) -> ResponseTarget:
        """The documented success response (lowest 2xx), or the one asked for."""
        targets = self.response_targets(operation)
        if not targets:
            raise UndocumentedResponse(operation.operation_id, "documents no responses")
        if status is not None:
            chosen = [t for t in targets if t.status == str(status)]
            if not chosen:
                documented = ", ".join(sorted({t.status for t in targets}))
                raise UndocumentedResponse(
                    operation.operation_id, f"no response {status}; documented: {documented}"
                )
        else:
            success = sorted(
                (t for t in targets if t.status.startswith("2")), key=lambda t: t.status
            )
            chosen = [t for t in success if t.status == success[0].status] if success else targets
        if media_type is not None:
            matching = [t for t in chosen if t.media_type == media_type]
            if not matching:
                documented = ", ".join(str(t.media_type) for t in chosen)
                raise UndocumentedResponse(
                    operation.operation_id, f"no media type {media_type}; documented: {documented}"
                )
            return matching[0]
        return next(
            (
                t
                for t in chosen
                if t.media_type and (is_json(t.media_type) or t.media_type == "*/*")
            ),
            chosen[0],
        )

    # -- making fixtures -------------------------------------------------------------------

    def fixture(self, operation: Operation, target: ResponseTarget, seed: int | str = 0) -> Fixture:
        label = f"{operation.operation_id} {target.status} {target.media_type}"
        body = None
        code = status_code(target.status)
        if target.schema_pointer is not None:
            body = self.instance(target.schema_pointer, f"{seed}:{label}", "response", where=label)
            body = self._with_own_status(body, code, target.schema_pointer)
        return Fixture(code, target.media_type, body, target.schema_pointer)

    def _with_own_status(self, body: Any, code: int, schema_pointer: str) -> Any:
        """A problem-details body states the status it is sent with (RFC 9457 `status`)."""
        if (
            isinstance(body, dict)
            and isinstance(body.get("status"), int)
            and body["status"] != code
        ):
            aligned = {**body, "status": code}
            if self.validator("response").is_valid(aligned, schema_pointer):
                return aligned
        return body

    def instance(
        self,
        schema_pointer: str,
        seed: int | str,
        direction: Direction = "response",
        where: str | None = None,
    ) -> Any:
        """A valid instance of the schema at `schema_pointer`; same seed, same bytes."""
        return self.generate(schema_pointer, random.Random(str(seed)), direction, where)

    def generate(
        self,
        schema_pointer: str,
        rng: random.Random,
        direction: Direction = "response",
        where: str | None = None,
        name: str | None = None,
        owner: str | None = None,
    ) -> Any:
        """A valid instance drawn with `rng` (a seeded Random, or Hypothesis' `randoms()`)."""
        where = where or schema_pointer
        validator = self.validator(direction)
        budget = self.budget
        violations: list[SchemaViolation] = []
        for _attempt in range(4):
            value = self._generate_once(schema_pointer, rng, direction, budget, where, name, owner)
            if (
                len(json.dumps(value, separators=(",", ":"))) > budget.max_bytes
                and budget.max_depth > 0
            ):
                budget = replace(
                    budget, max_depth=budget.max_depth - 1, max_nodes=budget.max_nodes // 2
                )
                continue
            violations = validator.violations(value, schema_pointer)
            if not violations:
                return value
        if violations:
            raise FixtureError(where, "could not make an instance that validates", violations)
        raise FixtureError(where, f"no instance fits in {self.budget.max_bytes} bytes")

    def draft(
        self,
        schema_pointer: str,
        rng: random.Random,
        name: str | None = None,
        owner: str | None = None,
        examples: bool = True,
    ) -> Any:
        """An instance made like `generate` makes them, not yet validated: for callers that validate
        a larger document holding it anyway (the mock's fresh ids, checked with the whole body).
        `examples=False` never takes the spec's own `example`/`default` (a fresh id must be new)."""
        return self._generate_once(
            schema_pointer, rng, "response", self.budget, schema_pointer, name, owner, examples
        )

    def _generate_once(
        self,
        schema_pointer: str,
        rng: random.Random,
        direction: Direction,
        budget: Budget,
        where: str,
        name: str | None = None,
        owner: str | None = None,
        examples: bool = True,
    ) -> Any:
        for lenient_nulls in (False, True):
            run = _Run(self, rng, direction, budget, lenient_nulls, examples)
            try:
                return run.value(self.ref_holder(schema_pointer), None, name, owner)
            except _EmptyArrayAllowed:
                return []
            except _Pruned as pruned:
                cycle = pruned.cycle
        raise self._infinite(cycle, where) from None

    def _infinite(self, cycle: tuple[str, ...], where: str) -> ContractError:
        for ref in cycle:
            if ref in self._analysis.infinite:
                return InfiniteRecursion(self._analysis.cycle_through(ref))
        return FixtureError(
            where,
            "no finite instance: every way out of cycle "
            + " -> ".join(_short(r) for r in cycle)
            + " is required",
        )

    def facts(self, schema: dict[str, Any]) -> _Facts:
        found = self._facts.get(id(schema))
        if found is None or found.schema is not schema:
            found = self._facts[id(schema)] = self._work_out(schema)
        return found

    def _work_out(self, schema: dict[str, Any]) -> _Facts:
        ref = schema.get("$ref")
        kind = _kind(schema)
        properties = declared if isinstance(declared := schema.get("properties"), dict) else {}
        holder = properties.get(OMISSION_HOLDER)
        return _Facts(
            schema=schema,
            ref=ref if isinstance(ref, str) else None,
            strict_null=_plainly_nullable(schema),
            lenient_null=is_nullable(schema),
            scalar=schema.get("type") in SCALAR_TYPES,
            has_example="example" in schema or "examples" in schema or "default" in schema,
            all_of=isinstance(schema.get("allOf"), list),
            choice=next(
                (k for k in ("oneOf", "anyOf") if isinstance(schema.get(k), list) and schema[k]),
                None,
            ),
            kind=kind,
            properties=tuple(
                (
                    name,
                    sub,
                    isinstance(sub, dict) and sub.get("readOnly") is True,
                    isinstance(sub, dict) and sub.get("writeOnly") is True,
                )
                for name, sub in properties.items()
            ),
            required=frozenset(schema.get("required") or ()),
            holds_omissions=self._holds_omissions(holder),
            extras=bool(set(schema.get("required") or ()) - set(properties))
            or isinstance(schema.get("additionalProperties"), dict)
            or "minProperties" in schema
            or "maxProperties" in schema,
            timed=any(rank(name) in (UPDATE, LAST_USE) for name in properties),
        )

    def _holds_omissions(self, schema: Any) -> bool:
        """Whether a `$meta`-like property has an `omitted: string[]` list to name left-out fields."""
        if not isinstance(schema, dict):
            return False
        resolved, _ = self.spec.deref(schema)
        listing = (
            (resolved.get("properties") or {}).get(OMISSION_LIST)
            if isinstance(resolved, dict)
            else None
        )
        listing, _ = self.spec.deref(listing) if listing else (None, None)
        return isinstance(listing, dict) and listing.get("type") == "array"

    def merged(self, schema: dict[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
        """The allOf holder with its members folded in, and every member `$ref` it went through."""
        found = self._merged.get(id(schema))
        if found is None or found[0].get("x-merged-from") is not schema:
            merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
            refs: set[str] = set()
            for member in schema["allOf"]:
                resolved, ref = self.spec.deref(member)
                if ref is not None:
                    refs.add(ref)
                if isinstance(resolved, dict):
                    if isinstance(resolved.get("allOf"), list):
                        inner, inner_refs = self.merged(resolved)
                        resolved = {k: v for k, v in inner.items() if k != "x-merged-from"}
                        refs |= inner_refs
                    merge_into(merged, resolved)
            merged["x-merged-from"] = schema
            found = self._merged[id(schema)] = (merged, frozenset(refs))
        return found

    def branch(self, schema: dict[str, Any], keyword: str, index: int) -> tuple[Any, str | None]:
        """Branch `index` of a oneOf/anyOf, with the holder's sibling keywords folded in."""
        key = (id(schema), index)
        found = self._branches.get(key)
        if found is None:
            branch = schema[keyword][index]
            rest = {
                k: v
                for k, v in schema.items()
                if k not in (keyword, "discriminator", "x-merged-from")
            }
            resolved, ref = self.spec.deref(branch)
            if any(k not in ("description", "title", "nullable") for k in rest):
                candidate = dict(rest)
                merge_into(candidate, resolved if isinstance(resolved, dict) else {})
                found = (candidate, ref)
            else:
                found = (branch, None)
            self._branches[key] = found
        return found

    def owner_of(self, ref: str) -> str | None:
        if ref not in self._owners:
            self._owners[ref] = _owner_of(ref)
        return self._owners[ref]

    def ref_holder(self, pointer: str) -> dict[str, Any]:
        holder = self._holders.get(pointer)
        if holder is None:
            holder = self._holders[pointer] = {"$ref": pointer}
        return holder

    def child_pointer(self, at: str, keyword: str, name: str | int | None = None) -> str:
        """`join(at, keyword[, name])`, remembered per place."""
        key = (at, keyword, name)
        pointer = self._pointers.get(key)
        if pointer is None:
            tokens = (keyword,) if name is None else (keyword, name)
            pointer = self._pointers[key] = join(at, *tokens)
        return pointer

    def example_fits(self, example: Any, at: str, direction: Direction) -> bool:
        """Whether a spec `example`/`default` at schema `at` validates (cached per place)."""
        key = f"{direction}:{at}"
        if key not in self._example_ok:
            self._example_ok[key] = self.validator(direction).is_valid(example, at)
        return self._example_ok[key]


def _short(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _owner_of(ref: str) -> str | None:
    """The component a reference names (`Account`), which ids and links are named after."""
    prefix = "#/components/schemas/"
    return ref[len(prefix) :] if ref.startswith(prefix) and "/" not in ref[len(prefix) :] else None


class _Run:
    """The state of making one instance: RNG, open references, budget spent."""

    def __init__(
        self,
        engine: FixtureEngine,
        rng: random.Random,
        direction: Direction,
        budget: Budget,
        lenient_nulls: bool,
        examples: bool = True,
    ):
        self.engine, self.spec, self.rng = engine, engine.spec, rng
        self.direction, self.budget = direction, budget
        self.examples = examples  # the spec's own example/default values may be used
        self.lenient_nulls = lenient_nulls  # second pass only: see _plainly_nullable
        self.open_refs: list[str] = []
        self.nodes = 0

    def minimal(self, depth: int) -> bool:
        return depth >= self.budget.max_depth or self.nodes >= self.budget.max_nodes

    # -- dispatch --------------------------------------------------------------------------

    def value(
        self,
        schema: Any,
        at: str | None,
        name: str | None = None,
        owner: str | None = None,
        depth: int = 0,
    ) -> Any:
        self.nodes += 1
        if schema.__class__ is not dict:
            if schema is False:
                raise FixtureError(at or "?", "schema `false` admits no value")
            return fakes.word(self.rng)  # `true`, or anything else the linter complains about
        facts = self.engine.facts(schema)
        if facts.strict_null and not facts.scalar and self.minimal(depth):
            return None
        try:
            return self._value(facts, at, name, owner, depth)
        except _Pruned:
            if facts.lenient_null if self.lenient_nulls else facts.strict_null:
                return None
            raise

    def _value(
        self, facts: _Facts, at: str | None, name: str | None, owner: str | None, depth: int
    ) -> Any:
        if facts.ref is not None:
            return self._follow(facts.ref, name, owner, depth)
        schema = facts.schema
        if facts.all_of:
            schema, member_refs = self.engine.merged(schema)
            self._refuse_open(member_refs)
            facts = self.engine.facts(schema)
        if facts.has_example and self.examples:
            # an allOf holder's pointer: still the right check
            example = self._spec_example(schema, at)
            if example is not _NONE:
                return example
        if "x-merged-from" in schema:
            at = None  # members' subschemas have their own pointers; the final check covers them
        if "const" in schema:
            return schema["const"]
        enum = schema.get("enum")
        if enum and isinstance(enum, list):
            return self.rng.choice([v for v in enum if v is not None] or enum)
        if facts.choice is not None:
            return self._one_of(schema, facts.choice, at, name, owner, depth)
        if facts.kind == "object":
            return self._object(facts, at, name, owner, depth)
        return getattr(self, f"_{facts.kind}")(schema, at, name, owner, depth)

    def _refuse_open(self, refs: frozenset[str]) -> None:
        for ref in refs:
            if ref in self.open_refs:
                raise _Pruned((*self.open_refs[self.open_refs.index(ref) :], ref))

    def _follow(self, ref: str, name: str | None, owner: str | None, depth: int) -> Any:
        if ref in self.open_refs:
            raise _Pruned((*self.open_refs[self.open_refs.index(ref) :], ref))
        target = self.spec.resolve(ref)
        self.open_refs.append(ref)
        try:
            return self.value(target, ref, name, self.engine.owner_of(ref) or owner, depth)
        finally:
            self.open_refs.pop()

    # -- spec examples ---------------------------------------------------------------------

    def _spec_example(self, schema: dict[str, Any], at: str | None) -> Any:
        if at is None:
            return _NONE
        candidates: list[tuple[str, Any]] = []
        if "example" in schema:
            candidates.append(("example", schema["example"]))
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            candidates.append(("examples", schema["examples"][0]))
        if "default" in schema:
            candidates.append(("default", schema["default"]))
        for _, candidate in candidates:
            if candidate is not None and self.engine.example_fits(candidate, at, self.direction):
                return json.loads(json.dumps(candidate))  # a copy: callers may change fixtures
        return _NONE

    # -- combinators -----------------------------------------------------------------------

    def _one_of(
        self,
        schema: dict[str, Any],
        keyword: str,
        at: str | None,
        name: str | None,
        owner: str | None,
        depth: int,
    ) -> Any:
        options = schema[keyword]
        # Where the value is checked against the whole `oneOf`, so that one branch only matches it.
        exclusive_at = at if keyword == "oneOf" and len(options) > 1 else None
        last_error: _Pruned | None = None
        for index in self._branch_order(options, depth):
            candidate, ref = self.engine.branch(schema, keyword, index)
            if ref is not None and ref in self.open_refs:
                last_error = _Pruned((*self.open_refs[self.open_refs.index(ref) :], ref))
                continue
            branch_at = (
                self.engine.child_pointer(at, keyword, index)
                if at and candidate is options[index]
                else None
            )
            try:
                value = self.value(candidate, branch_at, name, owner, depth)
            except _Pruned as pruned:
                last_error = pruned
                continue
            value = self._apply_discriminator(schema, options[index], value)
            if exclusive_at is not None and not self.engine.validator(self.direction).is_valid(
                value, exclusive_at
            ):
                continue
            return value
        if last_error is not None:
            raise last_error
        raise FixtureError(at or "?", f"no `{keyword}` branch yields a valid value")

    def _branch_order(self, options: list[Any], depth: int) -> list[int]:
        """Start at a random branch; scalar/null branches first when the budget is spent."""
        n = len(options)
        start = self.rng.randrange(n)
        order = [(start + i) % n for i in range(n)]
        if self.minimal(depth):
            order.sort(key=lambda i: 0 if self._cheap(options[i]) else 1)
        return order

    def _cheap(self, option: Any) -> bool:
        resolved, _ = self.spec.deref(option)
        return isinstance(resolved, dict) and (
            is_nullable(resolved) or resolved.get("type") in SCALAR_TYPES
        )

    def _apply_discriminator(self, schema: dict[str, Any], branch: Any, value: Any) -> Any:
        discriminator = schema.get("discriminator")
        if not isinstance(discriminator, dict) or not isinstance(value, dict):
            return value
        prop = discriminator.get("propertyName")
        ref = branch.get("$ref") if isinstance(branch, dict) else None
        if not prop or not ref:
            return value
        branch_schema, _ = self.spec.deref(branch)
        declared = ((branch_schema or {}).get("properties") or {}).get(prop)
        declared, _ = self.spec.deref(declared) if declared else ({}, None)
        if isinstance(declared, dict) and ("enum" in declared or "const" in declared):
            return value  # the branch already pins the value
        mapping = discriminator.get("mapping") or {}
        names = [key for key, target in mapping.items() if target == ref or target == _short(ref)]
        value[prop] = names[0] if names else _short(ref)
        return value

    # -- objects ---------------------------------------------------------------------------

    def _object(
        self, facts: _Facts, at: str | None, name: str | None, owner: str | None, depth: int
    ) -> dict[str, Any]:
        schema, required = facts.schema, facts.required
        owner = owner if at and at.count("/") <= 3 else (owner or name)
        result: dict[str, Any] = {}
        omitted: list[str] = []
        holder = OMISSION_HOLDER if facts.holds_omissions else None
        skip_read_only = self.direction == "request"
        minimal = self.minimal(depth)
        for prop, prop_schema, read_only, write_only in facts.properties:
            if prop == holder or (read_only if skip_read_only else write_only):
                continue
            if minimal and prop not in required:
                omitted.append(prop)
                continue
            try:
                prop_at = self.engine.child_pointer(at, "properties", prop) if at else None
                result[prop] = self.value(prop_schema, prop_at, prop, owner, depth + 1)
            except _EmptyArrayAllowed:
                if prop in required:
                    result[prop] = []
                else:
                    omitted.append(prop)
            except _Pruned:
                if prop in required:
                    raise
                omitted.append(prop)
        _link_href_to_id(result, owner)
        if facts.timed:
            self._order_times(facts, result)
        if facts.extras:
            self._add_required_extras(schema, result, required, owner, depth)
            self._add_map_entries(schema, result, at, owner, depth)
        if holder is not None:
            result[holder] = self._omission_record(schema["properties"][holder], omitted, depth)
            result = {k: result[k] for k in [*schema["properties"], *result] if k in result}
        return result

    def _order_times(self, facts: _Facts, result: dict[str, Any]) -> None:
        schemas = {prop: prop_schema for prop, prop_schema, _, _ in facts.properties}
        order_times(
            result,
            schemas.get,
            lambda schema: self.spec.deref(schema)[0],
            self.rng,
            self.engine.now,
        )

    def _omission_record(self, schema: Any, omitted: list[str], depth: int) -> Any:
        record = self.value(schema, None, OMISSION_HOLDER, None, depth + 1)
        if isinstance(record, dict):
            record[OMISSION_LIST] = list(omitted)
        return record

    def _add_required_extras(
        self,
        schema: dict[str, Any],
        result: dict[str, Any],
        required: frozenset[str],
        owner: str | None,
        depth: int,
    ) -> None:
        extra_schema = schema.get("additionalProperties")
        for prop in sorted(required - set(result)):
            if prop in (schema.get("properties") or {}):
                continue  # required but in the other direction
            result[prop] = self.value(
                extra_schema if isinstance(extra_schema, dict) else _ANY,
                None,
                prop,
                owner,
                depth + 1,
            )

    def _add_map_entries(
        self,
        schema: dict[str, Any],
        result: dict[str, Any],
        at: str | None,
        owner: str | None,
        depth: int,
    ) -> None:
        extra_schema = schema.get("additionalProperties")
        if not isinstance(extra_schema, dict) or extra_schema == {}:
            extra_schema = None
        wanted = schema.get("minProperties") or 0
        if extra_schema is not None and not schema.get("properties") and not self.minimal(depth):
            wanted = max(wanted, 1)
        attempts = 0
        while len(result) < wanted and attempts < wanted + 3:
            attempts += 1
            key = f"{fakes.word(self.rng)}{len(result) + 1}"
            if key in result:
                continue
            try:
                result[key] = self.value(
                    extra_schema if extra_schema is not None else _ANY,
                    join(at, "additionalProperties") if at and extra_schema else None,
                    key,
                    owner,
                    depth + 1,
                )
            except _Pruned:
                if len(result) < (schema.get("minProperties") or 0):
                    raise
                return
        maximum = schema.get("maxProperties")
        if isinstance(maximum, int):
            required = set(schema.get("required") or [])
            for key in [k for k in reversed(list(result)) if k not in required][
                : max(0, len(result) - maximum)
            ]:
                del result[key]

    # -- arrays ----------------------------------------------------------------------------

    def _array(
        self,
        schema: dict[str, Any],
        at: str | None,
        name: str | None,
        owner: str | None,
        depth: int,
    ) -> list[Any]:
        min_items = int(schema.get("minItems") or 0)
        max_items = schema.get("maxItems")
        prefix = declared if isinstance(declared := schema.get("prefixItems"), list) else []
        items = schema.get("items", {})
        if items is False:
            items = None
        if self.minimal(depth):
            wanted = min_items
        elif depth <= self.budget.wide_depth:
            wanted = self.rng.randint(1, self.budget.max_array_items)
        else:
            wanted = 1
        count = max(min_items, wanted)
        if isinstance(max_items, int):
            count = min(count, max_items)
        count = max(count, min(len(prefix), count))
        result: list[Any] = []
        seen: set[str] = set()
        unique = schema.get("uniqueItems") is True
        attempts = 0
        while len(result) < count and attempts < count * 4 + 4:
            attempts += 1
            index = len(result)
            if index < len(prefix):
                item_schema, item_at = prefix[index], join(at, "prefixItems", index) if at else None
            elif items is None:
                break
            else:
                item_schema, item_at = items, self.engine.child_pointer(at, "items") if at else None
            try:
                item = self.value(item_schema, item_at, name, owner, depth)
            except _Pruned as pruned:
                if result and len(result) >= min_items:
                    break
                if min_items == 0:
                    raise _EmptyArrayAllowed(pruned.cycle) from None
                raise
            if unique:
                key = json.dumps(item, sort_keys=True)
                if key in seen:
                    continue
                seen.add(key)
            result.append(item)
        return result

    # -- scalars ---------------------------------------------------------------------------

    def _string(
        self,
        schema: dict[str, Any],
        at: str | None,
        name: str | None,
        owner: str | None,
        depth: int,
    ) -> str:
        rng, now = self.rng, self.engine.now
        value: str | None = None
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            value = fakes.from_pattern(rng, pattern)
        fmt = schema.get("format")
        if value is None and isinstance(fmt, str):
            value = fakes.by_format(rng, fmt, now)
        if value is None:
            value = fakes.by_name(rng, name, owner, now) or fakes.word(rng)
        return self._fit_length(value, schema)

    def _fit_length(self, value: str, schema: dict[str, Any]) -> str:
        low, high = schema.get("minLength"), schema.get("maxLength")
        if isinstance(low, int) and len(value) < low:
            value += "".join(
                self.rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(low - len(value))
            )
        if isinstance(high, int) and len(value) > high:
            value = value[:high]
        return value

    def _integer(
        self,
        schema: dict[str, Any],
        at: str | None,
        name: str | None,
        owner: str | None,
        depth: int,
    ) -> int:
        low, high = _numeric_range(schema, name, integer=True)
        multiple = self._multiple(schema, low, high)
        return (
            int(multiple)
            if multiple is not None
            else self.rng.randint(math.ceil(low), math.floor(high))
        )

    def _number(
        self,
        schema: dict[str, Any],
        at: str | None,
        name: str | None,
        owner: str | None,
        depth: int,
    ) -> float | int:
        low, high = _numeric_range(schema, name, integer=False)
        multiple = self._multiple(schema, low, high)
        if multiple is not None:
            return int(multiple) if float(multiple).is_integer() else round(multiple, 10)
        digits = 2 if high - low >= 1 else 8
        value = round(self.rng.uniform(low, high), digits)
        return value if low <= value <= high else (low + high) / 2

    def _multiple(self, schema: dict[str, Any], low: float, high: float) -> float | None:
        """A multiple of the schema's `multipleOf` within [low, high]; None without one, or when none fits."""
        step = schema.get("multipleOf")
        if isinstance(step, (int, float)) and step > 0:
            first, last = math.ceil(low / step), math.floor(high / step)
            if first <= last:
                return self.rng.randint(first, last) * step
        return None

    def _boolean(
        self,
        schema: dict[str, Any],
        at: str | None,
        name: str | None,
        owner: str | None,
        depth: int,
    ) -> bool:
        return self.rng.random() < 0.5

    def _null(
        self,
        schema: dict[str, Any],
        at: str | None,
        name: str | None,
        owner: str | None,
        depth: int,
    ) -> None:
        return None


_KIND_HINTS = (
    (
        "object",
        ("properties", "additionalProperties", "required", "patternProperties", "minProperties"),
    ),
    ("array", ("items", "prefixItems", "minItems", "maxItems")),
    ("string", ("format", "pattern", "minLength", "maxLength")),
    ("number", ("minimum", "maximum", "multipleOf", "exclusiveMinimum", "exclusiveMaximum")),
)


def _kind(schema: dict[str, Any]) -> str:
    """The JSON type to make: the declared one (the first non-null), else the one keywords imply."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else "null"
    if isinstance(kind, str) and kind in (
        "object",
        "array",
        "string",
        "integer",
        "number",
        "boolean",
        "null",
    ):
        return kind
    for hinted, keywords in _KIND_HINTS:
        if any(k in schema for k in keywords):
            return hinted
    # `{nullable: true}` and nothing else: a value whose only documented form is null (a page
    # showing `"parameters": null`). Any type we made up would be a guess a client might rely on.
    return "null" if schema.get("nullable") is True else "string"


def _plainly_nullable(schema: dict[str, Any]) -> bool:
    """`null` is valid here under every reading of the spec.

    OpenAPI 3.0.3 says `nullable` only widens a `type` of the same schema object, so
    `{allOf: [$ref], nullable: true}` does not admit null to a strict validator (openapi-core),
    though many authors mean it to. We emit null there only as the last way out of a cycle.
    """
    kind = schema.get("type")
    if isinstance(kind, list) or kind == "null":
        return "null" in kind if isinstance(kind, list) else True
    return (
        schema.get("nullable") is True
        and kind is not None
        and not any(k in schema for k in ("$ref", "allOf", "anyOf", "oneOf"))
    )


def _link_href_to_id(result: dict[str, Any], owner: str | None) -> None:
    """A generated `href` names the object's own `id`, as a real API's link would."""
    href, own_id = result.get("href"), result.get("id")
    if isinstance(href, str) and isinstance(own_id, str) and href.startswith("/v1/"):
        result["href"] = fakes.collection_path(owner, own_id)


def _numeric_range(schema: dict[str, Any], name: str | None, integer: bool) -> tuple[float, float]:
    """Where to draw a number: the schema's bounds, narrowed to a range typical for the name."""
    low, high = _schema_bounds(schema, integer)
    typical_low, typical_high = _typical_range(name, schema.get("format"))
    if low is None and high is None:
        return typical_low, typical_high
    if low is None:
        assert high is not None
        return (typical_low, min(typical_high, high)) if typical_low <= high else (high - 100, high)
    if high is None:
        return (max(low, typical_low), typical_high) if low <= typical_high else (low, low + 100)
    if max(low, typical_low) <= min(high, typical_high):
        return max(low, typical_low), min(high, typical_high)
    return low, high


def _schema_bounds(schema: dict[str, Any], integer: bool) -> tuple[float | None, float | None]:
    """Inclusive bounds from minimum/maximum and both forms of exclusive bounds."""
    low = _number_or_none(schema.get("minimum"))
    high = _number_or_none(schema.get("maximum"))
    exclusive_low, exclusive_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if exclusive_low is True:  # OpenAPI 3.0 form: the bound itself is excluded
        exclusive_low, low = low, None
    if exclusive_high is True:
        exclusive_high, high = high, None
    bound = _number_or_none(exclusive_low)
    if bound is not None:
        nudged = math.floor(bound) + 1 if integer else bound + _nudge(bound)
        low = nudged if low is None else max(low, nudged)
    bound = _number_or_none(exclusive_high)
    if bound is not None:
        nudged = math.ceil(bound) - 1 if integer else bound - _nudge(bound)
        high = nudged if high is None else min(high, nudged)
    return low, high


def _nudge(bound: float) -> float:
    return max(abs(bound) * 1e-9, 1e-9)


def _number_or_none(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _typical_range(name: str | None, fmt: Any) -> tuple[float, float]:
    key = (name or "").lower()
    if (
        fmt == "unix-time"
        or key in ("created", "updated", "timestamp")
        or key.endswith(("_at", "time"))
    ):
        base = int(fakes.REFERENCE_NOW.timestamp())
        return base - 180 * 24 * 3600, base
    if "port" in key:
        return 1024, 65535
    if key == "age":
        return 18, 90
    if "year" in key:
        return 2000, 2026
    if fmt in ("uint8", "int8"):
        return (0, 255) if fmt == "uint8" else (-128, 127)
    if any(word in key for word in ("amount", "price", "total", "balance")):
        return 1, 5000
    return 1, 1000


class _Nothing:
    """Marks 'no usable spec example' (None is a valid example)."""


_NONE: Any = _Nothing()
_ANY: dict[str, Any] = {}  # one shared "anything" schema (facts are cached by object identity)
