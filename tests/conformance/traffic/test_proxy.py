"""`contract proxy` against real upstreams on ephemeral ports: a correct one, broken ones, a dead one."""

from __future__ import annotations

import contextlib
import http.client
import json
import shutil
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from conformance.checker.exchange import CheckViolation
from conformance.traffic.violations import HEADER_LIMIT, header_value
from contract_core.redact import Redactor
from tests.conformance.implementations import PATH, create_app
from tests.conformance.serving import serve
from tests.conformance.traffic.conftest import AUTH, SENT, create, running_proxy

# fault -> (check, pointer) the proxy must name; every one of these is a 201 that breaks the contract
BROKEN: dict[str, tuple[str, str | None]] = {
    "wrong_status": ("status_code_documented", None),
    "wrong_types": ("response_schema", "/modules/0/isConfigurable"),
    "bad_format": ("response_schema", "/audit/created/at"),
    "deep_bad_format": ("response_schema", "/account/groups/0/users/0/email"),
    "bad_uuid": ("response_schema", "/account/externalIds/pyraTenantId"),
    "missing_required": ("response_schema", ""),
    "null_secret": ("response_schema", "/token"),
    "wrong_content_type": ("content_type_documented", None),
    "broken_json": ("response_schema", ""),
    "other_account": ("created_resource_reflects_request", "/account/id"),
    "reuses_tokens": ("unique_per_creation", "/token"),
}


def violations(response: httpx.Response) -> list[dict[str, Any]]:
    raw = response.headers.get("x-contract-violations")
    return json.loads(raw) if raw is not None else []


@pytest.fixture(scope="module")
def correct_upstream() -> Any:
    app = create_app()
    with serve(app) as base_url:
        yield base_url, app.config["stats"]


def test_correct_upstream_gets_no_header_and_its_answer_unchanged(
    spec: Any, correct_upstream: Any
) -> None:
    upstream, _ = correct_upstream
    with running_proxy(spec, upstream) as (base_url, proxy):
        created = [create(base_url) for _ in range(3)]
        direct = httpx.get(upstream + "/elsewhere", timeout=10)
        proxied = httpx.get(base_url + "/elsewhere", timeout=10)
    assert [r.status_code for r in created] == [201, 201, 201]
    assert all("x-contract-violations" not in r.headers for r in created)
    assert {r.headers["x-served-by"] for r in created} == {"upstream"}
    assert created[0].json()["account"]["id"] == "acc_requested"
    assert (proxied.status_code, proxied.content) == (direct.status_code, direct.content)
    assert proxied.headers["content-type"] == direct.headers["content-type"]
    # not in the contract
    assert [v["check"] for v in violations(proxied)] == ["operation_documented"]
    assert proxy.journal.total == 1


@pytest.mark.parametrize("fault", sorted(BROKEN))
def test_each_broken_upstream_is_named_with_its_pointer(spec: Any, fault: str) -> None:
    with (
        serve(create_app(frozenset({fault}))) as upstream,
        running_proxy(spec, upstream) as (base_url, proxy),
    ):
        answers = [create(base_url) for _ in range(2)]  # twice: the same token twice needs two
    check, at = BROKEN[fault]
    found = [(v["in"], v["check"], v["pointer"]) for r in answers for v in violations(r)]
    assert ("response", check, at) in found, found
    assert all(r.headers["x-served-by"] == "upstream" for r in answers)
    entry = proxy.journal.entries()[-1]
    assert entry["operation"] == f"POST {PATH}" and entry["violations"]


