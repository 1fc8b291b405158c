"""Headless Chromium through the proxy: browser code reads `X-Contract-Violations` across origins (CORS),
and both the proxy's `--record` and the browser's own HAR (Playwright's `recordHar`) verify with the
same finding.

The browser's HAR comes from Playwright for Python driving Debian's Chromium (`executable_path`; no
browser download): Chromium exports HAR only through the devtools protocol, which Playwright speaks.
Without Chromium the tests skip, and so does the Playwright one without `playwright`; in CI (`CI=true`) either
is a failure.
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response, request

from contract_cli import main
from tests.conformance.implementations import DEFAULT_CREDENTIAL, PATH, create_app
from tests.conformance.serving import serve
from tests.conformance.traffic.conftest import running_proxy
from tests.mock_server.test_browser import (
    CHROMIUM_FLAGS,
    chromium_or_skip,
    dump_dom,
    page_result,
    page_server,
)

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Create a token</title></head>
<body><output id="result">pending</output>
<script>
const show = (value) => { document.getElementById("result").textContent = JSON.stringify(value); };
fetch(PROXY_BASE + "/v1/accounts/api-tokens", {
  method: "POST",
  headers: {"Authorization": "Bearer CREDENTIAL", "Content-Type": "application/json"},
  body: JSON.stringify({account: {id: "acc_browser"}, modules: [{id: "mod_1"}], name: "From the browser"}),
})
  .then(async (response) => {
    const body = await response.json();  // read whole before the result shows: the HAR then has the body
    show({status: response.status, servedBy: response.headers.get("X-Served-By"), created: body.id,
          violations: JSON.parse(response.headers.get("X-Contract-Violations") || "[]")});
  })
  .catch((error) => show({error: String(error)}));
</script></body></html>
"""
FINDING = ("response_schema", "/audit/created/at")


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


def page_through(proxy_base: str) -> str:
    return PAGE.replace("PROXY_BASE", json.dumps(proxy_base)).replace(
        "CREDENTIAL", DEFAULT_CREDENTIAL
    )


