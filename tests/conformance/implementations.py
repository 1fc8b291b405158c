"""Implementations of the Create Token contract for the conformance tests: one correct, many broken.

`create_app(faults)` builds a small Flask app answering like the contract says; each name in
`faults` breaks it in one deliberate way (see `FAULTS`). The app counts what it receives in
`app.config["stats"]`, so tests can check budgets, rate limits and redaction at the server.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, request

from contract_core import load_spec
from contract_core.validation import SchemaValidator

PATH = "/v1/accounts/api-tokens"
MAX_BODY = 64 * 1024
_REQUEST_SCHEMA = "#/components/schemas/CreateApiTokenRequest"

FAULTS: dict[str, str] = {
    "wrong_status": "answers 200 instead of the documented 201",
    "wrong_types": "modules[].isConfigurable is the string 'yes'",
    "bad_format": "audit.created.at is not a date-time",
    "deep_bad_format": "an email five levels deep is not an email",
    "missing_required": "the created token has no `token` field",
    "broken_json": "the 201 body is cut off mid-document",
    "wrong_content_type": "the 201 body is sent as text/plain",
    "server_error_on_edge": "500 when the name is empty or exactly at its maxLength",
    "accepts_invalid": "accepts any body, valid or not",
    "ignores_auth": "creates tokens without credentials",
    "not_reflecting": "ignores the requested name",
    "reuses_tokens": "mints the same secret every time",
    "omitted_present": "lists `audit` in $meta.omitted and still sends it",
    "wrong_allow": "405 with an Allow header naming GET",
    "other_account": "creates the token for another account than the one asked for",
    "null_secret": "the created token's secret `token` is null",
    "bad_uuid": "account.externalIds.pyraTenantId is not a uuid",
}


@dataclass
class Stats:
    """What the server saw: one timestamp per request, and every secret it minted."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    times: list[float] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    bodies: list[tuple[int, Any]] = field(
        default_factory=list
    )  # (status, JSON request body) per POST

    @property
    def requests(self) -> int:
        return len(self.times)


_VALIDATOR: SchemaValidator | None = None


