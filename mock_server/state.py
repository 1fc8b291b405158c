"""`contract mock --stateful`: created resources are remembered, read back, listed, updated, deleted.

Resources are inferred from the paths alone: a documented `POST C` and a documented `C/{param}`
make a collection and its item (`/pets`, `/pets/{petId}`; nested ones such as
`/users/{id}/pets/{petId}` keep one collection per concrete parent path). Per operation a role:

    POST C  create: the mock's usual created answer (fresh id, request reflected) is stored
    GET C   list:   the stored items inside the documented list shape (an array, or an envelope
                    such as `{data: [...]}`, `{items: [...], total: N}`)
    GET / PUT / PATCH (or POST) / DELETE C/{param}: read / replace / update / delete, 404 when unknown

Every answer is still validated against its schema; a stored resource that does not fit a
schema is written into that operation's fixture field by field (`reflect`), and the fixture is
sent when even that does not fit. `Prefer: code=` or `example=` bypass the state. Stores are
bounded (oldest resources evicted first): `MemoryState` for one process, `shared.SqliteState` for
several workers.
"""

from __future__ import annotations

import logging
import random
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

import orjson

from contract_core.errors import ContractError
from contract_core.media import is_json
from contract_core.pointer import join
from contract_core.resources import Resource, id_field, infer_resources
from contract_core.spec import Spec
from mock_server.ids import Numbering, numbering
from mock_server.problems import Problem
from mock_server.responder import Reply, ReplyPlan, Responder, encode

log = logging.getLogger("contract.mock")

MAX_RESOURCES = 10_000
ID_ATTEMPTS = 8  # draws of a created resource's id that hit a stored one before the mock gives up
MAX_BYTES = 64 * 1024 * 1024  # of stored JSON, per process: vendor resources run to 100 KB each
_LIST_NAMES = (
    "data",
    "items",
    "results",
    "records",
    "values",
    "entries",
    "list",
    "content",
    "objects",
)
_COUNT_NAMES = ("total", "count", "total_count", "totalCount", "total_results", "totalResults")
_ROLES = {
    ("collection", "post"): "create",
    ("collection", "get"): "list",
    ("item", "get"): "read",
    # Stripe's style
    ("item", "put"): "replace",
    ("item", "patch"): "update",
    ("item", "post"): "update",
    ("item", "delete"): "delete",
}


def unbounded() -> tuple[int, int]:
    """`MemoryState` limits that never evict (the expectations' store: it refuses past its own limit)."""
    return sys.maxsize, sys.maxsize


@dataclass
class StoreUnavailable(ContractError):
    """A shared store (Redis) cannot be reached: the mock answers 503 naming it and stays up."""

    store: str  # its URL, without a password
    detail: str

    def __str__(self) -> str:
        return f"the mock's store {self.store} is unreachable ({self.detail})"

    def sentence(self) -> str:
        """The message as a problem's `detail`."""
        return (
            f"The mock's store {self.store} is unreachable ({self.detail}); "
            "the mock answers again once the store is back."
        )


class StateStore(Protocol):
    def put(self, collection: str, key: str, body: Any) -> None: ...

    def get(self, collection: str, key: str) -> Any | None: ...

    def delete(self, collection: str, key: str) -> bool: ...

    def items(self, collection: str) -> list[Any]: ...

    def dump(self) -> list[dict[str, Any]]: ...

    def next_count(self, name: str) -> int: ...

    def clear(self) -> None: ...

    def drop(self, prefix: str) -> None:
        """Remove every resource and counter whose collection or counter name starts with `prefix`
        (a session's scope: `DELETE /__mock/sessions/NAME`)."""
        ...