def test_request_violations_are_located_and_forwarded_unless_strict(spec: Any) -> None:
    bad = {"account": {"id": 42}, "modules": "none"}
    app = create_app()
    with serve(app) as upstream:
        with running_proxy(spec, upstream) as (base_url, _):
            forwarded = create(base_url, bad)
        with running_proxy(spec, upstream, strict=True) as (base_url, _):
            refused = create(base_url, bad)
            as_text = httpx.post(
                base_url + PATH, content=b"name=x", headers={**AUTH, "Content-Type": "text/plain"}
            )
    request_side = {
        (v["check"], v["pointer"]) for v in violations(forwarded) if v["in"] == "request"
    }
    assert {("request_body", "/account/id"), ("request_body", "/modules")} <= request_side
    # the upstream's own answer, documented: no response violation
    assert forwarded.status_code == 400
    assert (
        refused.status_code == 400 and refused.headers["content-type"] == "application/problem+json"
    )
    assert refused.headers["x-served-by"] == "proxy"
    assert {e["pointer"] for e in refused.json()["errors"]} >= {"/account/id", "/modules"}
    assert [v["check"] for v in violations(as_text)] == ["request_media_type"]
    assert app.config["stats"].requests == 1  # only the non-strict proxy forwarded the bad request


def test_strict_turns_a_broken_answer_into_502_naming_it(spec: Any) -> None:
    with (
        serve(create_app(frozenset({"bad_format"}))) as upstream,
        running_proxy(spec, upstream, strict=True) as (base_url, _),
    ):
        answer = create(base_url)
    assert answer.status_code == 502 and answer.headers["x-served-by"] == "proxy"
    [error] = answer.json()["errors"]
    assert (error["check"], error["pointer"]) == ("response_schema", "/audit/created/at")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_upstream_down_is_502_and_the_proxy_stays_up(spec: Any) -> None:
    upstream = f"http://127.0.0.1:{closed_port()}"
    with running_proxy(spec, upstream) as (base_url, _):
        answers = [create(base_url) for _ in range(2)]
        journal = httpx.get(base_url + "/__proxy/violations", timeout=10)
    for answer in answers:
        assert (
            answer.status_code == 502
            and answer.headers["content-type"] == "application/problem+json"
        )
        assert (
            answer.json()["type"].endswith("/upstream-unavailable")
            and upstream in answer.json()["detail"]
        )
    assert journal.status_code == 200


def test_one_clients_cookie_never_reaches_another(spec: Any) -> None:
    """The proxy keeps no cookie jar: an upstream's Set-Cookie goes back to the client that got it and
    is never sent upstream with anyone else's request (a jar would, for a named host, not for an IP)."""
    from flask import Flask, jsonify, request

    app = Flask("cookie-upstream")

    @app.get("/v1/whoami")
    def whoami() -> Any:
        answer = jsonify({"cookie": request.headers.get("Cookie")})
        answer.set_cookie("session", "client-a-session")
        return answer

    with (
        serve(app) as upstream,
        running_proxy(spec, upstream.replace("127.0.0.1", "localhost")) as (base_url, _),
    ):
        first = httpx.get(base_url + "/v1/whoami", timeout=10)
        # another client: no cookie of its own
        second = httpx.get(base_url + "/v1/whoami", timeout=10)
    assert "client-a-session" in first.headers["set-cookie"]  # passed back to the client it was for
    assert second.json() == {"cookie": None}


def test_the_request_target_reaches_the_upstream_byte_for_byte(spec: Any) -> None:
    """ASGI decodes the path; the proxy forwards the raw one, and no client re-quotes the query: an
    upstream that routes on `%2F` or signs the query sees what the client sent."""
    seen: list[str] = []

    def upstream(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(environ["RAW_URI"])
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b"{}"]

    target = "/v1/files/a%2Fb/c%7Ed?sig=a%2Bb&x=%zz&list=[1]&q=a+b"
    with (
        serve(upstream) as upstream_url,
        running_proxy(spec, upstream_url) as (base_url, _),
        socket.create_connection(
            ("127.0.0.1", int(base_url.rsplit(":", 1)[1])), timeout=10
        ) as sock,
    ):
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        answer = b"".join(iter(lambda: sock.recv(65536), b""))
    assert answer.startswith(b"HTTP/1.1 404") and seen == [target]


def test_upstream_too_slow_is_504(spec: Any) -> None:
    with (
        serve(create_app(slow_description=3.0)) as upstream,
        running_proxy(spec, upstream, timeout=0.3) as (base_url, _),
    ):
        answer = create(base_url, {**SENT, "description": "slow"})
        after = create(base_url)
    assert answer.status_code == 504 and answer.json()["type"].endswith("/upstream-timeout")
    assert after.status_code == 201


