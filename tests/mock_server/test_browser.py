"""A real browser against the mock: headless Chromium (Debian's `chromium`, installed by `.ci/run`).

`chromium --headless --dump-dom` prints the DOM once the page is idle; `--virtual-time-budget` makes it
wait for the page's scripts and their fetches first, so no WebDriver is needed. Without Chromium the
tests skip, except in CI (`CI=true`), where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import json
import logging
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_server.server import running_mock

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Debian's launcher adds this only when /dev/shm looks small, and its check is fragile; containers
    # often have a 64 MB /dev/shm, where Chromium crashes.
    "--disable-dev-shm-usage",
)
VIRTUAL_TIME_BUDGET_MS = 10_000  # virtual time: the dump comes as soon as the page is idle
BROWSER_TIMEOUT_S = 30

# A page on another origin that creates a token through the mock. The Authorization header and the
# JSON content type make the request non-simple, so the browser sends a CORS preflight first.
CREATE_TOKEN_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Create a token</title></head>
<body><output id="result">pending</output>
<script>
const show = (value) => { document.getElementById("result").textContent = JSON.stringify(value); };
fetch(MOCK_BASE + "/v1/accounts/api-tokens", {
  method: "POST",
  headers: {"Authorization": "Bearer browser-test", "Content-Type": "application/json"},
  body: JSON.stringify({account: {id: "acc_browser"}, modules: [{id: "mod_1"}], name: "From the browser"}),
})
  .then(async (response) => {
    const body = await response.json();
    show({status: response.status, accountId: body.account && body.account.id, name: body.name,
          moduleIds: (body.modules || []).map((m) => m.id), hasToken: typeof body.token === "string"});
  })
  .catch((error) => show({error: String(error)}));
</script></body></html>
"""


