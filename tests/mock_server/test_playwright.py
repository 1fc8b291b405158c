"""The README's Playwright calls in the real Chromium the browser tests use (Python Playwright driving
Debian's `chromium`): a test pins an answer with `request.post('/__mock/expectations', ...)`, the
page's own `fetch` gets it, and `X-Mock-Session` keeps two browser contexts (two test workers) apart.
The second context's own HAR (Chromium's, through Playwright's `recordHar`) is then replayed by
another mock. Skips without Chromium or Playwright, except in CI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mock_server.server import Features, running_mock
from tests.conformance.traffic.test_browser import playwright_or_skip
from tests.mock_server.test_browser import (
    CHROMIUM_FLAGS,
    CREATE_TOKEN_PAGE,
    chromium_or_skip,
    page_server,
)

TOKENS = "/v1/accounts/api-tokens"


def pinned(name: str) -> dict[str, Any]:
    return {
        "request": {"method": "POST", "path": TOKENS},
        "response": {"status": 201, "body": {"name": name}},
    }


def page_result(page: Any) -> Any:
    page.wait_for_function(
        "document.getElementById('result').textContent !== 'pending'", timeout=30_000
    )
    return json.loads(page.text_content("#result") or "null")


def test_playwright_pins_answers_per_session_and_the_page_fetch_gets_them(tmp_path: Path) -> None:
    chromium, sync_api = chromium_or_skip(), playwright_or_skip()
    har = tmp_path / "worker-b.har"
    with running_mock() as mock, sync_api.sync_playwright() as playwright:
        page_html = CREATE_TOKEN_PAGE.replace("MOCK_BASE", json.dumps(str(mock)))
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
        try:
            with page_server(page_html) as page_url:
                a = browser.new_context(base_url=mock, extra_http_headers={"X-Mock-Session": "a"})
                b = browser.new_context(
                    base_url=mock,
                    extra_http_headers={"X-Mock-Session": "b"},
                    record_har_path=str(har),
                )
                plain = browser.new_context()
                page_a, page_b = a.new_page(), b.new_page()
                # as the README: request.post('/__mock/expectations', {data: ...})
                posted = page_a.request.post("/__mock/expectations", data=pinned("Pinned for A"))
                assert posted.status == 201 and posted.json()["id"]
                assert b.request.post("/__mock/expectations", data=pinned("For B")).ok
                refused = b.request.post(
                    "/__mock/expectations",
                    data={**pinned("x"), "response": {"status": 201, "body": {"id": 5}}},
                )
                refusal = (refused.status, refused.json()["detail"])
                results = []
                for page in (page_a, page_b, plain.new_page()):
                    page.goto(page_url)
                    results.append(page_result(page))
                b.close()  # writes the HAR
                a.close()
                plain.close()
        finally:
            browser.close()
    assert refusal[0] == 400 and "`/id`: 5 is not of type" in refusal[1]
    assert [(r["status"], r["name"]) for r in results] == [
        (201, "Pinned for A"),
        (201, "For B"),
        (201, "From the browser"),  # no session: the generated answer, the request reflected
    ]
    assert results[0]["accountId"] == "acc_browser"  # the rest still reflected

    # Chromium's own HAR of context b, replayed: the page load is ignored, the admin calls listed
    with (
        running_mock(features=Features(replay=(str(har),))) as replaying,
        sync_api.sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
        try:
            page_html = CREATE_TOKEN_PAGE.replace("MOCK_BASE", json.dumps(str(replaying)))
            with page_server(page_html) as page_url:
                page = browser.new_page()
                page.goto(page_url)
                replayed = page_result(page)
        finally:
            browser.close()
    assert (replayed["status"], replayed["name"]) == (201, "For B")
