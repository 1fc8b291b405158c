"""Form and multipart request bodies, and security requirements, held to the contract by `contract proxy`
(a real upstream on an ephemeral port) and by `contract verify` on NDJSON records.

The spec (specs/forms-and-security.yaml) has a urlencoded body with `encoding` (a non-exploded array,
a JSON field), a multipart body with a file part, and operations whose security is a choice of
requirements, an AND of two schemes, anonymous (`[]`) and optional (`{}`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask import Flask, Response, request

from contract_cli import main
from contract_core import load_spec
from contract_core.spec import Spec
from tests.conformance.serving import serve
from tests.conformance.traffic.conftest import running_proxy

SPEC = Path(__file__).parent / "specs" / "forms-and-security.yaml"
CANARY = "forms-canary-credential"
KEY = {"X-Api-Key": CANARY}
BEARER = {"Authorization": f"Bearer {CANARY}"}  # /uploads: the document's security
GOOD_ORDER = {
    "sku": "ABC-12",
    "quantity": "3",
    "price": "9.5",
    "express": "true",
    "tags": "red,blue",
    "meta": '{"source": "web"}',
}


@pytest.fixture(scope="module")
def forms_spec() -> Spec:
    return load_spec(SPEC)


def upstream_app() -> Flask:
    """Answers every documented path as documented, whatever it was sent: the client is the one judged."""
    app, serials = Flask("forms-upstream"), itertools.count(1)

    @app.route("/<path:path>", methods=["GET", "POST"])
    def answer(path: str) -> Response:
        status = 201 if path in ("orders", "uploads") else 200
        return Response(
            json.dumps({"id": f"{path}_{next(serials)}"}),
            status=status,
            mimetype="application/json",
        )

    return app


@pytest.fixture(scope="module")
def proxy(forms_spec: Spec) -> Iterator[str]:
    with serve(upstream_app()) as upstream, running_proxy(forms_spec, upstream) as (base_url, _):
        yield base_url


def found(response: httpx.Response) -> list[tuple[str, str | None]]:
    return [
        (v["check"], v["pointer"])
        for v in json.loads(response.headers.get("x-contract-violations", "[]"))
    ]


def test_a_conformant_form_body_gets_no_header(proxy: str) -> None:
    response = httpx.post(proxy + "/orders", data=GOOD_ORDER, headers=KEY, timeout=10)
    assert response.status_code == 201 and found(response) == []


def test_form_fields_are_typed_by_the_schema_and_every_error_located(proxy: str) -> None:
    sent = {
        "sku": "abc",
        "quantity": "0",
        "price": "cheap",
        "express": "maybe",
        "tags": "a,b,c",
        "meta": '{"other": 1}',
    }
    response = httpx.post(proxy + "/orders", data=sent, headers=KEY, timeout=10)
    assert response.status_code == 201  # reported, not refused: the proxy is not --strict
    assert sorted(found(response)) == [
        ("request_body", p) for p in ("/express", "/meta", "/price", "/quantity", "/sku", "/tags")
    ]


def test_a_missing_required_field_is_named_at_the_body(proxy: str) -> None:
    response = httpx.post(proxy + "/orders", data={"quantity": "1"}, headers=KEY, timeout=10)
    [violation] = json.loads(response.headers["x-contract-violations"])
    assert (violation["check"], violation["pointer"]) == ("request_body", "")
    assert "sku" in violation["message"]


def test_multipart_fields_are_checked_and_file_parts_must_be_present(proxy: str) -> None:
    good = httpx.post(
        proxy + "/uploads",
        data={"title": "Q3", "copies": "2"},
        files={"file": ("q3.pdf", b"%PDF-1.7 \x00\xff", "application/pdf")},
        headers=BEARER,
        timeout=10,
    )
    assert good.status_code == 201 and found(good) == []
    bad = httpx.post(
        proxy + "/uploads",
        data={"title": "A title far too long", "copies": "none"},
        files={"other": ("x.txt", b"x", "text/plain")},
        headers=BEARER,
        timeout=10,
    )
    assert sorted(found(bad)) == [
        ("request_body", ""),
        ("request_body", "/copies"),
        ("request_body", "/title"),
    ]
    assert "file" in next(
        v["message"] for v in json.loads(bad.headers["x-contract-violations"]) if v["pointer"] == ""
    )


def test_strict_refuses_a_bad_form_body(forms_spec: Spec) -> None:
    with (
        serve(upstream_app()) as upstream,
        running_proxy(forms_spec, upstream, strict=True) as (base_url, _),
    ):
        refused = httpx.post(
            base_url + "/orders", data={"sku": "ABC-1", "quantity": "-1"}, headers=KEY, timeout=10
        )
    assert (
        refused.status_code == 400 and refused.headers["content-type"] == "application/problem+json"
    )
    assert "/quantity" in refused.text


def signed_out_upstream() -> Flask:
    """Answers `POST /orders` without a credential with its documented 401, as a correct server does."""
    app = Flask("signed-out-upstream")

    @app.post("/orders")
    def orders() -> Response:
        if "X-Api-Key" in request.headers or "Authorization" in request.headers:
            return Response(json.dumps({"id": "orders_1"}), status=201, mimetype="application/json")
        return Response(status=401)

    return app


def test_strict_forwards_a_missing_credential_so_the_documented_401_comes_back(
    forms_spec: Spec,
) -> None:
    """A frontend testing its signed-out path needs the upstream's 401, not the proxy's 400: `--strict`
    reports the missing credential but forwards it, and a documented 401 is no broken answer (no 502)."""
    with (
        serve(signed_out_upstream()) as upstream,
        running_proxy(forms_spec, upstream, strict=True) as (base, _),
    ):
        signed_out = httpx.post(base + "/orders", data=GOOD_ORDER, timeout=10)
        bad_body = httpx.post(base + "/orders", data={**GOOD_ORDER, "quantity": "-1"}, timeout=10)
    assert signed_out.status_code == 401 and signed_out.headers["x-served-by"] == "upstream"
    assert found(signed_out) == [("request_security", None)]
    # still refused
    assert bad_body.status_code == 400 and bad_body.headers["x-served-by"] == "proxy"
    assert ("request_security", None) in found(bad_body) and ("request_body", "/quantity") in found(
        bad_body
    )


@pytest.mark.parametrize(
    ("path", "headers", "met"),
    [
        ("/orders", {"X-Api-Key": CANARY}, True),  # first requirement
        ("/orders", {"Authorization": f"Bearer {CANARY}"}, True),  # second requirement
        # a credential, of no documented scheme
        ("/orders", {"Authorization": f"Basic {CANARY}"}, False),
        ("/orders", {}, False),
        # both schemes of one requirement
        ("/reports?api_key=" + CANARY, {"Cookie": f"session={CANARY}"}, True),
        ("/reports?api_key=" + CANARY, {}, False),  # half of it
        ("/reports", {"Authorization": f"Basic {CANARY}"}, True),  # http basic
        # oauth2: a bearer token, scheme word any case
        ("/reports", {"Authorization": f"bearer {CANARY}"}, True),
        ("/status", {}, True),  # security: []
        ("/me", {}, True),  # {} among the requirements: anonymous allowed
        (
            "/uploads",
            {"Authorization": f"Bearer {CANARY}"},
            True,
        ),  # the document's security applies
        ("/uploads", {"X-Api-Key": CANARY}, False),  # ... and only it
    ],
)
def test_security_requirements(proxy: str, path: str, headers: dict[str, str], met: bool) -> None:
    method = "POST" if path in ("/orders", "/uploads") else "GET"
    body = (
        {"data": GOOD_ORDER}
        if path == "/orders"
        else {"data": {"title": "t"}, "files": {"file": b"x"}}
        if path == "/uploads"
        else {}
    )
    response = httpx.request(method, proxy + path, headers=headers, timeout=10, **body)
    assert (("request_security", None) in found(response)) is not met, response.headers.get(
        "x-contract-violations"
    )
    assert CANARY not in response.headers.get("x-contract-violations", "")


def test_a_security_violation_names_the_requirements_never_the_values(proxy: str) -> None:
    response = httpx.post(
        proxy + "/orders", data=GOOD_ORDER, headers={"Authorization": f"Basic {CANARY}"}, timeout=10
    )
    [violation] = json.loads(response.headers["x-contract-violations"])
    assert violation["in"] == "request" and violation["check"] == "request_security"
    assert (
        "apiKeyHeader (header X-Api-Key) | bearer (Authorization: bearer)" in violation["message"]
    )
    assert "Authorization: Basic" in violation["message"] and CANARY not in violation["message"]


def record(
    path: str,
    headers: dict[str, str],
    body: str | None,
    media: str | None = None,
    method: str = "POST",
) -> str:
    if media:
        headers = {**headers, "content-type": media}
    return json.dumps(
        {
            "request": {
                "method": method,
                "url": "https://shop.example.com" + path,
                "headers": headers,
                "body": body,
            },
            "response": {
                "status": 201 if method == "POST" else 200,
                "headers": {"content-type": "application/json"},
                # ids differ
                "body": {"id": f"o_{len(path)}_{len(body or '')}"},
            },
        }
    )


def test_verify_finds_the_same_on_ndjson(tmp_path: Path, capsys: Any) -> None:
    form = "application/x-www-form-urlencoded"
    boundary = "XyZ"
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nfar too long a title\r\n'
        f"--{boundary}--\r\n"
    )
    traffic = tmp_path / "traffic.ndjson"
    traffic.write_text(
        "\n".join(
            [
                record("/orders", KEY, "sku=ABC-1&quantity=2&tags=a,b", form),  # conformant
                record("/orders", KEY, "sku=ABC-1&quantity=two&tags=a,b,c", form),
                record(
                    "/orders", {"authorization": f"Token {CANARY}"}, "sku=ABC-1&quantity=2", form
                ),
                record(
                    "/uploads",
                    {"authorization": f"Bearer {CANARY}"},
                    multipart,
                    f"multipart/form-data; boundary={boundary}",
                ),
                # a redacted record: present
                record("/reports", {"authorization": "[REDACTED]"}, None, method="GET"),
                record("/reports?api_key=[REDACTED]", {"cookie": "[REDACTED]"}, None, method="GET"),
                "",
            ]
        )
    )
    assert main(["verify", str(traffic), "--spec", str(SPEC), "--format", "json"]) == 1
    out = capsys.readouterr().out
    report = json.loads(out)
    assert sorted(
        (f["operation"], f["check"], f["instance_pointer"]) for f in report["findings"]
    ) == [
        ("POST /orders", "request_body", "/quantity"),
        ("POST /orders", "request_body", "/tags"),
        ("POST /orders", "request_security", None),
        ("POST /uploads", "request_body", ""),
        ("POST /uploads", "request_body", "/title"),
    ]
    assert CANARY not in out
    assert main(["verify", str(traffic), "--spec", str(SPEC)]) == 1
    text = capsys.readouterr().out
    assert "request_security" in text and "Authorization: Token" in text and CANARY not in text


def test_a_proxy_record_of_conformant_calls_verifies_clean(
    forms_spec: Spec, tmp_path: Path, capsys: Any
) -> None:
    """The record redacts every credential; what it redacted still counts as sent."""
    record_file = tmp_path / "session.har"
    with (
        serve(upstream_app()) as upstream,
        running_proxy(forms_spec, upstream, record=record_file) as (base_url, _),
    ):
        answers = [
            httpx.get(
                f"{base_url}/reports?api_key={CANARY}",
                headers={"Cookie": f"session={CANARY}"},
                timeout=10,
            ),
            httpx.get(
                base_url + "/reports", headers={"Authorization": f"Basic {CANARY}"}, timeout=10
            ),
            httpx.post(base_url + "/orders", data=GOOD_ORDER, headers=KEY, timeout=10),
            httpx.post(
                base_url + "/uploads",
                data={"title": "t"},
                files={"file": b"x"},
                headers=BEARER,
                timeout=10,
            ),
        ]
    assert all(found(answer) == [] for answer in answers)
    assert CANARY not in record_file.read_text()
    assert main(["verify", str(record_file), "--spec", str(SPEC), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["checked"], report["findings"]) == (4, [])


def test_har_forms_given_as_params_and_cookies_given_apart(tmp_path: Path, capsys: Any) -> None:
    """Some exporters give a form only as `postData.params`, and cookies only in `request.cookies`."""

    def entry(method: str, path: str, request: dict[str, Any], status: int) -> dict[str, Any]:
        return {
            "startedDateTime": "2026-01-01T00:00:00Z",
            "time": 1,
            "_resourceType": "fetch",
            "request": {
                "method": method,
                "url": "https://shop.example.com" + path,
                "httpVersion": "HTTP/1.1",
                "headers": [],
                **request,
            },
            "response": {
                "status": status,
                "headers": [{"name": "Content-Type", "value": "application/json"}],
                "content": {"mimeType": "application/json", "text": json.dumps({"id": path})},
            },
        }

    form = {
        "mimeType": "application/x-www-form-urlencoded",
        "params": [{"name": "sku", "value": "ABC-1"}, {"name": "quantity", "value": "zero"}],
    }
    recorded = {
        "log": {
            "version": "1.2",
            "creator": {"name": "test", "version": "1"},
            "entries": [
                entry(
                    "POST",
                    "/orders",
                    {"postData": form, "headers": [{"name": "X-Api-Key", "value": CANARY}]},
                    201,
                ),
                entry(
                    "GET",
                    "/reports?api_key=k",
                    {"cookies": [{"name": "session", "value": CANARY}]},
                    200,
                ),
            ],
        }
    }
    har_file = tmp_path / "exported.har"
    har_file.write_text(json.dumps(recorded))
    assert main(["verify", str(har_file), "--spec", str(SPEC), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert [(f["check"], f["instance_pointer"]) for f in json.loads(out)["findings"]] == [
        ("request_body", "/quantity")
    ]
    assert CANARY not in out


NOTES_SPEC = """
openapi: 3.1.0
info: {title: notes, version: "1"}
paths:
  /notes:
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [title, stars]
              properties: {title: {type: string}, stars: {type: integer}}
      responses:
        "201":
          description: Created
          content:
            application/json:
              schema:
                type: object
                properties: {id: {type: string}, title: {type: string}, stars: {type: integer}}
"""


def notes_upstream(echo_title: bool) -> Flask:
    """Creates a note from a form; the broken one stores a title of its own."""
    app, serials = Flask("notes-upstream"), itertools.count(1)

    @app.post("/notes")
    def create_note() -> Response:
        title = request.form["title"] if echo_title else "Untitled"
        note = {"id": f"note_{next(serials)}", "title": title, "stars": int(request.form["stars"])}
        return Response(json.dumps(note), status=201, mimetype="application/json")

    return app


@pytest.mark.parametrize("echo_title", [True, False])
def test_a_form_create_is_held_to_what_it_sent(echo_title: bool) -> None:
    """The form is read once, with its schema's types (`stars=4` is the integer 4), and reflection holds
    the answer to it as it does for JSON."""
    from contract_core.spec import parse_spec

    spec = parse_spec(NOTES_SPEC)
    with (
        serve(notes_upstream(echo_title)) as upstream,
        running_proxy(spec, upstream) as (base_url, _),
    ):
        response = httpx.post(
            base_url + "/notes", data={"title": "Groceries", "stars": "4"}, timeout=10
        )
    assert response.status_code == 201
    assert found(response) == (
        [] if echo_title else [("created_resource_reflects_request", "/title")]
    )
