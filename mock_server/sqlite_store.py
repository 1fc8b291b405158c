"""The journal and the stateful mock's resources shared by worker processes: one SQLite file.

uvicorn's workers are separate processes; a journal or a resource kept in one of them would be
invisible to the others (a GET after a POST would 404 half of the time). stdlib `sqlite3` in WAL
mode lets every worker write while others read, with no server to run. The parent process makes the
file in a private temporary directory and removes it on exit. Journal entries are redacted before
they are written, so no credential reaches the disk.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import orjson

from mock_server.journal import JOURNAL_SIZE, JournalEntry, JournalView
from mock_server.state import MAX_RESOURCES

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, entry BLOB NOT NULL);  -- trimmed from below: no reuse
CREATE TABLE IF NOT EXISTS resources (collection TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,
                                      body BLOB NOT NULL, PRIMARY KEY (collection, key));
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS writers (writer TEXT PRIMARY KEY, pid INTEGER NOT NULL, flushed_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS flush_requests (id INTEGER PRIMARY KEY CHECK (id = 1), asked_at REAL NOT NULL);
"""
FLUSH_SECONDS = 0.01
WAIT_SECONDS = 10.0  # a loaded machine can delay a worker's flush by seconds
log = logging.getLogger("contract.mock")


class SharedDatabase:
    """One connection per process to the shared file (opened lazily: after the worker started)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def initialise(self) -> None:
        """Create the tables (the parent process, before the workers start)."""
        with self._lock:
            self._connect().executescript(_SCHEMA)

    def execute(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:  # autocommit: one transaction per statement
            return self._connect().execute(sql, parameters).fetchall()

    def execute_many(
        self, sql: str, rows: list[tuple[Any, ...]], then: list[tuple[str, tuple[Any, ...]]]
    ) -> None:
        """`sql` for every row, then the `then` statements, in one transaction."""
        with self._lock:
            connection = self._connect()
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.executemany(sql, rows)
                for statement, parameters in then:
                    connection.execute(statement, parameters)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(
                self.path, timeout=10, check_same_thread=False, isolation_level=None
            )
            connection.execute("PRAGMA journal_mode=WAL")
            # a mock's journal need not survive a power cut
            connection.execute("PRAGMA synchronous=OFF")
            self._connection = connection
        return self._connection


class SqliteJournal:
    """The journal in the shared file, written in batches by each worker's event loop.

    A synchronous insert per request (and its redaction) cost a third of a worker's throughput, so
    `record` only appends to a list, and a callback on the worker's event loop redacts and inserts
    every `FLUSH_SECONDS` (a thread of its own cost more: it competed with the loop for the GIL).
    Reading stays exact: the reader asks every writer for a flush and waits until
    each has flushed past the moment the read began (a request answered before it is in the file).
    """

    def __init__(self, database: SharedDatabase, size: int = JOURNAL_SIZE):
        self.database, self.size = database, size
        # not the pid: two mocks in one process may share a file (tests)
        self.writer = uuid.uuid4().hex
        self._pending: list[tuple[JournalEntry, JournalView]] = []
        self._lock = threading.Lock()
        self._ticking = False
        self._flushed_at = 0.0

    def record(self, exchange: JournalEntry, view: JournalView) -> None:
        with self._lock:
            self._pending.append((exchange, view))
        if not self._ticking:  # on the worker's loop, from its first request on
            self._ticking = True
            # Known to readers from now on: one that reads before this writer's first flush waits for it.
            self.database.execute(
                "INSERT INTO writers (writer, pid, flushed_at) VALUES (?, ?, 0) "
                "ON CONFLICT (writer) DO NOTHING",
                (self.writer, os.getpid()),
            )
            asyncio.get_running_loop().call_later(FLUSH_SECONDS, self._tick)

    def entries(self, view: JournalView) -> list[dict[str, Any]]:
        self._wait_for_writers()
        rows = self.database.execute(
            "SELECT entry FROM (SELECT seq, entry FROM journal ORDER BY seq DESC LIMIT ?) "
            "ORDER BY seq",
            (self.size,),
        )
        return [orjson.loads(entry) for (entry,) in rows]

    def clear(self) -> None:
        self._wait_for_writers()  # what was answered before the clear must not reappear after it
        self.database.execute("DELETE FROM journal")

    def _tick(self) -> None:
        try:
            self.flush()
        # a locked or vanished file: keep serving, say so once per batch
        except sqlite3.Error as exc:
            log.error("journal: could not write to %s: %s", self.database.path, exc)
        finally:
            asyncio.get_running_loop().call_later(FLUSH_SECONDS, self._tick)

    def flush(self, force: bool = False) -> None:
        """Write what was recorded; with nothing to write, only answer a reader's request to flush."""
        now = time.time()  # before taking the batch: everything recorded until now is in it
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch and not force and not self._asked_since(self._flushed_at):
            return
        rows = [
            (orjson.dumps(view.entry(exchange, view.redactor([exchange]))),)
            for exchange, view in batch
        ]
        self.database.execute_many(
            "INSERT INTO journal (entry) VALUES (?)",
            rows,
            [
                (
                    "DELETE FROM journal WHERE seq <= (SELECT MAX(seq) FROM journal) - ?",
                    (self.size,),
                ),
                (
                    "INSERT INTO writers (writer, pid, flushed_at) VALUES (?, ?, ?) ON CONFLICT (writer) "
                    "DO UPDATE SET flushed_at = excluded.flushed_at",
                    (self.writer, os.getpid(), now),
                ),
            ],
        )
        self._flushed_at = now

    def _asked_since(self, moment: float) -> bool:
        rows = self.database.execute("SELECT asked_at FROM flush_requests WHERE id = 1")
        return bool(rows) and rows[0][0] > moment

    def _wait_for_writers(self) -> None:
        started = time.time()
        self.flush(force=True)
        self.database.execute(
            "INSERT INTO flush_requests (id, asked_at) VALUES (1, ?) ON CONFLICT (id) "
            "DO UPDATE SET asked_at = MAX(asked_at, excluded.asked_at)",
            (started,),
        )
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            rows = self.database.execute("SELECT pid FROM writers WHERE flushed_at < ?", (started,))
            if not [pid for (pid,) in rows if _alive(pid)]:
                return
            time.sleep(FLUSH_SECONDS / 2)  # a poll interval, not a guess
        log.warning(
            "journal: a worker did not flush within %.0f s; its latest requests may be missing",
            WAIT_SECONDS,
        )


