"""Headless Chromium through the proxy: browser code reads `X-Contract-Violations` across origins (CORS),
and the proxy's record of the browser's traffic verifies with the same finding.

Chromium's own HAR export needs the devtools protocol (Playwright or a CDP client), which the kit does
not ship; the record here is the proxy's `--record` of what the browser sent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contract_cli import main
from tests.conformance.implementations import DEFAULT_CREDENTIAL, create_app
from tests.conformance.serving import serve
from tests.mock_server.test_browser import chromium_or_skip, dump_dom, page_result, page_server
from tests.traffic.conftest import running_proxy

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
  .then((response) => show({status: response.status, servedBy: response.headers.get("X-Served-By"),
                            violations: JSON.parse(response.headers.get("X-Contract-Violations") || "[]")}))
  .catch((error) => show({error: String(error)}));
</script></body></html>
"""


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


def test_browser_code_reads_the_violations_header(chromium: str, spec: Any, tmp_path: Path, capsys: Any) -> None:
    record = tmp_path / "browser.har"
    with serve(create_app(frozenset({"bad_format"}))) as upstream, \
            running_proxy(spec, upstream, cors_origins=("*",), record=record) as (proxy_base, _):
        page = PAGE.replace("PROXY_BASE", json.dumps(proxy_base)).replace("CREDENTIAL", DEFAULT_CREDENTIAL)
        with page_server(page) as page_url:
            result = page_result(dump_dom(chromium, page_url, tmp_path / "profile"))
    assert result["status"] == 201 and result["servedBy"] == "upstream", result
    assert [(v["in"], v["check"], v["pointer"]) for v in result["violations"]] == [
        ("response", "response_schema", "/audit/created/at")]

    assert main(["verify", str(record), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(f["check"], f["instance_pointer"]) for f in report["findings"]] == [
        ("response_schema", "/audit/created/at")]
    assert DEFAULT_CREDENTIAL not in record.read_text()