def test_fallback_mock_answers_when_the_upstream_cannot(spec: Any) -> None:
    """An upstream without the route (404 under /nowhere) and one that is down: the mock answers both."""
    with (
        serve(create_app()) as upstream,
        running_proxy(spec, f"{upstream}/nowhere", fallback_mock=True) as (base_url, _),
    ):
        via_404 = create(base_url)
    with running_proxy(spec, f"http://127.0.0.1:{closed_port()}", fallback_mock=True) as (
        base_url,
        _,
    ):
        via_down = create(base_url)
    for answer in (via_404, via_down):
        assert answer.status_code == 201 and answer.headers["x-served-by"] == "mock"
        assert answer.json()["account"]["id"] == "acc_requested"


def test_server_prefixes_on_both_sides(spec: Any, tmp_path: Any) -> None:
    """The spec says `/base`; the upstream serves under `/base` too; clients may or may not send it."""
    from contract_core import load_spec

    text = spec.text.replace(
        "  - url: http://127.0.0.1:4010\n", "  - url: https://api.example.com/base\n"
    )
    prefixed = tmp_path / "prefixed.yaml"
    prefixed.write_text(text)
    mounted = DispatcherMiddleware(create_app(), {"/base": create_app(frozenset({"bad_format"}))})
    with (
        serve(mounted) as upstream,
        running_proxy(load_spec(prefixed), f"{upstream}/base") as (base_url, _),
    ):
        with_prefix = httpx.post(f"{base_url}/base{PATH}", json=SENT, headers=AUTH, timeout=10)
        without = create(base_url)
    for answer in (with_prefix, without):
        assert answer.status_code == 201
        assert [(v["check"], v["pointer"]) for v in violations(answer)] == [
            ("response_schema", "/audit/created/at")
        ]


def test_cors_exposes_the_violations_header(spec: Any) -> None:
    origin = "http://app.example"
    app = create_app(frozenset({"bad_format"}))
    with (
        serve(app) as upstream,
        running_proxy(spec, upstream, cors_origins=(origin,)) as (base_url, _),
    ):
        preflight = httpx.options(
            base_url + PATH,
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
            timeout=10,
        )
        answer = create(base_url, headers={"Origin": origin})
    assert (
        preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == origin
    )
    assert app.config["stats"].requests == 1  # the preflight never reached the upstream
    exposed = answer.headers["access-control-expose-headers"].lower()
    assert "x-contract-violations" in exposed and "x-served-by" in exposed
    assert violations(answer)


def test_journal_is_bounded_and_can_be_emptied(spec: Any) -> None:
    with (
        serve(create_app(frozenset({"bad_format"}))) as upstream,
        running_proxy(spec, upstream, journal_size=2) as (base_url, _),
    ):
        for _ in range(3):
            create(base_url)
        full = httpx.get(base_url + "/__proxy/violations", timeout=10).json()
        emptied = httpx.delete(base_url + "/__proxy/violations", timeout=10)
        after = httpx.get(base_url + "/__proxy/violations?limit=5", timeout=10).json()
    assert (full["total"], full["kept"], len(full["entries"])) == (3, 2, 2)
    assert full["entries"][0]["violations"][0]["pointer"] == "/audit/created/at"
    assert emptied.status_code == 204 and after["entries"] == [] and after["total"] == 0


def test_the_header_is_capped_at_8_kb_with_a_count_of_the_rest() -> None:
    many = [
        CheckViolation(
            "response_schema", "Response violates schema", f"value {i} " * 10, "x", f"/items/{i}"
        )
        for i in range(500)
    ]
    value = header_value(many, Redactor())
    items = json.loads(value)
    assert len(value.encode()) <= HEADER_LIMIT
    assert items[-1]["check"] == "truncated"
    assert items[-1]["message"].startswith(f"{500 - (len(items) - 1)} more violation(s)")