class MemoryState:
    """The resources of one process, oldest evicted past `limit` resources or `max_bytes` of JSON."""

    def __init__(self, limit: int = MAX_RESOURCES, max_bytes: int = MAX_BYTES):
        self.limit, self.max_bytes = limit, max_bytes
        self._resources: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._sizes: dict[tuple[str, str], int] = {}
        self._bytes = 0
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()  # the admin endpoints and tests may read from another thread

    def put(self, collection: str, key: str, body: Any) -> None:
        size = len(orjson.dumps(body))
        with self._lock:
            self._resources[(collection, key)] = body  # an update keeps its place in the list
            self._bytes += size - self._sizes.get((collection, key), 0)
            self._sizes[(collection, key)] = size
            while len(self._resources) > self.limit or (
                self._bytes > self.max_bytes and len(self._resources) > 1
            ):
                oldest, _ = self._resources.popitem(last=False)
                self._bytes -= self._sizes.pop(oldest)

    def get(self, collection: str, key: str) -> Any | None:
        return self._resources.get((collection, key))

    def delete(self, collection: str, key: str) -> bool:
        with self._lock:
            self._bytes -= self._sizes.pop((collection, key), 0)
            return self._resources.pop((collection, key), None) is not None

    def items(self, collection: str) -> list[Any]:
        with self._lock:
            return [body for (owner, _), body in self._resources.items() if owner == collection]

    def dump(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{"collection": c, "id": k, "body": b} for (c, k), b in self._resources.items()]

    def next_count(self, name: str) -> int:
        with self._lock:
            self._counts[name] = self._counts.get(name, 0) + 1
            return self._counts[name]

    def clear(self) -> None:
        with self._lock:
            self._resources.clear()
            self._sizes.clear()
            self._bytes = 0
            self._counts.clear()

    def drop(self, prefix: str) -> None:
        with self._lock:
            for place in [place for place in self._resources if place[0].startswith(prefix)]:
                del self._resources[place]
                self._bytes -= self._sizes.pop(place)
            for name in [name for name in self._counts if name.startswith(prefix)]:
                del self._counts[name]


