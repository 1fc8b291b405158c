"""What a run created, and the rule that keeps everyone else's records safe.

A staging server holds records of other people. Hypothesis favours small integers, so a run that
sends whatever it generates deletes `/pets/1` among its first requests. The rule: a request that
changes state (POST, PUT, PATCH, DELETE) to a path with path parameters is sent only when every
parameter's value is one the run created itself (learnt from its own 2xx answers: the created
resource's id by the kit's resource inference, a `Location` header, an OpenAPI link) or one the team
listed in `[conform.data]`. The request gate asks `refusal` before every request and tells `learn`
every answer, so the rule holds for every phase, negative cases and the checks' own requests.

An owned value is keyed by the path template up to its parameter, names dropped (`/pets/{}`):
pet 1003 created by the run does not make owner 1003 the run's.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from conformance.engine.known_data import KnownData
from contract_core.contract import Contract
from contract_core.pointer import resolve as resolve_pointer
from contract_core.resources import infer_resources, resource_id
from contract_core.spec import Spec

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_PARAMETER = re.compile(r"\{[^}]+\}")
_BODY_EXPRESSION = re.compile(r"\$response\.body#(?P<pointer>/.*)?")


@dataclass
class Created:
    """One resource the run created: where it lives, and what became of it."""

    path: str  # the item's concrete path under the base URL, e.g. /pets/1003
    id: str
    operation: str  # the create's label
    delete: str | None  # the documented DELETE of its item, None when the spec has none
    # "exists", "deleted by the run", "deleted in the clean-up", "kept (--keep-created)", "left behind: <why>"
    outcome: str = "exists"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "id": self.id,
            "created_by": self.operation,
            "outcome": self.outcome,
        }


class Ownership:
    """The records this run created (and the values the team listed) for one spec and base URL."""

    def __init__(
        self, spec: Spec, base_url: str, known: KnownData, *, allow_destructive: bool = False
    ) -> None:
        contract = Contract.of(spec)
        self.matcher = contract.matcher
        self.spec, self.base_url, self.known = spec, base_url, known
        self.allow_destructive = allow_destructive
        self.resources = {r.collection: r for r in infer_resources(spec)}
        self.labels = {op.label for op in spec.operations}
        self._owned: set[tuple[str, str]] = set()
        self._created: dict[str, Created] = {}
        self._lock = threading.Lock()

    # -- the rule ----------------------------------------------------------------------------

    def refusal(self, method: str, url: str) -> str | None:
        """Why this request may not be sent (it could change a record the run did not create), or None."""
        method = method.upper()
        if self.allow_destructive or method not in STATE_CHANGING:
            return None
        path = path_under(self.base_url, urlsplit(url).path)
        route = self.matcher.route(path)
        if route is None:
            return (
                f"{method} {path}: no documented path matches, so whose record it is cannot be told"
            )
        label = f"{method} {route.template}"
        for name, value in route.parameters(path).items():
            if not self._may_touch(label, route.template, name, unquote(value)):
                return (
                    f"{label}: {name} {unquote(value)!r} was not created by this run nor listed in "
                    "[conform.data] (--allow-destructive sends it)"
                )
        return None

    def _may_touch(self, label: str, template: str, name: str, value: str) -> bool:
        listed = self.known.parameters(label).get(name, ())
        with self._lock:
            owned = (_key(template, name), value) in self._owned
        return owned or value in {str(v) for v in listed}

    # -- learning from answers ---------------------------------------------------------------

    def learn(
        self, method: str, url: str, status: int, headers: Mapping[str, str], body: bytes
    ) -> None:
        """Remember what a 2xx answer created; mark a created record deleted once the server says so."""
        method, path = method.upper(), path_under(self.base_url, urlsplit(url).path)
        if method == "DELETE" and (200 <= status < 300 or status in (404, 410)):
            self._mark_deleted(path)
        if not 200 <= status < 300 or not (status == 201 or method == "POST"):
            return
        created = _json(body)
        label = self._label(method, path)
        self._from_inference(label, path, created)
        self._from_location(label, url, headers.get("Location") or headers.get("location"))
        self._from_links(label, path, status, created)

    def _from_inference(self, label: str, path: str, body: Any) -> None:
        route = self.matcher.route(path)
        resource = self.resources.get(route.template) if route else None
        key = resource_id(body, resource) if resource else None
        if resource is None or key is None:
            return
        item = path.rstrip("/") + "/" + quote(key, safe="")
        self._own(resource.item, resource.id_param, key, Created(item, key, label, None))

    def _from_location(self, label: str, url: str, location: str | None) -> None:
        if not location:
            return
        path = path_under(self.base_url, urlsplit(urljoin(url, location)).path)
        route = self.matcher.route(path)
        parameters = list(route.parameters(path).items()) if route else []
        if route is None or not parameters:
            return
        name, value = parameters[-1]
        self._own(route.template, name, unquote(value), Created(path, unquote(value), label, None))

    def _from_links(self, label: str, path: str, status: int, body: Any) -> None:
        """OpenAPI links of the answer: `$response.body#/id` handed to another operation's parameter."""
        for target, name, pointer in self._links(label, status):
            value = _at(body, pointer)
            if value is not None:
                with self._lock:
                    self._owned.add((_key(target, name), value))

    def _links(self, label: str, status: int) -> Iterator[tuple[str, str, str]]:
        operation = self.spec.operation(label) if label in self.labels else None
        responses = (operation.node.get("responses") or {}) if operation else {}
        response, _ = self.spec.deref(
            responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or {}, ""
        )
        for link in ((response or {}).get("links") or {}).values():
            link, _ = self.spec.deref(link, "")
            target = self._link_target(link)
            for name, expression in ((link or {}).get("parameters") or {}).items():
                found = _BODY_EXPRESSION.fullmatch(str(expression))
                if target and found:
                    yield target, name.split(".")[-1], found["pointer"] or ""

    def _link_target(self, link: Any) -> str | None:
        if not isinstance(link, dict) or "operationId" not in link:
            return None
        try:
            return self.spec.operation(str(link["operationId"])).path
        except KeyError:
            return None

    def _own(self, template: str, name: str, value: str, created: Created) -> None:
        # `template` is the created item's: its DELETE, when documented, is what cleans it up
        created.delete = f"DELETE {template}" if f"DELETE {template}" in self.labels else None
        with self._lock:
            self._owned.add((_key(template, name), value))
            self._created.setdefault(created.path, created)

    def _mark_deleted(self, path: str) -> None:
        with self._lock:
            found = self._created.get(path)
            if found is not None:
                found.outcome = "deleted by the run"

    def _label(self, method: str, path: str) -> str:
        route = self.matcher.route(path)
        return f"{method} {route.template if route else path}"

    # -- what the run created ----------------------------------------------------------------

    def created(self) -> list[Created]:
        with self._lock:
            return list(self._created.values())

    def still_there(self) -> list[Created]:
        return [c for c in self.created() if c.outcome == "exists"]


def path_under(base_url: str, path: str) -> str:
    """A request path relative to the base URL's own path (`/api/pets/1` under `http://h/api`: `/pets/1`)."""
    prefix = urlsplit(base_url).path.rstrip("/")
    return (path[len(prefix) :] or "/") if prefix and path.startswith(prefix) else path


def _key(template: str, name: str) -> str:
    """The template up to the segment holding `{name}`, parameter names dropped: `/pets/{}`."""
    segments = template.split("/")
    upto = next((i for i, s in enumerate(segments) if "{" + name + "}" in s), len(segments) - 1)
    return _PARAMETER.sub("{}", "/".join(segments[: upto + 1]))


def _json(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _at(body: Any, pointer: str) -> str | None:
    try:
        value = resolve_pointer(body, pointer) if pointer else body
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
