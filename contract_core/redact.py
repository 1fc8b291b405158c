"""Keep secrets out of every output: credential headers, cookies, secret fields and their values.

Two layers, because either alone leaks: structured redaction knows *where* secrets live (header
names, JSON field names), and a literal pass scrubs every secret *value* the run has seen wherever
it turns up later (in a failure message quoting a body, in a curl command, in a schema error).

Pure (no HTTP client, no test engine): conformance's reports and the mock's request journal both
use it, so it lives in the core.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote_plus

import orjson

# The module, not the function: `is_secret_field` is imported from contract_core.secrets only, and a
# Redactor's method of that name adds the run's own secret fields to it.
from contract_core import secrets
from contract_core.secrets import SECRET_FIELD_MARKERS, SECRET_FIELDS, marked_secret
from contract_core.spec import Spec
from contract_core.walk import iter_all_schemas, iter_json_objects

REDACTED = "[REDACTED]"
EXCERPT = 600  # characters of a body that a report quotes

CREDENTIAL_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "apikey",
        "x-auth-token",
        "x-access-token",
        "x-csrf-token",
        "x-xsrf-token",
    }
)
_CREDENTIAL_MARKERS = (
    "auth",
    "token",
    "secret",
    "password",
    "passwd",
    "session",
    "cookie",
    "credential",
    "api-key",
    "apikey",
)

_MIN_LITERAL = 4  # shorter values would blank out ordinary words
_FEW_LITERALS = 8  # up to this many known values, plain replacements beat compiling a pattern
_NAMES_KEPT = 4096  # field names whose verdict a redactor remembers
_JSON_LIKE_PAIR = re.compile(r'("((?:[^"\\]|\\.)*)"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^\s,{}\[\]"]+)')


@functools.lru_cache(maxsize=4096)  # the same few header and field names, on every request
def is_credential_header(name: str) -> bool:
    lowered = name.lower()
    return lowered in CREDENTIAL_HEADERS or any(marker in lowered for marker in _CREDENTIAL_MARKERS)


def spec_query_credentials(spec: Spec) -> frozenset[str]:
    """Names (lower case) of the spec's `apiKey` schemes that travel in the query string."""
    schemes = (spec.document.get("components") or {}).get("securitySchemes") or {}
    names = set()
    for scheme in schemes.values():
        resolved, _ = spec.deref(scheme)
        if (
            isinstance(resolved, dict)
            and resolved.get("type") == "apiKey"
            and resolved.get("in") == "query"
        ):
            names.add(str(resolved.get("name", "")).lower())
    return frozenset(names)


def spec_secret_fields(spec: Spec) -> frozenset[str]:
    """Property names the spec marks secret (`format: password`, `x-secret: true`) plus the usual names."""
    found = set()
    for _, schema in iter_all_schemas(spec.document):
        for name, prop in (schema.get("properties") or {}).items():
            if marked_secret(prop) or secrets.is_secret_field(name):
                found.add(name)
    return frozenset(found)


@functools.lru_cache(maxsize=64)
def _secret_words(extra_fields: frozenset[str]) -> tuple[str, ...]:
    """Every secret field or credential name contains one of these (`is_secret_field`,
    `is_credential_header`): the shortest suffice (`token` covers `access_token`)."""
    words = {*SECRET_FIELDS, *SECRET_FIELD_MARKERS, *_CREDENTIAL_MARKERS, *extra_fields}
    return tuple(sorted(w for w in words if not any(other != w and other in w for other in words)))