class Stateful:
    """The responder's answers, with the resources of `store` created, read, listed and changed."""

    def __init__(self, responder: Responder, store: StateStore):
        self.responder, self.store, self.spec = responder, store, responder.spec
        self.roles: dict[str, tuple[str, Resource]] = {}
        self.shapes: dict[Resource, str] = {}  # the schema a stored resource is kept in
        self.numberings: dict[tuple[str, str], Numbering | None] = {}  # (operation, id field)
        for resource in infer_resources(self.spec):
            self._assign_roles(resource)
        # Where each list answer holds its items, found once at start-up rather than per request.
        self.list_slots = {
            op_id: self._list_slot(op_id)
            for op_id, (role, _) in self.roles.items()
            if role == "list"
        }

    def _assign_roles(self, resource: Resource) -> None:
        for op in self.spec.operations:
            side = (
                "collection"
                if op.path == resource.collection
                else "item"
                if op.path == resource.item
                else None
            )
            role = _ROLES.get((side, op.method)) if side else None
            if role and op.operation_id not in self.roles:
                self.roles[op.operation_id] = (role, resource)
        by_role = {role: op_id for op_id, (role, owner) in self.roles.items() if owner == resource}
        # what a create returns is the resource itself (a read may be anyOf)
        for role in ("create", "read"):
            plan = self.responder.plans.get(by_role.get(role, ""))
            if plan is not None and plan.success.schema_pointer and resource not in self.shapes:
                self.shapes[resource] = plan.success.schema_pointer

    def _list_slot(self, operation_id: str) -> tuple[str | None, str] | None:
        plan = self.responder.plans.get(operation_id)
        pointer = plan.success.schema_pointer if plan is not None else None
        return list_slot(self.spec, pointer) if pointer else None

    def respond(
        self, plan: ReplyPlan, path: str, sent: Any, prefer: dict[str, str], accept: str | None
    ) -> Reply:
        role = self.roles.get(plan.operation.operation_id)
        if role is None or "code" in prefer or "example" in prefer:
            return self.responder.respond(plan, sent, prefer, accept)
        kind, resource = role
        handlers: dict[str, Callable[..., Reply]] = {
            "create": self._create,
            "list": self._list,
            "read": self._read,
            "replace": self._change,
            "update": self._change,
            "delete": self._delete,
        }
        return handlers[kind](plan, resource, path, sent, prefer, accept)

    # -- roles ------------------------------------------------------------------------------

    def _create(
        self,
        plan: ReplyPlan,
        resource: Resource,
        path: str,
        sent: Any,
        prefer: dict[str, str],
        accept: str | None,
    ) -> Reply:
        """The created answer, stored under an id no stored resource has (ids.py): never an overwrite."""
        for _ in range(ID_ATTEMPTS):
            # Draws come from the responder's per-operation counter; shared stores share it between
            # workers, so a redraw (or another worker's create) never repeats a seed.
            plan.counter = self.store.next_count(plan.operation.operation_id) - 1
            reply = self.responder.respond(plan, sent, prefer, accept)
            body = _json_body(reply)
            name = id_field(body, resource)
            if not 200 <= reply.status < 300 or name is None:
                if 200 <= reply.status < 300:
                    log.warning(
                        "%s: the created resource has no id field (%s or id); not stored",
                        plan.operation.label,
                        resource.id_param,
                    )
                return reply
            chosen = isinstance(sent, dict) and sent.get(name) == body[name]
            if not chosen:  # an id the client sent is kept as sent; others are the mock's to number
                body, reply = self._numbered(plan, path, name, body, reply)
            key = str(body[name])
            if self.store.get(path, key) is None:
                self.store.put(path, key, body)
                return reply
            if chosen:
                raise _taken(plan, path, name, key)
        raise _no_unused_id(plan, path, name or resource.id_param)

    def _numbered(
        self, plan: ReplyPlan, path: str, name: str, body: Any, reply: Reply
    ) -> tuple[Any, Reply]:
        """`body` with the collection's next integer id, when the schema types the id integer."""
        numbering = self._numbering(plan, name)
        if numbering is None:
            return body, reply
        value = numbering.nth(self.store.next_count(f"{path}#{name}"))
        if value is None:
            raise _numbers_used_up(plan, path, name, numbering)
        numbered = {**body, name: value}
        pointer = plan.success.schema_pointer
        if pointer is None or not self.responder.response_validator.is_valid(numbered, pointer):
            # another keyword refuses it (an enum): the drawn id, checked by the caller
            return body, reply
        encoded = encode(numbered, reply.media_type)
        return numbered, Reply(reply.status, reply.media_type, encoded, reply.headers)

    def _numbering(self, plan: ReplyPlan, name: str) -> Numbering | None:
        cache_key = (plan.operation.operation_id, name)
        if cache_key not in self.numberings:
            pointer = plan.success.schema_pointer
            pointers = self.responder.fresh.property_pointers(pointer, name) if pointer else []
            found = (numbering(self.spec, self.spec.resolve(p)) for p in pointers)
            self.numberings[cache_key] = next((n for n in found if n is not None), None)
        return self.numberings[cache_key]

    def _read(
        self,
        plan: ReplyPlan,
        resource: Resource,
        path: str,
        sent: Any,
        prefer: dict[str, str],
        accept: str | None,
    ) -> Reply:
        collection, key = self._located(path)
        stored = self._stored_or_404(resource, collection, key)
        return self._shaped_reply(plan, stored, prefer, accept)

    def _change(
        self,
        plan: ReplyPlan,
        resource: Resource,
        path: str,
        sent: Any,
        prefer: dict[str, str],
        accept: str | None,
    ) -> Reply:
        collection, key = self._located(path)
        stored = self._stored_or_404(resource, collection, key)
        shape = self.shapes.get(resource)
        updated = stored
        if sent is not None and shape is not None:
            changed = self._written_into(stored, sent, shape)
            if self.responder.response_validator.is_valid(changed, shape):
                self.store.put(collection, key, changed)
                updated = changed
        return self._shaped_reply(plan, updated, prefer, accept, sent)

    def _delete(
        self,
        plan: ReplyPlan,
        resource: Resource,
        path: str,
        sent: Any,
        prefer: dict[str, str],
        accept: str | None,
    ) -> Reply:
        collection, key = self._located(path)
        stored = self._stored_or_404(resource, collection, key)
        self.store.delete(collection, key)
        # a deletion answer naming it, if it has a body
        return self._shaped_reply(plan, stored, prefer, accept)

    def _list(
        self,
        plan: ReplyPlan,
        resource: Resource,
        path: str,
        sent: Any,
        prefer: dict[str, str],
        accept: str | None,
    ) -> Reply:
        reply = self.responder.respond(plan, None, prefer, accept)
        list_schema = plan.success.schema_pointer  # never None where there is a slot
        base = _json_body(reply)
        slot = self.list_slots.get(plan.operation.operation_id)
        if base is None or slot is None or list_schema is None or not 200 <= reply.status < 300:
            return reply
        name, items_pointer = slot
        template = _first_item(base, name)
        rng = random.Random(
            f"{prefer.get('seed', self.responder.options.seed)}:{plan.operation.operation_id}"
        )
        if template is None:
            template = self.responder.engine.draft(items_pointer, rng)
        items = [self._fitted(stored, template, items_pointer) for stored in self.store.items(path)]
        listed = _with_items(base, name, [item for item in items if item is not None])
        if not self.responder.response_validator.is_valid(listed, list_schema):
            log.warning(
                "%s: the stored items do not fit the list schema; sent the fixture",
                plan.operation.label,
            )
            return reply
        return Reply(
            reply.status, reply.media_type, encode(listed, reply.media_type), reply.headers
        )

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _located(path: str) -> tuple[str, str]:
        """(the concrete collection path, the item's id) of a request to the item."""
        collection, _, raw_key = path.rpartition("/")
        return collection, unquote(raw_key)

    def _stored_or_404(self, resource: Resource, collection: str, key: str) -> Any:
        stored = self.store.get(collection, key)
        if stored is None:
            raise self._not_found(resource, key)
        return stored

    @staticmethod
    def _not_found(resource: Resource, key: str) -> Problem:
        return Problem(
            404,
            f"No {resource.collection} item has {resource.id_param} {key!r}: it was never created "
            "or was deleted (--stateful).",
        )

    def _shaped_reply(
        self,
        plan: ReplyPlan,
        stored: Any,
        prefer: dict[str, str],
        accept: str | None,
        sent: Any = None,
    ) -> Reply:
        """The operation's success answer carrying the stored resource (as is when it fits the schema)."""
        reply = self.responder.respond(plan, sent, prefer, accept)
        pointer = plan.success.schema_pointer
        base = _json_body(reply)
        if pointer is None or base is None or not 200 <= reply.status < 300:
            return reply
        fitted = self._fitted(stored, base, pointer)
        if fitted is None:
            log.warning(
                "%s: the stored resource does not fit the schema; sent the fixture",
                plan.operation.label,
            )
            return reply
        return Reply(
            reply.status, reply.media_type, encode(fitted, reply.media_type), reply.headers
        )

    def _fitted(self, stored: Any, template: Any, pointer: str) -> Any:
        """`stored` if it is valid at `pointer`; else written into `template` field by field; else None."""
        validator = self.responder.response_validator
        if validator.is_valid(stored, pointer):
            return stored
        merged = self._written_into(template, stored, pointer)
        return merged if validator.is_valid(merged, pointer) else None

    def _written_into(self, body: Any, sent: Any, schema_pointer: str) -> Any:
        """`body` with `sent` written in field by field where the schema documents it (the mock's reflection)."""
        reflector = self.responder.reflector
        return reflector.apply(body, reflector.edits(sent, schema_pointer))