class SqliteState:
    """The stateful mock's resources in the shared file, oldest evicted past `limit`."""

    def __init__(self, database: SharedDatabase, limit: int = MAX_RESOURCES):
        self.database, self.limit = database, limit

    def put(self, collection: str, key: str, body: Any) -> None:
        seq = self._next_sequence()
        self.database.execute(
            "INSERT INTO resources (collection, key, seq, body) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (collection, key) DO UPDATE SET body = excluded.body",
            (collection, key, seq, orjson.dumps(body)),
        )
        self.database.execute("DELETE FROM resources WHERE seq <= ?", (seq - self.limit,))

    def get(self, collection: str, key: str) -> Any | None:
        rows = self.database.execute(
            "SELECT body FROM resources WHERE collection = ? AND key = ?", (collection, key)
        )
        return orjson.loads(rows[0][0]) if rows else None

    def delete(self, collection: str, key: str) -> bool:
        rows = self.database.execute(
            "DELETE FROM resources WHERE collection = ? AND key = ? RETURNING key",
            (collection, key),
        )
        return bool(rows)

    def items(self, collection: str) -> list[Any]:
        rows = self.database.execute(
            "SELECT body FROM resources WHERE collection = ? ORDER BY seq", (collection,)
        )
        return [orjson.loads(body) for (body,) in rows]

    def dump(self) -> list[dict[str, Any]]:
        rows = self.database.execute("SELECT collection, key, body FROM resources ORDER BY seq")
        return [{"collection": c, "id": k, "body": orjson.loads(b)} for c, k, b in rows]

    def next_count(self, name: str) -> int:
        rows = self.database.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) "
            "DO UPDATE SET value = value + 1 RETURNING value",
            (name,),
        )
        return int(rows[0][0])

    def clear(self) -> None:
        self.database.execute("DELETE FROM resources")
        self.database.execute("DELETE FROM counters")

    def drop(self, prefix: str) -> None:
        # substr, not LIKE: a session name may hold `%` or `_`
        self.database.execute(
            "DELETE FROM resources WHERE substr(collection, 1, ?) = ?", (len(prefix), prefix)
        )
        self.database.execute(
            "DELETE FROM counters WHERE substr(name, 1, ?) = ?", (len(prefix), prefix)
        )

    def _next_sequence(self) -> int:
        rows = self.database.execute(
            "INSERT INTO sequence (id, value) VALUES (1, 1) ON CONFLICT (id) "
            "DO UPDATE SET value = value + 1 RETURNING value"
        )
        return int(rows[0][0])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
