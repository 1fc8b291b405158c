"""The journal and the stateful mock's resources in Redis (`--store redis://HOST:PORT/DB`).

SQLite (`sqlite_store.py`) shares them between the workers of one machine; a mock run as a shared
service (replicas behind a load balancer) needs them shared across machines, so a real Redis holds
them. Every key lives under `contract-mock:` in the URL's database. What must be atomic across
processes is one Redis command or one Lua script (Redis runs a script alone): a counter is HINCRBY,
a put (insertion order, eviction past the limit) and a drop are scripts. Journal entries are
redacted before they are written, so no credential reaches Redis.

Redis lost mid-run raises `StoreUnavailable` (the mock answers 503 naming the store, without its
password); redis-py reconnects on the next command, so the mock recovers when Redis is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from contract_core.errors import ContractError
from mock_server.journal import JOURNAL_SIZE, JournalEntry, JournalView
from mock_server.state import MAX_RESOURCES, StoreUnavailable

NAMESPACE = "contract-mock:"
_JOURNAL = NAMESPACE + "journal"
_ASKS = NAMESPACE + "journal-asks"  # a reader's number: every writer flushes past it
_WRITERS = NAMESPACE + "journal-writer:"  # + writer id: the latest number it flushed for
# A RedisState's keys, under NAMESPACE + its area ("state:" for resources, "expectations:"):
#   resources    hash: [collection, key] -> body
#   order        sorted set: [collection, key] by insertion sequence (eviction, dump)
#   collection:C sorted set of C's keys by sequence (lists)
#   counters     hash: name -> count;  sequence: the insertion counter
# A stopped Redis refuses at once; an unreachable host must not hold a request for long.
CONNECT_SECONDS = 1.0
COMMAND_SECONDS = 2.0
FLUSH_SECONDS = 0.01
WAIT_SECONDS = 10.0  # a loaded machine can delay a mock's flush by seconds
# A writer's key outlives its last flush by this long: a replica that died is not waited for.
WRITER_SECONDS = 3
log = logging.getLogger("contract.mock")

# KEYS: resources, order, collection's set, sequence. ARGV: member, key, body, limit, prefix of sets.
# An update keeps its place in the list (as in MemoryState and SqliteState); past `limit` the
# oldest resources go, from the hash, the order and their collection's set alike.
_PUT = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  local seq = redis.call('INCR', KEYS[4])
  redis.call('ZADD', KEYS[2], seq, ARGV[1])
  redis.call('ZADD', KEYS[3], seq, ARGV[2])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, over - 1)) do
    local place = cjson.decode(member)
    redis.call('HDEL', KEYS[1], member)
    redis.call('ZREM', KEYS[2], member)
    redis.call('ZREM', ARGV[5] .. place[1], place[2])
  end
end
"""
# KEYS: resources, order, counters. ARGV: prefix, prefix of sets. Every resource whose collection
# and every counter whose name starts with the prefix.
_DROP = """
local n = #ARGV[1]
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local place = cjson.decode(member)
  if string.sub(place[1], 1, n) == ARGV[1] then
    redis.call('HDEL', KEYS[1], member)
    redis.call('ZREM', KEYS[2], member)
    redis.call('DEL', ARGV[2] .. place[1])
  end
end
for _, name in ipairs(redis.call('HKEYS', KEYS[3])) do
  if string.sub(name, 1, n) == ARGV[1] then redis.call('HDEL', KEYS[3], name) end
end
"""


@dataclass
class StoreURLError(ContractError):
    """`--store` names no store the mock can use."""

    url: str  # without its password
    detail: str

    def __str__(self) -> str:
        return f"--store {self.url}: {self.detail}"