def _taken(plan: ReplyPlan, path: str, name: str, key: str) -> Problem:
    return Problem(
        409,
        f"{plan.operation.label}: {path} already holds a resource with {name} {key!r} "
        "(--stateful); send another one, or none to have one drawn.",
    )


def _no_unused_id(plan: ReplyPlan, path: str, name: str) -> Problem:
    return Problem(
        507,
        f"{plan.operation.label}: no unused {name} for {path} in {ID_ATTEMPTS} draws: the "
        "schema allows too few values; nothing was overwritten. Widen the id's schema, or "
        "DELETE /__mock/state.",
    )


def _numbers_used_up(plan: ReplyPlan, path: str, name: str, numbering: Numbering) -> Problem:
    return Problem(
        507,
        f"{plan.operation.label}: every {name} the schema allows ({numbering.describe()}, "
        f"{numbering.size} ids) has been handed out in {path}; nothing was overwritten. "
        "Widen the id's schema (maximum), or DELETE /__mock/state to start again.",
    )


def list_slot(spec: Spec, schema_pointer: str) -> tuple[str | None, str] | None:
    """Where a list answer holds its items: (None, items) for a bare array, or (property, items)
    for an envelope such as `{data: [...]}`; None when the shape is not a list."""
    schema, ref = spec.deref(spec.resolve(schema_pointer))
    at = ref or schema_pointer
    if not isinstance(schema, dict):
        return None
    if schema.get("type") == "array" or "items" in schema:
        return None, join(at, "items")
    arrays = {}
    for name, prop in (schema.get("properties") or {}).items():
        resolved, prop_ref = spec.deref(prop)
        if isinstance(resolved, dict) and (resolved.get("type") == "array" or "items" in resolved):
            arrays[name] = join(prop_ref or join(at, "properties", name), "items")
    chosen = next((name for name in _LIST_NAMES if name in arrays), None)
    if chosen is None and len(arrays) == 1:
        chosen = next(iter(arrays))
    return (chosen, arrays[chosen]) if chosen else None


def _first_item(base: Any, name: str | None) -> Any:
    items = base if name is None else base.get(name) if isinstance(base, dict) else None
    return items[0] if isinstance(items, list) and items else None


def _with_items(base: Any, name: str | None, items: list[Any]) -> Any:
    if name is None:
        return items
    listed = {**base, name: items}
    for count in _COUNT_NAMES:
        if isinstance(listed.get(count), int) and not isinstance(listed[count], bool):
            listed[count] = len(items)
    for more in ("has_more", "hasMore"):
        if isinstance(listed.get(more), bool):
            listed[more] = False
    return listed


def _json_body(reply: Reply) -> Any:
    if not reply.body or not is_json(reply.media_type):
        return None
    try:
        return orjson.loads(reply.body)
    except orjson.JSONDecodeError:
        return None