def verify_json(capsys: Any, record: Path) -> tuple[int, dict[str, Any], str]:
    code = main(["verify", str(record), "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out), out


def test_browser_code_reads_the_violations_header(
    chromium: str, spec: Any, tmp_path: Path, capsys: Any
) -> None:
    record = tmp_path / "browser.har"
    with (
        serve(create_app(frozenset({"bad_format"}))) as upstream,
        running_proxy(spec, upstream, cors_origins=("*",), record=record) as (proxy_base, _),
        page_server(page_through(proxy_base)) as page_url,
    ):
        result = page_result(dump_dom(chromium, page_url, tmp_path / "profile"))
    assert result["status"] == 201 and result["servedBy"] == "upstream", result
    assert [(v["in"], v["check"], v["pointer"]) for v in result["violations"]] == [
        ("response", *FINDING)
    ]

    code, report, _ = verify_json(capsys, record)
    assert code == 1
    assert [(f["check"], f["instance_pointer"]) for f in report["findings"]] == [FINDING]
    assert DEFAULT_CREDENTIAL not in record.read_text()


def playwright_or_skip() -> Any:
    """Playwright's sync API; a skip without it, except in CI (`CI=true`), where it is a test dependency."""
    try:
        from playwright import sync_api
    except ImportError:
        reason = "Playwright for Python is not installed (pip install -e '.[test]')"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason}; CI=true, so the browser HAR test must run")
        pytest.skip(reason)
    return sync_api


def gzipping(app: Flask) -> Flask:
    """Compress JSON answers for clients that accept gzip, as staging servers behind a CDN do."""

    @app.after_request
    def compress(response: Response) -> Response:
        if response.mimetype == "application/json" and "gzip" in request.headers.get(
            "Accept-Encoding", ""
        ):
            response.set_data(gzip.compress(response.get_data()))
            response.headers["Content-Encoding"] = "gzip"
        return response

    return app


@pytest.fixture(scope="module")
def browser_har(
    chromium: str, spec: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    """Chromium's own HAR (Playwright's recordHar) of a page on one origin creating a token through the
    proxy on another, the upstream answering gzipped with a bad date-time; and what the page read."""
    sync_api = playwright_or_skip()
    har = tmp_path_factory.mktemp("playwright") / "chromium.har"
    with (
        serve(gzipping(create_app(frozenset({"bad_format"})))) as upstream,
        running_proxy(spec, upstream, cors_origins=("*",)) as (proxy_base, _),
        page_server(page_through(proxy_base)) as page_url,
        sync_api.sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
        try:
            context = browser.new_context(record_har_path=str(har))
            page = context.new_page()
            page.goto(page_url)
            page.wait_for_function(
                "document.getElementById('result').textContent !== 'pending'", timeout=30_000
            )
            result = json.loads(page.text_content("#result") or "null")
            context.close()  # writes the HAR
        finally:
            browser.close()
    return har, result


def test_chromium_har_through_the_proxy_verifies_with_the_same_finding(
    browser_har: tuple[Path, dict[str, Any]], capsys: Any
) -> None:
    har, result = browser_har
    assert result["status"] == 201 and [
        (v["check"], v["pointer"]) for v in result["violations"]
    ] == [FINDING]
    assert result["created"], result  # the page read the body
    document = json.loads(har.read_text())
    assert document["log"]["creator"]["name"] == "Playwright"
    api = next(e for e in document["log"]["entries"] if e["request"]["url"].endswith(PATH))
    names = [h["name"].lower() for h in api["response"]["headers"]]
    assert ("content-encoding", "gzip") in {
        (h["name"].lower(), h["value"]) for h in api["response"]["headers"]
    }
    # the upstream's headers, and ours
    assert names.count("date") == 1 and "x-contract-violations" in names
    # the user's own file: the browser wrote the credential
    assert DEFAULT_CREDENTIAL in har.read_text()

    code, report, out = verify_json(capsys, har)
    assert code == 1
    assert [(f["check"], f["instance_pointer"]) for f in report["findings"]] == [FINDING]
    # the page: skipped
    assert (report["entries"], report["checked"], report["skipped_static"]) == (2, 1, 1)
    assert report["coverage"] == {f"POST {PATH}": {"201": 1}}
    assert DEFAULT_CREDENTIAL not in out
    assert main(["verify", str(har)]) == 1
    text = capsys.readouterr().out
    assert "/audit/created/at" in text and DEFAULT_CREDENTIAL not in text


def devtools_variant(document: dict[str, Any]) -> dict[str, Any]:
    """The same traffic as Chrome's devtools export can write it: a CORS preflight entry of its own,
    the body base64-encoded, and still gzipped (a recorder that kept the bytes as they came)."""
    variant = copy.deepcopy(document)
    entries = variant["log"]["entries"]
    api = next(e for e in entries if e["request"]["url"].endswith(PATH))
    content = api["response"]["content"]
    content.update(
        text=base64.b64encode(gzip.compress(content["text"].encode())).decode(), encoding="base64"
    )
    preflight = copy.deepcopy(api)
    preflight["_resourceType"] = "preflight"
    preflight["request"].update(method="OPTIONS", headers=[], postData=None)
    preflight["response"].update(
        status=204, content={"size": 0, "mimeType": "x-unknown"}, headers=[]
    )
    entries.insert(entries.index(api), preflight)
    return variant


def test_devtools_style_entries_verify_alike(
    browser_har: tuple[Path, dict[str, Any]], tmp_path: Path, capsys: Any
) -> None:
    har, _ = browser_har
    variant = tmp_path / "devtools.har"
    variant.write_text(json.dumps(devtools_variant(json.loads(har.read_text()))))

    code, report, out = verify_json(capsys, variant)
    assert code == 1
    assert [(f["check"], f["instance_pointer"]) for f in report["findings"]] == [FINDING]
    # page and preflight
    assert (report["entries"], report["checked"], report["skipped_static"]) == (3, 1, 2)
    assert report["undocumented"] == 0
    assert DEFAULT_CREDENTIAL not in out
