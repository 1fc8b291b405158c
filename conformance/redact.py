"""Keep secrets out of every output: credential headers, cookies, secret fields and their values.

Two layers, because either alone leaks: structured redaction knows *where* secrets live (header
names, JSON field names), and a literal pass scrubs every secret *value* the run has seen wherever
it turns up later (in a failure message quoting a body, in a curl command, in a schema error).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from contract_core.walk import iter_objects

REDACTED = "[REDACTED]"

CREDENTIAL_HEADERS = frozenset({
    "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "apikey",
    "x-auth-token", "x-access-token", "x-csrf-token", "x-xsrf-token",
})
_CREDENTIAL_MARKERS = ("auth", "token", "secret", "password", "passwd", "session", "cookie", "credential", "api-key",
                       "apikey")

SECRET_FIELDS = frozenset({
    "token", "password", "secret", "apikey", "api_key", "accesstoken", "access_token", "refreshtoken",
    "refresh_token", "clientsecret", "client_secret", "idtoken", "id_token", "privatekey", "private_key",
})
_SECRET_FIELD_MARKERS = ("secret", "password", "passwd")
_MIN_LITERAL = 4  # shorter values would blank out ordinary words


def is_credential_header(name: str) -> bool:
    lowered = name.lower()
    return lowered in CREDENTIAL_HEADERS or any(marker in lowered for marker in _CREDENTIAL_MARKERS)


def is_secret_field(name: str) -> bool:
    lowered = name.lower()
    return lowered in SECRET_FIELDS or any(marker in lowered for marker in _SECRET_FIELD_MARKERS)


class Redactor:
    """Remembers every secret value of a run and scrubs them from text, headers and JSON."""

    def __init__(self, secret_fields: Iterable[str] = ()) -> None:
        self._extra_fields = {name.lower() for name in secret_fields}
        self._literals: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def is_secret_field(self, name: str) -> bool:
        return is_secret_field(name) or name.lower() in self._extra_fields

    def add_literal(self, value: str) -> None:
        value = value.strip()
        if len(value) < _MIN_LITERAL:
            return
        with self._lock:
            if value not in self._literals:
                self._literals.add(value)
                self._pattern = None

    def add_headers(self, headers: Mapping[str, str]) -> None:
        """Learn the credentials a run sends (`-H` options): the whole value and the part after the scheme."""
        for name, value in headers.items():
            if is_credential_header(name):
                self.add_literal(value)
                _, _, credentials = value.partition(" ")
                if credentials:
                    self.add_literal(credentials)

    def learn_from_json(self, document: Any) -> None:
        """Learn the values of secret fields anywhere in a response body."""
        for value in self._secret_values(document):
            self.add_literal(value if isinstance(value, str) else json.dumps(value))

    def learn_from_body(self, content: bytes | str | None) -> None:
        document = _parse_json(content)
        if document is not None:
            self.learn_from_json(document)

    def _secret_values(self, document: Any) -> Iterator[Any]:
        for _, node in iter_objects(document, ""):
            for key, value in node.items():
                if isinstance(value, (str, int, float)) and self.is_secret_field(str(key)):
                    yield value

    def text(self, value: str) -> str:
        """`value` with every known secret literal replaced."""
        pattern = self._literal_pattern()
        return pattern.sub(REDACTED, value) if pattern is not None else value

    def headers(self, headers: Mapping[str, Any]) -> dict[str, str]:
        return {
            name: REDACTED if is_credential_header(name) else self.text(_header_text(value))
            for name, value in headers.items()
        }

    def json(self, document: Any) -> Any:
        """A copy of `document` with secret fields replaced (then literals scrubbed from all strings)."""
        if isinstance(document, dict):
            return {
                # null carries no secret, and keeping it keeps "the secret was null" visible in a record
                key: REDACTED if self.is_secret_field(str(key)) and not isinstance(value, (dict, list, type(None)))
                else self.json(value)
                for key, value in document.items()
            }
        if isinstance(document, list):
            return [self.json(item) for item in document]
        if isinstance(document, str):
            return self.text(document)
        return document

    def body(self, content: bytes | str | None) -> str | None:
        """A response or request body as redacted text (JSON bodies field by field)."""
        if content is None:
            return None
        document = _parse_json(content)
        if document is not None:
            return json.dumps(self.json(document), ensure_ascii=False)
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        return self.text(text)

    def _literal_pattern(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._pattern is None and self._literals:
                # Longest first, so a whole `Bearer x` goes before its part `x`.
                alternatives = sorted(self._literals, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(v) for v in alternatives))
            return self._pattern


def _header_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _parse_json(content: bytes | str | None) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