def chromium_or_skip() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    reason = (
        "headless Chromium not found (apt-get install chromium, or set CHROMIUM=/path/to/chromium)"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; CI=true, so the browser tests must run (.ci/run installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


@pytest.fixture(scope="module")
def mock_base(chromium: str) -> Iterator[str]:
    with running_mock() as base_url:
        yield base_url


def dump_dom(chromium: str, url: str, profile: Path) -> str:
    """The page's DOM after its scripts ran, from a fresh profile."""
    command = [
        chromium,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}",
        "--dump-dom",
        url,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT_S, check=False
    )
    assert done.returncode == 0 and done.stdout.strip(), (
        f"chromium exited {done.returncode} on {url}; stderr tail:\n{done.stderr[-2000:]}"
    )
    return done.stdout


@contextlib.contextmanager
def page_server(page: str) -> Iterator[str]:
    """Serves `page` at / from its own ephemeral port (another origin than the mock); yields its URL.
    The socket listens once the constructor returns, so there is nothing to wait for."""
    body = page.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status = 200 if self.path == "/" else 404
            payload = body if status == 200 else b""
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # keep pytest's output clean
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="browser-test-page", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def mock_access_log() -> Iterator[list[str]]:
    """The mock's access log lines ("METHOD path status ms"), captured on its own logger so that it
    works whether or not the logger propagates (the CLI turns propagation off)."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger = logging.getLogger("contract.mock")
    handler, previous = Collect(logging.INFO), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def page_result(dom: str) -> object:
    found = re.search(r'<output id="result">(.*?)</output>', dom, re.DOTALL)
    assert found, f"no result element in the page:\n{dom[:2000]}"
    text = html.unescape(found.group(1))
    assert text != "pending", "the page's fetch never settled"
    return json.loads(text)


def test_page_on_another_origin_creates_a_token_through_cors(
    chromium: str, mock_base: str, tmp_path: Path
) -> None:
    page = CREATE_TOKEN_PAGE.replace("MOCK_BASE", json.dumps(mock_base))
    with mock_access_log() as access_log, page_server(page) as page_url:
        # another origin: another port
        assert page_url.rsplit(":", 1)[1] != mock_base.rsplit(":", 1)[1]
        dom = dump_dom(chromium, page_url, tmp_path / "profile")

    assert page_result(dom) == {
        "status": 201,
        "accountId": "acc_browser",
        "name": "From the browser",
        "moduleIds": ["mod_1"],
        "hasToken": True,
    }
    requests = [line.rsplit(" ", 1)[0] for line in access_log]  # without the milliseconds
    assert requests == ["OPTIONS /v1/accounts/api-tokens 200", "POST /v1/accounts/api-tokens 201"]


def test_swagger_ui_renders_the_operation(chromium: str, mock_base: str, tmp_path: Path) -> None:
    dom = dump_dom(chromium, f"{mock_base}/ui/", tmp_path / "profile")

    # Swagger UI builds these from /openapi.json in the browser; the served HTML has none of them.
    assert re.search(r'id="operations-[^"]*-createApiToken"', dom), (
        f"operation not rendered:\n{dom[:3000]}"
    )
    assert 'data-path="/v1/accounts/api-tokens"' in dom
    assert "Create Token" in dom
    assert "Failed to load API definition" not in dom


# A page on another origin running the mock's own Swagger UI bundle on the mock's /openapi.json,
# as a user's "Try it out" would: bearer auth entered, a body typed, Execute. The interceptors
# report where Swagger UI sent the request and what came back.
SWAGGER_TRY_IT_OUT_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Try it out</title></head>
<body><div id="ui"></div><output id="result">pending</output>
<script src="MOCK_BASE_RAW/ui/swagger-ui-bundle.js"></script>
<script>
const show = (value) => { document.getElementById("result").textContent = JSON.stringify(value); };
const path = "/v1/accounts/api-tokens";
const sent = [];
const ui = SwaggerUIBundle({
  url: MOCK_BASE + "/openapi.json",
  dom_id: "#ui",
  requestInterceptor: (request) => { sent.push((request.method || "GET") + " " + request.url); return request; },
  responseInterceptor: (response) => {
    show({requested: sent, answered: response.url, status: response.status,
          accountId: response.body && response.body.account && response.body.account.id});
    return response;
  },
  onComplete: () => {
    try {
      ui.authActions.authorize({bearerAuth: {name: "bearerAuth", value: "swagger-ui",
                                             schema: {type: "http", scheme: "bearer"}}});
      ui.oas3Actions.setRequestContentType({value: "application/json", pathMethod: [path, "post"]});
      ui.oas3Actions.setRequestBodyValue({pathMethod: [path, "post"],
        value: JSON.stringify({account: {id: "acc_swagger"}, modules: [{id: "mod_1"}]})});
      ui.specActions.execute({path, method: "post",
                              operation: ui.specSelectors.specJson().getIn(["paths", path, "post"])});
    } catch (error) { show({error: String(error)}); }
  },
});
</script></body></html>
"""


def test_swagger_ui_sends_try_it_out_to_the_mock(
    chromium: str, mock_base: str, tmp_path: Path
) -> None:
    """The spec's own server (127.0.0.1:4010, or a vendor's production API) is never the target."""
    page = SWAGGER_TRY_IT_OUT_PAGE.replace("MOCK_BASE_RAW", mock_base).replace(
        "MOCK_BASE", json.dumps(mock_base)
    )
    with mock_access_log() as access_log, page_server(page) as page_url:
        dom = dump_dom(chromium, page_url, tmp_path / "profile")

    target = f"{mock_base}/v1/accounts/api-tokens"
    result = page_result(dom)
    assert isinstance(result, dict) and result["requested"][-1] == f"POST {target}", result
    assert all(
        request.split(" ", 1)[1].startswith(mock_base + "/") for request in result["requested"]
    )
    assert {k: result[k] for k in ("answered", "status", "accountId")} == {
        "answered": target,
        "status": 201,
        "accountId": "acc_swagger",
    }
    assert "POST /v1/accounts/api-tokens 201" in [line.rsplit(" ", 1)[0] for line in access_log]


def test_swagger_ui_offers_only_the_mock_as_server(
    chromium: str, mock_base: str, tmp_path: Path
) -> None:
    dom = dump_dom(chromium, f"{mock_base}/ui/", tmp_path / "profile")

    servers = re.findall(r'<option value="([^"]*)"', dom)
    assert servers == ["/"], f"servers offered by Swagger UI: {servers}"
    assert "4010" not in dom
