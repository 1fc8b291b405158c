"""The expectations of every scope, kept in a `StateStore` and indexed per process for matching.

The store holds each expectation as posted (collection `<scope>~expectations`, key its id) and its
use count (counter `<scope>~uses:<id>:`, drawn with the store's atomic `next_count`), so worker
processes sharing a store share both: a `times: 1` expectation answers once across all workers.
Each process keeps the compiled expectations indexed by operation and concrete path, and within
that by one condition each names (`Bucket`), and reads the store's generation (bumped on every
change) once per request to notice another worker's changes. A request no expectation names costs
that lookup and a dictionary miss; one among 100 expectations that differ by a header, a query
parameter or a body field costs a few dictionary lookups, not 100 comparisons.

The store is one of its own, never the `--stateful` resources' store, so the resources' eviction
(`MAX_RESOURCES`) can never evict an expectation; `MAX_EXPECTATIONS` bounds it instead, by refusal.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import parse_qs

import orjson

from contract_core.errors import ContractError
from contract_core.redact import REDACTED, Redactor
from mock_server.expectations import (
    UNSET,
    Answer,
    Expectation,
    IndexKey,
    InvalidExpectation,
    compile_expectation,
    merge,
)
from mock_server.journal import note_expectation
from mock_server.responder import Reply, ReplyPlan, Responder, is_personal
from mock_server.state import StateStore

log = logging.getLogger("contract.mock")
MAX_EXPECTATIONS = 10_000  # per scope
_GENERATION = ("#expectations", "generation")  # outside every scope: no session drop reaches it


class TooManyExpectations(ContractError):
    def __str__(self) -> str:
        return (
            f"this scope holds {MAX_EXPECTATIONS} expectations already; "
            "delete some (DELETE /__mock/expectations) before posting more"
        )


def _collection(scope: str) -> str:
    return f"{scope}~expectations"


def _uses(scope: str, expectation_id: str) -> str:
    return f"{scope}~uses:{expectation_id}:"


class ExpectationBook:
    """Post, list, remove and match the expectations of one store, against one responder."""

    def __init__(self, responder: Responder, store: StateStore):
        self.responder, self.store = responder, store
        self._generation: Any = None
        # scope -> (operation id, path) -> its expectations; replaced whole, never edited
        self._index: dict[str, dict[tuple[str, str], Bucket]] = {}
        self._compiled: dict[tuple[str, str], Expectation] = {}

    # -- the admin endpoints -----------------------------------------------------------------

    def post(self, document: Any, scope: str = "", *, keep_unchanged: bool = False) -> Expectation:
        """Check `document` against the contract and keep it; InvalidExpectation otherwise.

        Posting an id again replaces it and starts its count afresh; with `keep_unchanged` (files,
        loaded by every worker and on every reload) an identical one keeps its count."""
        given = document.get("id") if isinstance(document, dict) else None
        expectation_id = (
            given if isinstance(given, str) and given else f"exp_{uuid.uuid4().hex[:12]}"
        )
        compiled = compile_expectation(document, self.responder, expectation_id)
        collection = _collection(scope)
        previous = self.store.get(collection, expectation_id)
        if keep_unchanged and previous == compiled.document:
            self._compiled[(scope, expectation_id)] = compiled
            return compiled
        if previous is None and len(self.store.items(collection)) >= MAX_EXPECTATIONS:
            raise TooManyExpectations()
        self.store.drop(_uses(scope, expectation_id))
        self.store.put(collection, expectation_id, compiled.document)
        self._compiled[(scope, expectation_id)] = compiled
        self._changed()
        return compiled

    def listed(self, scope: str = "") -> list[dict[str, Any]]:
        """The scope's expectations as posted, oldest first, with credentials and secret fields
        redacted (a listing is a report: the kit's one redactor applies)."""
        contract = self.responder.contract
        redactor = Redactor(contract.secret_fields, contract.query_credentials)
        return [redacted(redactor, one) for one in self.store.items(_collection(scope))]

    def remove(self, expectation_id: str, scope: str = "") -> bool:
        removed = self.store.delete(_collection(scope), expectation_id)
        self.store.drop(_uses(scope, expectation_id))
        self._changed()
        return removed

    def clear(self, scope: str = "") -> None:
        """Every expectation of the scope, with its counts (a session's resources stay)."""
        self.store.drop(f"{scope}~")
        self._changed()

    def forget(self, scope: str) -> None:
        """Everything this store keeps of a session."""
        self.store.drop(scope)
        self._changed()

    def _changed(self) -> None:
        self.store.put(*_GENERATION, self.store.next_count(_GENERATION[0]))

    # -- the request path --------------------------------------------------------------------

    def find(
        self, scope: str, plan: ReplyPlan, path: str, query: str, headers: dict[str, str], sent: Any
    ) -> tuple[Expectation, Answer] | None:
        """The first matching expectation that has an answer left: the session's, then the global ones."""
        self._refresh()
        place = (plan.operation.operation_id, path)
        for prefix in (scope, "") if scope else ("",):
            bucket = self._scope_index(prefix).get(place)
            if bucket is None:
                continue
            for expectation in bucket.candidates(query, headers, sent):
                if not expectation.matches(path, query, headers, sent):
                    continue
                answer = expectation.answer_for(
                    self.store.next_count(_uses(prefix, expectation.id))
                )
                if answer is not None:
                    return expectation, answer
        return None

    def reply(self, plan: ReplyPlan, expectation: Expectation, answer: Answer, sent: Any) -> Reply:
        """The answer on the wire: the pinned fields over the personalised fixture (reflection for
        the rest), or the body merged at post time when reflection would make it invalid."""
        note_expectation(expectation.id)
        if answer.fault is not None or answer.target is None:
            return Reply(0, None, b"", {}, answer.delay_ms, answer.fault)
        target, pinned = answer.target, answer.pinned
        if answer.whole:  # `partial: false` (a replayed answer): exactly as given
            body = answer.merged
        elif pinned is UNSET:
            body = self.responder.reply_for(plan, target, sent).body
        elif is_personal(plan, answer.status, sent):
            overlaid = self.responder.overlaid(plan, target, sent, lambda made: merge(made, pinned))
            body = answer.merged if overlaid is None else overlaid
        else:  # the fixture is the same for every request: merged once, when posted
            body = answer.merged
        media_type = target.media_type if target.schema_pointer is not None else None
        return Reply(answer.status, media_type, body, dict(answer.headers), answer.delay_ms)

    def _refresh(self) -> None:
        generation = self.store.get(*_GENERATION)
        if generation != self._generation:
            self._index, self._generation = {}, generation

    def _scope_index(self, scope: str) -> dict[tuple[str, str], Bucket]:
        index = self._index.get(scope)
        if index is None:
            index = self._index[scope] = self._built_index(scope)
        return index

    def _built_index(self, scope: str) -> dict[tuple[str, str], Bucket]:
        placed: dict[tuple[str, str], list[Expectation]] = {}
        for document in reversed(self.store.items(_collection(scope))):  # the newest first
            compiled = self._compiled_one(scope, document)
            if compiled is not None:
                placed.setdefault((compiled.operation_id, compiled.path), []).append(compiled)
        return {place: Bucket(found) for place, found in placed.items()}

    def _compiled_one(self, scope: str, document: dict[str, Any]) -> Expectation | None:
        """Compiled once per process (another worker's posts, or all of them after a spec reload)."""
        known = self._compiled.get((scope, document["id"]))
        if known is not None and known.document == document:
            return known
        try:
            compiled = compile_expectation(document, self.responder, document["id"])
        except InvalidExpectation as exc:  # the spec changed under it (--watch): skip, say why
            log.warning("expectation %s no longer fits the spec, skipped: %s", document["id"], exc)
            return None
        self._compiled[(scope, document["id"])] = compiled
        return compiled


def redacted(redactor: Redactor, document: dict[str, Any]) -> dict[str, Any]:
    request = dict(document.get("request") or {})
    if isinstance(request.get("headers"), dict):
        request["headers"] = redactor.headers(request["headers"])
    if isinstance(request.get("query"), dict):
        request["query"] = {
            name: REDACTED if redactor.is_query_credential(name) else value
            for name, value in request["query"].items()
        }
    return dict(redactor.json({**document, "request": request}))


class Bucket:
    """The expectations of one operation and path, in priority order, looked up by the one condition
    each names (`Expectation.index_key`); those naming none are candidates for every request."""

    def __init__(self, expectations: list[Expectation]):
        self.everywhere: list[tuple[int, Expectation]] = []
        self.keyed: dict[IndexKey, list[tuple[int, Expectation]]] = {}
        for position, expectation in enumerate(expectations):
            key = expectation.index_key()
            if key is None:
                self.everywhere.append((position, expectation))
            else:
                self.keyed.setdefault(key, []).append((position, expectation))
        self.conditions = sorted({(kind, name) for kind, name, _ in self.keyed})

    def candidates(self, query: str, headers: dict[str, str], sent: Any) -> list[Expectation]:
        if not self.keyed:
            return [expectation for _, expectation in self.everywhere]
        found = list(self.everywhere)
        for kind, name in self.conditions:
            for value in _request_values(kind, name, query, headers, sent):
                found.extend(self.keyed.get((kind, name, value), ()))
        found.sort(key=lambda placed: placed[0])
        return [expectation for _, expectation in found]


def _request_values(
    kind: str, name: str, query: str, headers: dict[str, str], sent: Any
) -> list[str]:
    if kind == "header":
        return [headers[name]] if name in headers else []
    if kind == "query":
        return parse_qs(query, keep_blank_values=True).get(name, [])
    for step in orjson.loads(name):  # the field's path (Expectation.index_key)
        if not isinstance(sent, dict) or step not in sent:
            return []
        sent = sent[step]
    return [] if isinstance(sent, dict | list) else [orjson.dumps(sent).decode()]
