"""Sessions: `X-Mock-Session: NAME` gives a test worker its own expectations and resources.

A session is a prefix on the names of store collections and counters (`session:NAME:`), so every
store (memory, SQLite, and any other behind the `StateStore` protocol) scopes them for free, and
`StateStore.drop(prefix)` forgets a whole session at once. The global scope has no prefix: its
resources live under their paths (`/pets`), its expectations under `~expectations`.
"""

from __future__ import annotations

from urllib.parse import quote

SESSION_HEADER = "x-mock-session"
_SESSION_BYTES = SESSION_HEADER.encode()


def session_prefix(name: str | None) -> str:
    """The store prefix of session `name` ("" for the global scope, no header or an empty one)."""
    # quoted: a name holding `:` or `/` must not reach into another session's names
    return f"session:{quote(name, safe='')}:" if name else ""


def session_of(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The request's session name, read off the raw ASGI headers."""
    for name, value in headers:
        if name.lower() == _SESSION_BYTES:
            return value.decode("latin-1").strip() or None
    return None
