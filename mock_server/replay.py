"""`contract mock --replay FILE.har`: recorded exchanges served again, with the contract as the guard.

Every entry of a HAR (`contract proxy --record`, a browser's devtools, Playwright's `recordHar`;
read by the one reader, `contract_core.har`) becomes an expectation, loaded through the same path as
a posted or filed one (`compile_expectation`, `ExpectationBook.post`):

- it matches the method, the path, the query (the recorded parameters, as a subset) and, for a JSON
  body, the body parsed and compared whole (`body_match: exact`: a recording answers the request
  that was recorded, not every request that shares a field);
- it answers the recorded status, headers and body, the body exactly as recorded (`partial: false`,
  so no fixture fields are merged in and nothing is reflected), held to the status's schema whole.

An entry whose answer breaks the spec (a path or method not documented, an undocumented status, a
body invalid for its schema) is `Skipped`, with its reason, and never served. The same request
recorded several times is one expectation with `responses` in the recorded order; the last answer
repeats (WireMock's scenarios replayed). A browser's entries that are no API call (documents,
scripts, images: HAR's `_resourceType`) are counted, not listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import orjson

from contract_core.har import parse_har, read_har
from contract_core.media import is_json
from contract_core.observed import Observed, lower_names
from contract_core.redact import is_credential_header
from mock_server.expectation_book import ExpectationBook, TooManyExpectations
from mock_server.expectations import InvalidExpectation, compile_expectation

# Browser entries that are API calls; any other `_resourceType` (document, script, image, font,
# preflight...) is a page's own loading. Records without the field (the proxy's) are all calls.
API_RESOURCE_TYPES = frozenset({"", "xhr", "fetch"})
# Not replayed: framing and hop-by-hop headers (RFC 9110 7.6.1), what the mock sets itself (its
# Content-Type, Date, CORS), Content-Encoding (a HAR holds the body decoded), and credentials
# (Set-Cookie, ...): a recorded session is never handed out again.
_DROPPED_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "content-type",
        "content-encoding",
        "date",
    }
)


@dataclass(frozen=True)
class Skipped:
    """A recorded exchange not served: `FILE: entry N: METHOD PATH -> STATUS: reason`."""

    file: str
    index: int  # as in the HAR's `/log/entries/N`
    method: str
    path: str
    status: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: entry {self.index}: {self.method} {self.path} -> {self.status}: {self.reason}"


@dataclass
class Replayed:
    """What one HAR file gave: the expectations loaded, the entries they serve, those skipped."""

    file: str
    expectations: int = 0
    served: int = 0
    ignored: int = 0  # browser entries that are no API call
    skipped: list[Skipped] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "expectations": self.expectations,
            "served": self.served,
            "ignored": self.ignored,
            "skipped": [str(one) for one in self.skipped],
        }


@dataclass
class _Recorded:
    index: int  # in the HAR's entries
    document: dict[str, Any]  # a one-answer expectation


def replay_into(book: ExpectationBook, path: str | Path, scope: str = "") -> Replayed:
    """Load every servable entry of the HAR at `path` into `book`; TrafficFileError for a file that
    is no HAR. Entries that break the spec are listed in the result, not loaded."""
    return replay_exchanges(book, str(path), read_har(Path(path)), scope)


def replay_posted(book: ExpectationBook, raw: bytes, name: str, scope: str = "") -> Replayed:
    """`POST /__mock/replay`: a HAR sent as the body (`name` labels its lines)."""
    return replay_exchanges(book, name, parse_har(raw, name), scope)


def replay_exchanges(
    book: ExpectationBook, name: str, exchanges: list[Observed], scope: str = ""
) -> Replayed:
    """Each exchange checked on its own (a spec breaker skipped), then posted by request."""
    found = Replayed(name)
    accepted: list[_Recorded] = []
    for index, observed in enumerate(exchanges):
        if observed.extra.get("resourceType", "") not in API_RESOURCE_TYPES:
            found.ignored += 1
        elif (recorded := _checked(book, found, index, observed)) is not None:
            accepted.append(recorded)
    groups = _grouped(accepted)
    _post_all(book, [_sequence(Path(name).name, group) for group in groups], scope)
    found.expectations, found.served = len(groups), len(accepted)
    return found


def _post_all(book: ExpectationBook, documents: list[dict[str, Any]], scope: str) -> None:
    """All or nothing, as a posted list is: half a recording misleads a test."""
    posted: list[str] = []
    try:
        for document in documents:
            posted.append(book.post(document, scope).id)
    except TooManyExpectations:
        for one in posted:
            book.remove(one, scope)
        raise


def _checked(
    book: ExpectationBook, found: Replayed, index: int, observed: Observed
) -> _Recorded | None:
    def skip(reason: str) -> None:
        found.skipped.append(
            Skipped(found.file, index, observed.method, observed.path, observed.status, reason)
        )

    try:
        document = expectation_document(observed)
    except ValueError as exc:
        skip(str(exc))
        return None
    try:
        compile_expectation(document, book.responder, f"entry {index}")
    except InvalidExpectation as exc:
        skip(_reason(exc))
        return None
    return _Recorded(index, document)


def _reason(exc: InvalidExpectation) -> str:
    """The first refusal, its pointer into the posted document dropped: the entry is the place."""
    first = exc.refusals[0]
    if first.schema_pointer is not None:
        return f"body `{first.body_pointer or '/'}`: {first.detail}, `{first.schema_pointer}`"
    return first.detail


def expectation_document(observed: Observed) -> dict[str, Any]:
    """One recorded exchange as an expectation document; ValueError naming what cannot be replayed."""
    if observed.status <= 0:
        raise ValueError("no answer was recorded")
    request: dict[str, Any] = {"method": observed.method, "path": observed.path}
    if observed.query:
        request["query"] = parse_qs(observed.query, keep_blank_values=True)
    sent = _json_body(observed.request_body, observed.request_header("content-type"), "request")
    if sent is not _NONE:
        request |= {"body": sent, "body_match": "exact"}
    answer: dict[str, Any] = {"status": observed.status, "partial": False}
    headers = replayed_headers(observed.response_headers)
    if headers:
        answer["headers"] = headers
    body = _json_body(observed.response_body, observed.response_header("content-type"), "answer")
    if body is not _NONE:
        answer["body"] = body
    return {"request": request, "response": answer}


_NONE: Any = object()  # no body (`null` is a JSON body)


def _json_body(raw: bytes | None, media_type: str | None, what: str) -> Any:
    """A JSON body parsed; _NONE for none; a non-JSON request body is not matched on (forms, text),
    a non-JSON answer cannot be replayed (the mock serves JSON bodies it can hold to a schema)."""
    if not raw:
        return _NONE
    if not is_json(media_type or "application/json"):
        if what == "request":
            return _NONE
        raise ValueError(f"a {media_type} answer: replay serves JSON bodies only")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ValueError(f"the {what} body is not JSON") from None


def replayed_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    """The recorded answer's headers a replay sends again (repeated ones joined, as HTTP allows)."""
    return {
        name: value
        for name, value in lower_names(headers).items()
        if name not in _DROPPED_HEADERS
        and not name.startswith(
            (":", "access-control-")
        )  # HTTP/2 pseudo-headers; CORS is the mock's
        and not is_credential_header(name)
    }


def _grouped(accepted: list[_Recorded]) -> list[list[_Recorded]]:
    """Entries of the same request (method, path, query, body), each group in recorded order; the
    groups by specificity, as they are posted: posted last is matched first, so the most specific
    recording (more query parameters, a body) wins over one that also matches."""
    groups: dict[bytes, list[_Recorded]] = {}
    for recorded in accepted:
        key = orjson.dumps(recorded.document["request"], option=orjson.OPT_SORT_KEYS)
        groups.setdefault(key, []).append(recorded)
    return sorted(groups.values(), key=_specificity)


def _specificity(group: list[_Recorded]) -> tuple[int, int]:
    request = group[0].document["request"]
    return len(request.get("query", {})), int("body" in request)


def _sequence(file_name: str, group: list[_Recorded]) -> dict[str, Any]:
    first = group[0].document
    answers = [recorded.document["response"] for recorded in group]
    named = f"{file_name}#{group[0].index}"
    if len(answers) == 1:
        return {**first, "id": named}
    return {"id": named, "request": first["request"], "responses": answers}