def redacted_url(url: str) -> str:
    """`url` without its password (`redis://user:***@host:6379/0`): the form every message uses."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    # the netloc as written after the last `@` (a port that is no number stays as written)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


class RedisConnection:
    """One client per process (a pool inside redis-py); every Redis error becomes StoreUnavailable."""

    def __init__(self, url: str):
        self.url, self.shown = url, redacted_url(url)
        if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
            raise StoreURLError(self.shown, "use redis://HOST:PORT/DB (or rediss://, unix://)")
        try:
            self.client = redis.Redis.from_url(
                url,
                socket_connect_timeout=CONNECT_SECONDS,
                socket_timeout=COMMAND_SECONDS,
                # one retry: a pooled connection Redis dropped on a restart is replaced at once
                retry=Retry(NoBackoff(), 1),
            )
        except ValueError as exc:  # a port that is no number, an unknown option
            raise StoreURLError(self.shown, _scrubbed(str(exc), url)) from None
        self.put_script = self.client.register_script(_PUT)
        self.drop_script = self.client.register_script(_DROP)

    def check(self) -> None:
        """Raise StoreUnavailable unless Redis answers PING (the CLI's start-up check)."""
        self.call(self.client.ping)

    def call(self, command: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        # Any: redis-py types every command as `Awaitable[T] | T` (one signature for sync and async)
        with self.reachable():
            return command(*args, **kwargs)

    @contextmanager
    def reachable(self) -> Iterator[None]:
        try:
            yield
        except redis.RedisError as exc:
            raise StoreUnavailable(self.shown, _reason(exc, self.url)) from None


def _reason(exc: redis.RedisError, url: str) -> str:
    return _scrubbed(str(exc) or type(exc).__name__, url)


def _scrubbed(text: str, url: str) -> str:
    """redis-py's message, with any password of the URL it might repeat taken out."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return text
    return text.replace(password, "***") if password else text


class RedisJournal:
    """The journal as one Redis list, newest last, trimmed to `size`: every replica appends to it.

    A round trip per request cost more than the rest of the answer (bench/: ~120 µs against 4 µs
    per entry in a batch), so, as `SqliteJournal` does, `record` only appends to a list and a
    callback on the event loop redacts and pushes the batch every `FLUSH_SECONDS`. Reading stays
    exact without trusting clocks across machines: a reader takes a number (INCR `asks`), every
    writer that sees a number past the last it answered flushes and stores that number under its
    own key (with a TTL, so a replica that died stops being waited for), and the reader waits until
    each live writer has answered its number. While Redis is away, entries wait (up to `size`)
    and are written when it is back.
    """

    def __init__(self, connection: RedisConnection, size: int = JOURNAL_SIZE):
        self.connection, self.size = connection, size
        self.writer = _WRITERS + uuid.uuid4().hex  # not the pid: pids repeat across machines
        self._pending: list[tuple[JournalEntry, JournalView]] = []
        self._lock = threading.Lock()
        self._ticking = False
        self._answered = 0  # the latest reader's number this writer has flushed for
        self._refreshed = 0.0  # when this writer's key last had its TTL renewed
        self._lost_since: float | None = None  # Redis unreachable since (said once)

    def record(self, exchange: JournalEntry, view: JournalView) -> None:
        with self._lock:
            self._pending.append((exchange, view))
            del self._pending[: -self.size]  # Redis away for long: the newest `size` wait
        if not self._ticking:  # on the loop, from the first request on
            self._ticking = True
            asyncio.get_running_loop().call_later(FLUSH_SECONDS, self._tick)
            # Known to readers from now on: one that reads before this writer's first flush waits
            # for it. With Redis away there is no reader to wait; the entry waits in `_pending`.
            with contextlib.suppress(StoreUnavailable):
                self.connection.call(
                    self.connection.client.set, self.writer, -1, ex=WRITER_SECONDS, nx=True
                )

    def entries(self, view: JournalView) -> list[dict[str, Any]]:
        self._wait_for_writers()
        rows = self.connection.call(self.connection.client.lrange, _JOURNAL, -self.size, -1)
        return [orjson.loads(row) for row in rows]

    def clear(self) -> None:
        self._wait_for_writers()  # what was answered before the clear must not reappear after it
        self.connection.call(self.connection.client.delete, _JOURNAL)

    def _tick(self) -> None:
        try:
            self.flush()
            if self._lost_since is not None:
                log.warning(
                    "journal: %s is back; the waiting entries are written", self.connection.shown
                )
                self._lost_since = None
        except StoreUnavailable as lost:
            if self._lost_since is None:  # once per outage, not every tick
                log.error("journal: %s; entries wait until it is back", lost)
                self._lost_since = time.monotonic()
        finally:
            asyncio.get_running_loop().call_later(FLUSH_SECONDS, self._tick)

    def flush(self) -> None:
        """Push what was recorded; with nothing to push, only answer a reader's number."""
        client = self.connection.client
        asked = int(self.connection.call(client.get, _ASKS) or 0)
        with self._lock:  # after reading the number: everything recorded before it was asked is in
            batch, self._pending = self._pending, []
        due = time.monotonic() - self._refreshed > WRITER_SECONDS / 3
        if not batch and asked <= self._answered and not due:
            return
        pipeline = client.pipeline(transaction=False)
        if batch:
            pipeline.rpush(_JOURNAL, *(_redacted(exchange, view) for exchange, view in batch))
            pipeline.ltrim(_JOURNAL, -self.size, -1)
        pipeline.set(self.writer, asked, ex=WRITER_SECONDS)
        try:
            self.connection.call(pipeline.execute)
        except StoreUnavailable:
            with self._lock:  # not written: back in front of what came since
                self._pending[:0] = batch
                del self._pending[: -self.size]
            raise
        self._answered, self._refreshed = asked, time.monotonic()

    def _wait_for_writers(self) -> None:
        client = self.connection.client
        number = int(self.connection.call(client.incr, _ASKS))
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            with self.connection.reachable():
                writers = list(client.scan_iter(match=_WRITERS + "*", count=1000))
            answered = self.connection.call(client.mget, writers) if writers else []
            if all(value is None or int(value) >= number for value in answered):
                return
            time.sleep(FLUSH_SECONDS / 2)  # a poll interval, not a guess
        log.warning(
            "journal: a mock did not flush within %.0f s; its latest requests may be missing",
            WAIT_SECONDS,
        )


def _redacted(exchange: JournalEntry, view: JournalView) -> bytes:
    return orjson.dumps(view.entry(exchange, view.redactor([exchange])))


class RedisState:
    """The stateful mock's resources (and counters) in Redis, oldest evicted past `limit`."""

    def __init__(
        self, connection: RedisConnection, limit: int = MAX_RESOURCES, *, area: str = "state:"
    ):
        """`area`: the keys' own namespace; the expectations keep theirs apart from the resources,
        so that the resources' eviction and `clear` never reach them."""
        self.connection, self.limit = connection, limit
        self.client = connection.client
        state = NAMESPACE + area
        self._state, self._resources, self._order = state, state + "resources", state + "order"
        self._collection, self._counters = state + "collection:", state + "counters"
        self._sequence = state + "sequence"

    def put(self, collection: str, key: str, body: Any) -> None:
        keys = [self._resources, self._order, self._collection + collection, self._sequence]
        args = [_member(collection, key), key, orjson.dumps(body), self.limit, self._collection]
        self.connection.call(self.connection.put_script, keys=keys, args=args)

    def get(self, collection: str, key: str) -> Any | None:
        body = self.connection.call(self.client.hget, self._resources, _member(collection, key))
        return None if body is None else orjson.loads(body)

    def delete(self, collection: str, key: str) -> bool:
        member = _member(collection, key)
        pipeline = self.client.pipeline(transaction=True)  # MULTI: no reader sees half a delete
        pipeline.hdel(self._resources, member)
        pipeline.zrem(self._order, member)
        pipeline.zrem(self._collection + collection, key)
        removed, _, _ = self.connection.call(pipeline.execute)
        return bool(removed)

    def items(self, collection: str) -> list[Any]:
        keys = self.connection.call(self.client.zrange, self._collection + collection, 0, -1)
        members = [_member(collection, key.decode()) for key in keys]
        return [orjson.loads(body) for body in self._bodies(members) if body is not None]

    def dump(self) -> list[dict[str, Any]]:
        members = self.connection.call(self.client.zrange, self._order, 0, -1)
        places = [orjson.loads(member) for member in members]
        bodies = self._bodies(members)
        return [
            {"collection": c, "id": k, "body": orjson.loads(b)}
            for (c, k), b in zip(places, bodies, strict=True)
            if b is not None  # deleted between the two reads
        ]

    def next_count(self, name: str) -> int:
        return int(self.connection.call(self.client.hincrby, self._counters, name, 1))

    def drop(self, prefix: str) -> None:
        keys = [self._resources, self._order, self._counters]
        self.connection.call(
            self.connection.drop_script, keys=keys, args=[prefix, self._collection]
        )

    def clear(self) -> None:
        with self.connection.reachable():
            doomed = list(self.client.scan_iter(match=self._state + "*", count=1000))
            if doomed:
                self.client.unlink(*doomed)

    def _bodies(self, members: list[Any]) -> list[bytes | None]:
        if not members:
            return []
        return list(self.connection.call(self.client.hmget, self._resources, members))


def _member(collection: str, key: str) -> str:
    """A resource's name in the hash and the order: JSON, so the Lua scripts can take it apart."""
    return orjson.dumps([collection, key]).decode()