def _validator() -> SchemaValidator:
    global _VALIDATOR  # built once per test session; compiling is the slow part
    if _VALIDATOR is None:
        _VALIDATOR = SchemaValidator(load_spec(), "request")
    return _VALIDATOR


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    body = {
        "type": f"https://example.org/contract-kit/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


DEFAULT_CREDENTIAL = "conformance-test-credential"
TENANT_UUID = "123e4567-e89b-12d3-a456-426614174000"


def create_app(
    faults: frozenset[str] = frozenset(),
    credential: str = DEFAULT_CREDENTIAL,
    echo_credentials: bool = False,
    slow_description: float = 0.0,
    rejects_invalid_with: int = 400,
    accounts: Collection[str] | None = None,
    modules: Collection[str] | None = None,
) -> Flask:
    """The Create Token service; only `Bearer <credential>` may create tokens.

    `accounts` and `modules` make it staging-like: it holds only those ids, and answers a valid
    request naming any other with 400 "Account not found" / "Module not found" (problem+json, a
    documented status), as a real server with its own data does.

    `echo_credentials` makes it careless rather than wrong: it quotes the caller's credential in a
    response field and a cookie, so redaction tests see secrets where nothing marks them secret.
    `rejects_invalid_with` is the status of a body that is not JSON or not valid (413, documented, is
    a refusal too).
    """
    unknown = faults - FAULTS.keys()
    if unknown:
        raise ValueError(f"unknown faults: {sorted(unknown)}")
    app = Flask("contract-impl")
    stats = Stats()
    app.config["stats"] = stats
    counter = itertools.count(1)

    @app.before_request
    def count() -> None:
        with stats.lock:
            stats.times.append(time.monotonic())
            stats.authorizations.append(request.headers.get("Authorization", ""))

    @app.after_request
    def keep_body(response: Response) -> Response:
        if request.method == "POST":
            try:
                body = json.loads(request.get_data())
            except ValueError:
                return response
            with stats.lock:
                stats.bodies.append((response.status_code, body))
        return response

    @app.route(PATH, methods=["GET", "PUT", "PATCH", "DELETE", "POST", "OPTIONS", "TRACE"])
    def tokens() -> Response:
        if request.method != "POST":
            allow = "GET" if "wrong_allow" in faults else "POST"
            response = problem(
                405, "Method not allowed", f"{request.method} is not allowed here; use POST."
            )
            response.headers["Allow"] = allow
            return response
        if slow_description and b"description" in request.get_data():
            time.sleep(slow_description)  # a slow implementation, for the --timeout test
        response = _unknown_ids(accounts, modules, credential) or _create(
            faults, stats, next(counter), credential, rejects_invalid_with
        )
        if echo_credentials:
            response.set_cookie("session", credential)
            if response.mimetype == "application/json" and response.status_code == 201:
                body = json.loads(response.get_data())
                body["href"] = (
                    f"{PATH}/{body.get('id')}?seen={request.headers.get('Authorization', '')}"
                )
                response.set_data(json.dumps(body))
        return response

    @app.errorhandler(404)
    def not_found(_: Exception) -> Response:
        return problem(404, "Not found", f"No resource at {request.path}.")

    return app


def _unknown_ids(
    accounts: Collection[str] | None, modules: Collection[str] | None, credential: str
) -> Response | None:
    """400 for a valid, authorised request naming an account or module the server does not hold."""
    if accounts is None and modules is None:
        return None
    try:
        body = json.loads(request.get_data())
    except ValueError:
        return None
    if (
        request.headers.get("Authorization") != f"Bearer {credential}"
        or not isinstance(body, dict)
        or _validator().violations(body, _REQUEST_SCHEMA)
    ):
        return None  # refused as the contract says, by `_create`
    account = body["account"]["id"]
    if accounts is not None and account not in accounts:
        return problem(400, "Account not found", f"No account {account!r}.")
    unknown = [m["id"] for m in body["modules"] if modules is not None and m["id"] not in modules]
    if unknown:
        return problem(400, "Module not found", f"No module {unknown[0]!r}.")
    return None


def _create(
    faults: frozenset[str], stats: Stats, serial: int, credential: str, rejects_with: int
) -> Response:
    authorization = request.headers.get("Authorization", "")
    if "ignores_auth" not in faults and authorization != f"Bearer {credential}":
        response = problem(
            401, "Unauthorized", "This operation needs a bearer token in the Authorization header."
        )
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    if request.content_length is not None and request.content_length > MAX_BODY:
        return problem(413, "Payload too large", f"The limit is {MAX_BODY} bytes.")
    if request.mimetype != "application/json" and "accepts_invalid" not in faults:
        return problem(
            415,
            "Unsupported media type",
            f"Content-Type {request.mimetype or 'none'} is not supported.",
        )
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY:
        return problem(413, "Payload too large", f"The limit is {MAX_BODY} bytes.")
    try:
        body = json.loads(raw)
    except ValueError:
        if "accepts_invalid" in faults:
            body = {}
        else:
            return problem(rejects_with, "Invalid request", "The request body is not valid JSON.")
    violations = _validator().violations(body, _REQUEST_SCHEMA)
    if violations and "accepts_invalid" not in faults:
        errors = [{"pointer": v.instance_pointer, "detail": v.message} for v in violations]
        return problem(
            rejects_with,
            "Invalid request",
            f"The request body does not match the schema ({len(errors)} errors).",
            errors=errors,
        )
    if not isinstance(body, dict):
        body = {}
    if (
        "server_error_on_edge" in faults
        and isinstance(body.get("name"), str)
        and len(body["name"]) in (0, 200)
    ):
        return Response("Internal Server Error", status=500, mimetype="text/plain")
    token = (
        "pat_live_fixed0000000000000000000000"
        if "reuses_tokens" in faults
        else "pat_live_" + secrets.token_hex(16)
    )
    with stats.lock:
        stats.tokens.append(token)
    created = _api_token(body, faults, serial, token)
    if "broken_json" in faults:
        return Response(json.dumps(created)[:40], status=201, mimetype="application/json")
    mimetype = "text/plain" if "wrong_content_type" in faults else "application/json"
    status = 200 if "wrong_status" in faults else 201
    return Response(json.dumps(created), status=status, mimetype=mimetype)


def _api_token(
    body: dict[str, Any], faults: frozenset[str], serial: int, token: str
) -> dict[str, Any]:
    account = body.get("account") if isinstance(body.get("account"), dict) else {}
    account_id = (
        "acc_someone_else" if "other_account" in faults else str(account.get("id", "acc_unknown"))
    )
    modules = body.get("modules") if isinstance(body.get("modules"), list) else []
    now = "2025-02-21T18:02:41.058Z"
    token_id = f"tok_{serial:08d}"
    created: dict[str, Any] = {
        "id": token_id,
        "token": token,
        "audit": {"created": {"at": "yesterday" if "bad_format" in faults else now}},
        "$meta": {"omitted": ["audit"] if "omitted_present" in faults else []},
        "href": f"{PATH}/{token_id}",
        "status": "Active",
        "lastAccessAt": None,
        "account": _account(account_id, faults),
        "modules": [_module(m, faults) for m in modules if isinstance(m, dict)],
    }
    for name in ("name", "description", "icon"):
        if name in body:
            created[name] = body[name]
    if "not_reflecting" in faults:
        created["name"] = "Unnamed token"
    if "missing_required" in faults:
        del created["token"]
    if "null_secret" in faults:
        created["token"] = None
    return created


def _module(reference: dict[str, Any], faults: frozenset[str]) -> dict[str, Any]:
    return {
        "id": str(reference.get("id")),
        "$meta": {"omitted": ["audit"]},
        "isConfigurable": "yes" if "wrong_types" in faults else True,
        "settings": {"type": ["Client"]},
    }


def _account(account_id: str, faults: frozenset[str]) -> dict[str, Any]:
    email = "not-an-email" if "deep_bad_format" in faults else "dana@example.com"
    user = {
        "id": "usr_1",
        "$meta": {"omitted": ["accounts", "currentAccount"]},
        "email": email,
        "lastLoginAt": None,
    }
    group = {
        "id": "grp_1",
        "$meta": {"omitted": ["account"]},
        "name": "Purchasing",
        "users": [user],
    }
    return {
        "id": account_id,
        "$meta": {"omitted": ["audit"]},
        "externalIds": {"pyraTenantId": "not-a-uuid" if "bad_uuid" in faults else TENANT_UUID},
        "technicalSupportEmail": "hello@example.com",
        "groups": [group],
    }
