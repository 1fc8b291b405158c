"""The journal and the stateful mock's resources shared by worker processes: one SQLite file.

uvicorn's workers are separate processes; a journal or a resource kept in one of them would be
invisible to the others (a GET after a POST would 404 half of the time). stdlib `sqlite3` in WAL
mode lets every worker write while others read, with no server to run. The parent process makes the
file in a private temporary directory and removes it on exit. Journal entries are redacted before
they are written, so no credential reaches the disk.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import orjson

from mock_server.journal import JOURNAL_SIZE, Exchange, JournalView
from mock_server.state import MAX_RESOURCES

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS resources (collection TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,
                                      body BLOB NOT NULL, PRIMARY KEY (collection, key));
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
"""
_TRIM_EVERY = 64  # journal rows past the limit are deleted in batches, not on every insert


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
        with self._lock:
            connection = self._connect()
            with connection:  # one transaction per statement
                return connection.execute(sql, parameters).fetchall()

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(self.path, timeout=10, check_same_thread=False, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")  # a mock's journal need not survive a power cut
            self._connection = connection
        return self._connection


class SqliteJournal:
    """The journal in the shared file; each entry redacted as it is written."""

    def __init__(self, database: SharedDatabase, size: int = JOURNAL_SIZE):
        self.database, self.size = database, size
        self._writes = 0

    def record(self, exchange: Exchange, view: JournalView) -> None:
        entry = orjson.dumps(view.entry(exchange, view.redactor([exchange])))
        self.database.execute("INSERT INTO journal (entry) VALUES (?)", (entry,))
        self._writes += 1
        if self._writes % _TRIM_EVERY == 0:
            self.database.execute("DELETE FROM journal WHERE seq <= (SELECT MAX(seq) FROM journal) - ?", (self.size,))

    def entries(self, view: JournalView) -> list[dict[str, Any]]:
        rows = self.database.execute("SELECT entry FROM (SELECT seq, entry FROM journal ORDER BY seq DESC LIMIT ?) "
                                     "ORDER BY seq", (self.size,))
        return [orjson.loads(entry) for (entry,) in rows]

    def clear(self) -> None:
        self.database.execute("DELETE FROM journal")


class SqliteState:
    """The stateful mock's resources in the shared file, oldest evicted past `limit`."""

    def __init__(self, database: SharedDatabase, limit: int = MAX_RESOURCES):
        self.database, self.limit = database, limit

    def put(self, collection: str, key: str, body: Any) -> None:
        seq = self._next_sequence()
        self.database.execute("INSERT INTO resources (collection, key, seq, body) VALUES (?, ?, ?, ?) "
                              "ON CONFLICT (collection, key) DO UPDATE SET body = excluded.body",
                              (collection, key, seq, orjson.dumps(body)))
        self.database.execute("DELETE FROM resources WHERE seq <= ?", (seq - self.limit,))

    def get(self, collection: str, key: str) -> Any | None:
        rows = self.database.execute("SELECT body FROM resources WHERE collection = ? AND key = ?", (collection, key))
        return orjson.loads(rows[0][0]) if rows else None

    def delete(self, collection: str, key: str) -> bool:
        rows = self.database.execute("DELETE FROM resources WHERE collection = ? AND key = ? RETURNING key",
                                     (collection, key))
        return bool(rows)

    def items(self, collection: str) -> list[Any]:
        rows = self.database.execute("SELECT body FROM resources WHERE collection = ? ORDER BY seq", (collection,))
        return [orjson.loads(body) for (body,) in rows]

    def dump(self) -> list[dict[str, Any]]:
        rows = self.database.execute("SELECT collection, key, body FROM resources ORDER BY seq")
        return [{"collection": c, "id": k, "body": orjson.loads(b)} for c, k, b in rows]

    def next_count(self, name: str) -> int:
        rows = self.database.execute("INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) "
                                     "DO UPDATE SET value = value + 1 RETURNING value", (name,))
        return int(rows[0][0])

    def clear(self) -> None:
        self.database.execute("DELETE FROM resources")
        self.database.execute("DELETE FROM counters")

    def _next_sequence(self) -> int:
        rows = self.database.execute("INSERT INTO sequence (id, value) VALUES (1, 1) ON CONFLICT (id) "
                                     "DO UPDATE SET value = value + 1 RETURNING value")
        return int(rows[0][0])