def test_large_and_compressed_bodies(spec: Any, correct_upstream: Any) -> None:
    """A body over the hold limit streams through byte for byte; a gzip JSON body goes back gzipped
    and is checked decoded."""
    import gzip

    large = b"x" * 200_000

    def extra(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ["PATH_INFO"] == "/large":
            start_response("200 OK", [("Content-Type", "application/octet-stream")])
            return [large]
        broken = json.dumps({"id": 7}).encode()  # `id` must be a string, `token` is missing
        start_response(
            "201 Created", [("Content-Type", "application/json"), ("Content-Encoding", "gzip")]
        )
        return [gzip.compress(broken)]

    with (
        serve(DispatcherMiddleware(extra, {})) as upstream,
        running_proxy(spec, upstream, hold_limit=64 * 1024) as (base_url, _),
    ):
        streamed = httpx.get(base_url + "/large", timeout=10)
        with httpx.Client(timeout=10) as client:
            gzipped = client.post(
                base_url + PATH, json=SENT, headers={**AUTH, "Accept-Encoding": "gzip"}
            )
    assert streamed.content == large
    assert gzipped.headers["content-encoding"] == "gzip" and gzipped.json() == {"id": 7}
    assert {("response_schema", "/id"), ("response_schema", "")} <= {
        (v["check"], v["pointer"]) for v in violations(gzipped)
    }


def test_headers_a_connection_header_names_stay_on_their_hop() -> None:
    from conformance.traffic.forwarding import end_to_end

    sent = [
        ("Connection", "keep-alive, X-Hop-Secret"),
        ("X-Hop-Secret", "1"),
        ("Keep-Alive", "timeout=5"),
        ("Host", "proxy"),
        ("Authorization", "Bearer t"),
        ("Accept", "application/json"),
    ]
    assert end_to_end(sent) == [("Authorization", "Bearer t"), ("Accept", "application/json")]


def test_a_body_the_proxy_could_not_read_is_never_logged_as_checked(spec: Any, caplog: Any) -> None:
    """A brotli answer (no decoder ships with the kit) passes through unchanged; its log line says the
    body was not checked, so "ok" never stands for a body nobody read."""
    from flask import Flask, Response

    app = Flask("brotli-upstream")

    @app.post(PATH)
    def created() -> Response:
        return Response(
            b"\x8b\x02\x80{}\x03",
            status=201,
            headers={"Content-Encoding": "br"},
            mimetype="application/json",
        )

    with (
        serve(app) as upstream,
        running_proxy(spec, upstream) as (base_url, _),
        caplog.at_level("INFO", logger="contract.proxy"),
    ):
        # no decoding
        connection = http.client.HTTPConnection(base_url.removeprefix("http://"), timeout=10)
        connection.request(
            "POST",
            PATH,
            body=json.dumps(SENT),
            headers={**AUTH, "Content-Type": "application/json"},
        )
        answer = connection.getresponse()
        passed_back = (answer.status, answer.getheader("content-encoding"), answer.read())
        assert passed_back == (201, "br", b"\x8b\x02\x80{}\x03")  # unchanged
        connection.close()
    [line] = [r.getMessage() for r in caplog.records if PATH in r.getMessage()]
    assert "body not checked: Content-Encoding br has no decoder here" in line


@contextlib.contextmanager
def self_signed_upstream(tmp_path: Any) -> Iterator[str]:
    """An HTTPS upstream with a self-signed certificate (openssl), as a staging server with its own CA."""
    import ssl
    import subprocess
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b"{}"]

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def test_insecure_reaches_a_staging_server_with_its_own_certificate(
    spec: Any, tmp_path: Any
) -> None:
    with self_signed_upstream(tmp_path) as upstream:
        with running_proxy(spec, upstream) as (base_url, _):
            refused = httpx.get(base_url + "/v1/nothing", timeout=10)
        with running_proxy(spec, upstream, insecure=True) as (base_url, _):
            reached = httpx.get(base_url + "/v1/nothing", timeout=10)
    # says why, and the fix
    assert refused.status_code == 502 and "Certificate" in refused.json()["detail"]
    assert "pass --insecure" in refused.json()["detail"]
    assert reached.status_code == 404 and reached.headers["x-served-by"] == "upstream"