class Redactor:
    """Remembers every secret value of a run and scrubs them from text, headers and JSON."""

    def __init__(
        self, secret_fields: Iterable[str] = (), query_credentials: Iterable[str] = ()
    ) -> None:
        self._extra_fields = frozenset(name.lower() for name in secret_fields)
        self._query_credentials = frozenset(name.lower() for name in query_credentials)
        self._literals: set[str] = set()
        self._scrubber: _Scrubber | None = None
        self._secret_names: dict[str, bool] = {}
        self._lock = threading.Lock()

    def is_secret_field(self, name: str) -> bool:
        known = self._secret_names.get(name)
        if known is None:  # asked for every key of every body: each name is worked out once
            known = secrets.is_secret_field(name) or name.lower() in self._extra_fields
            if len(self._secret_names) < _NAMES_KEPT:
                self._secret_names[name] = known
        return known

    def may_hold_secrets(self, text: str) -> bool:
        """A fast pre-check: False only when `text` names no secret field or credential, holds no known
        secret value and no escape that could hide one; then it needs no parsing to be redacted."""
        if self._may_name_secrets(text):
            return True
        scrubber = self._literal_scrubber()
        return scrubber is not None and scrubber.finds(text)

    def _may_name_secrets(self, text: str) -> bool:
        """Whether `text` names a secret field or credential, or holds an escape that could hide a name."""
        lowered = text.lower()
        return (
            "\\" in text
            or "%" in text
            or any(word in lowered for word in _secret_words(self._extra_fields))
        )

    def add_literal(self, value: str) -> None:
        value = value.strip()
        if len(value) < _MIN_LITERAL:
            return
        with self._lock:
            if value not in self._literals:
                self._literals.add(value)
                self._scrubber = None

    def add_headers(self, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        """Learn the credentials a run sends (`-H` options): the whole value and the part after the scheme."""
        for name, value in headers.items() if isinstance(headers, Mapping) else headers:
            if is_credential_header(name):
                self.add_literal(value)
                _, _, credentials = value.partition(" ")
                if credentials:
                    self.add_literal(credentials)
                if name.lower() in ("cookie", "set-cookie"):  # each cookie's value on its own
                    for pair in value.split(";"):
                        self.add_literal(pair.partition("=")[2])

    def is_query_credential(self, name: str) -> bool:
        """A query parameter that carries a credential: the spec's `apiKey` in query, or a credential-like name."""
        return (
            name.lower() in self._query_credentials
            or is_credential_header(name)
            or self.is_secret_field(name)
        )

    def learn_exchange(
        self,
        headers: Mapping[str, str] | Iterable[tuple[str, str]],
        query: str,
        bodies: Iterable[bytes | None],
    ) -> None:
        """Learn one exchange's secrets: credential headers, credential query values, secret fields of its
        bodies (the mock's journal, the proxy and `contract verify` all learn this way)."""
        self.add_headers(headers)
        for name, value in parse_qsl(query, keep_blank_values=True):
            if self.is_query_credential(name):
                self.add_literal(value)
        for body in bodies:
            # Only a body that names a secret field has a value to learn (one already known needs no
            # learning; looking for known values would compile a pattern over all of them per body).
            if body and self._may_name_secrets(body.decode("utf-8", "replace")):
                self.learn_from_body(body)

    def learn_from_json(self, document: Any) -> None:
        """Learn the values of secret fields anywhere in a response body."""
        for value in self._secret_values(document):
            self.add_literal(value if isinstance(value, str) else json.dumps(value))

    def learn_from_body(self, content: bytes | str | None) -> None:
        document = _parse_json(content)
        if document is not None:
            self.learn_from_json(document)

    def _secret_values(self, document: Any) -> Iterator[Any]:
        for _, node in iter_json_objects(document):
            for key, value in node.items():
                if isinstance(value, (str, int, float)) and self.is_secret_field(str(key)):
                    yield value

    def text(self, value: str) -> str:
        """`value` with every known secret literal replaced."""
        scrubber = self._literal_scrubber()
        return scrubber.scrub(value) if scrubber is not None else value

    def headers(self, headers: Mapping[str, Any]) -> dict[str, str]:
        return {
            name: REDACTED if is_credential_header(name) else self.text(_header_text(value))
            for name, value in headers.items()
        }

    def pairs(self, encoded: str, secret_names: Iterable[str] = ()) -> str:
        """A query string or form body with credential and secret fields' values replaced."""
        if not encoded:
            return encoded
        extra = {name.lower() for name in secret_names}
        kept = []
        for name, value in parse_qsl(encoded, keep_blank_values=True):
            secret = self.is_query_credential(name) or name.lower() in extra
            kept.append(
                f"{quote_plus(name)}={REDACTED if secret else quote_plus(self.text(value))}"
            )
        return "&".join(kept)

    def json(self, document: Any) -> Any:
        """A copy of `document` with secret fields replaced (then literals scrubbed from all strings)."""
        return self._scrubbed(document, self._literal_scrubber())  # looked up once per document

    def _scrubbed(self, document: Any, scrubber: _Scrubber | None) -> Any:
        if isinstance(document, dict):
            return {
                # null carries no secret, and keeping it keeps "the secret was null" visible in a record
                key: REDACTED
                if self.is_secret_field(str(key))
                and not isinstance(value, (dict, list, type(None)))
                else self._scrubbed(value, scrubber)
                for key, value in document.items()
            }
        if isinstance(document, list):
            return [self._scrubbed(item, scrubber) for item in document]
        if isinstance(document, str) and scrubber is not None and len(document) >= _MIN_LITERAL:
            return scrubber.scrub(document)
        return document

    def body(self, content: bytes | str | None) -> str | None:
        """A response or request body as redacted text (JSON bodies field by field)."""
        if content is None:
            return None
        document = _parse_json(content)
        if document is not None:
            return json.dumps(self.json(document), ensure_ascii=False)
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        return self.text(self._json_like_pairs(text))

    def excerpt(self, content: bytes | str | None, limit: int = EXCERPT) -> str | None:
        """The start of a redacted body, as reports quote it (redacted whole first: a cut could split a secret)."""
        text = self.body(content) if content else None
        return text if text is None or len(text) <= limit else text[:limit] + " …"

    def _json_like_pairs(self, text: str) -> str:
        """`"password": "x"` pairs of a body that is not valid JSON (a trailing comma, cut short)."""

        def scrub(match: re.Match[str]) -> str:
            return f'{match[1]}"{REDACTED}"' if self.is_secret_field(match[2]) else match[0]

        return _JSON_LIKE_PAIR.sub(scrub, text)

    def _literal_scrubber(self) -> _Scrubber | None:
        with self._lock:
            if self._scrubber is None and self._literals:
                self._scrubber = _Scrubber(self._literals)
            return self._scrubber


class _Scrubber:
    """Replaces every known secret value, longest first (a whole `Bearer x` before its part `x`).

    A proxy's redactor knows two or three values and lives for one exchange: compiling a regular
    expression for it cost more (~100 us) than the plain replacements; a run-wide redactor that has
    learnt many values scrubs with one compiled alternation instead.
    """

    def __init__(self, literals: Iterable[str]) -> None:
        self.literals = sorted(literals, key=len, reverse=True)
        many = len(self.literals) > _FEW_LITERALS
        self.pattern = re.compile("|".join(re.escape(v) for v in self.literals)) if many else None

    def finds(self, text: str) -> bool:
        if self.pattern is not None:
            return self.pattern.search(text) is not None
        return any(literal in text for literal in self.literals)

    def scrub(self, text: str) -> str:
        if self.pattern is not None:
            return self.pattern.sub(REDACTED, text)
        for literal in self.literals:
            if literal in text:
                text = text.replace(literal, REDACTED)
        return text


def _header_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _parse_json(content: bytes | str | None) -> Any:
    if not content:
        return None
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        pass
    try:  # what orjson refuses and json reads: integers past 64 bits, NaN
        return json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):  # too deep to walk: redacted as text
        return None
