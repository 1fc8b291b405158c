"""`contract verify` on HAR and NDJSON files written here: findings, coverage, skipping, baseline, exit codes."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from contract_cli import main
from tests.conformance.implementations import PATH

API = "https://staging.example.com"
SENT = {"account": {"id": "acc_1"}, "modules": [{"id": "mod_1"}], "name": "CI token"}


@pytest.fixture(scope="module")
def created(spec: Any) -> dict[str, Any]:
    body = copy.deepcopy(spec.document["components"]["examples"]["CreatedApiToken"]["value"])
    body.update(account={**body["account"], "id": "acc_1"}, name="CI token")
    body["modules"][0]["id"] = "mod_1"
    return body


def line(
    body: Any,
    status: int = 201,
    url: str = API + PATH,
    sent: Any = SENT,
    media: str = "application/json",
) -> str:
    return json.dumps(
        {
            "request": {
                "method": "POST",
                "url": url,
                "headers": {
                    "content-type": "application/json",
                    "authorization": "Bearer verify-canary-cred",
                },
                "body": sent,
            },
            "response": {"status": status, "headers": {"content-type": media}, "body": body},
        }
    )


def har(*entries: dict[str, Any]) -> dict[str, Any]:
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "test", "version": "1"},
            "entries": list(entries),
        }
    }


def har_entry(
    url: str, status: int, media: str, text: str, resource_type: str = "fetch"
) -> dict[str, Any]:
    return {
        "startedDateTime": "2026-01-01T00:00:00Z",
        "time": 1,
        "_resourceType": resource_type,
        "request": {"method": "GET", "url": url, "headers": [], "httpVersion": "HTTP/1.1"},
        "response": {
            "status": status,
            "headers": [{"name": "Content-Type", "value": media}],
            "content": {"mimeType": media, "text": text},
        },
    }


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(["verify", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_findings_with_pointers_excerpt_and_coverage(
    tmp_path: Path, capsys: Any, created: dict[str, Any]
) -> None:
    bad = {
        **created,
        "audit": {"created": {"at": "yesterday"}},
        "token": "pat_live_verify_canary_token",
    }
    traffic = tmp_path / "traffic.ndjson"
    traffic.write_text("\n".join([line(created), line(bad), line(bad, sent={"account": {}}), ""]))
    code, out, _ = run(capsys, str(traffic))
    assert code == 1
    assert "response_schema | Response violates schema" in out
    assert "In body:    /audit/created/at" in out and "Request body violates schema" in out
    assert "Recorded:   " in out and "traffic.ndjson:2" in out
    assert f"POST {PATH}: 201 x3" in out
    assert "pat_live_verify_canary_token" not in out and "verify-canary-cred" not in out
    assert "[REDACTED]" in out  # the excerpt, with the secret field blanked


@pytest.mark.parametrize("fmt", ["json", "junit", "markdown"])
def test_every_format(tmp_path: Path, capsys: Any, created: dict[str, Any], fmt: str) -> None:
    traffic = tmp_path / "t.ndjson"
    traffic.write_text(line({**created, "id": 7}) + "\n")
    code, out, _ = run(capsys, str(traffic), "--format", fmt)
    assert code == 1
    if fmt == "json":
        [finding] = json.loads(out)["findings"]
        assert (finding["check"], finding["instance_pointer"]) == ("response_schema", "/id")
    elif fmt == "junit":
        [failure] = ET.fromstring(out).iter("failure")
        assert "/id" in failure.text
    else:
        assert "| 1 | `POST /v1/accounts/api-tokens` | response_schema | `/id` |" in out


def test_browser_har_skips_static_and_other_hosts_and_reports_undocumented(
    tmp_path: Path, capsys: Any, created: dict[str, Any]
) -> None:
    api_call = har_entry(API + PATH, 201, "application/json", json.dumps(created))
    api_call["request"].update(
        method="POST",
        postData={"mimeType": "application/json", "text": json.dumps(SENT)},
        headers=[{"name": "Authorization", "value": "Bearer verify-canary-cred"}],
    )
    recorded = har(
        har_entry("https://app.example.com/", 200, "text/html", "<html></html>", "document"),
        har_entry(
            "https://app.example.com/main.js", 200, "application/javascript", "x()", "script"
        ),
        har_entry("https://fonts.example.net/api/thing", 200, "application/json", "{}"),
        har_entry(API + "/v1/unknown", 404, "application/json", "{}"),
        api_call,
    )
    path = tmp_path / "browser.har"
    path.write_text(json.dumps(recorded))
    code, out, _ = run(capsys, str(path), "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert (
        report["checked"],
        report["skipped_static"],
        report["skipped_other_hosts"],
        report["undocumented"],
    ) == (1, 2, 1, 1)
    assert [(f["operation"], f["check"]) for f in report["findings"]] == [
        ("GET /v1/unknown", "operation_documented")
    ]


def test_baseline_holds_known_findings_until_they_expire(
    tmp_path: Path, capsys: Any, created: dict[str, Any]
) -> None:
    """conform's baseline file and fingerprints: written by --update-baseline, then known until `expires`."""
    traffic = tmp_path / "t.ndjson"
    traffic.write_text(
        line({**created, "modules": [{**created["modules"][0], "isConfigurable": "yes"}]}) + "\n"
    )
    baseline = tmp_path / "baseline.json"
    assert run(capsys, str(traffic), "--baseline", str(baseline), "--update-baseline")[0] == 0
    document = json.loads(baseline.read_text())
    [entry] = document["entries"]
    assert entry["pointer"] == "/modules/*/isConfigurable"
    code, out, _ = run(capsys, str(traffic), "--baseline", str(baseline))
    assert code == 0 and "1 known (baseline)" in out and "[known: in the baseline]" in out
    baseline.write_text(json.dumps({**document, "entries": [{**entry, "expires": "2020-01-01"}]}))
    code, out, _ = run(capsys, str(traffic), "--baseline", str(baseline))
    assert code == 1 and "expired on 2020-01-01" in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read"),
        ("", "the file is empty"),
        ('{"log": {"entries": [', "not JSON"),
        ("not json\n", "t.ndjson:1: not JSON"),
        ('{"log": {}}', "no /log/entries array"),
    ],
)
def test_unreadable_traffic_exits_2_naming_the_place(
    tmp_path: Path, capsys: Any, content: str | None, expected: str
) -> None:
    path = tmp_path / ("t.har" if content and content.startswith('{"log"') else "t.ndjson")
    if content is not None:
        path.write_text(content)
    code, out, err = run(capsys, str(path))
    assert code == 2 and out == ""
    assert expected in err and "Traceback" not in err


def test_nothing_matching_the_spec_exits_2(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "other.har"
    path.write_text(
        json.dumps(har(har_entry("https://elsewhere.example/api/x", 200, "application/json", "{}")))
    )
    code, _, err = run(capsys, str(path))
    assert code == 2 and "no exchange matched an operation of the spec" in err


def test_a_har_without_response_bodies_is_never_green(
    tmp_path: Path, capsys: Any, created: dict[str, Any]
) -> None:
    """A HAR exported without content (devtools' sanitised export) leaves every body unchecked: exit 2
    with the fix, not CONFORMANT; with some bodies present, the missing ones are counted."""
    api_call = har_entry(API + PATH, 201, "application/json", json.dumps(created))
    api_call["request"].update(
        method="POST",
        postData={"mimeType": "application/json", "text": json.dumps(SENT)},
        headers=[{"name": "Authorization", "value": "Bearer verify-canary-cred"}],
    )
    bodiless = copy.deepcopy(api_call)
    del bodiless["response"]["content"]["text"]
    path = tmp_path / "sanitised.har"
    path.write_text(json.dumps(har(bodiless)))
    code, out, err = run(capsys, str(path))
    assert (
        code == 2 and "NOT VERIFIED" in out and "CONFORMANT" not in out.replace("NOT VERIFIED", "")
    )
    assert (
        "no checked exchange had its response body in the record (1 of 1)" in err
        and "with content" in err
    )
    baseline = tmp_path / "baseline.json"
    code, _, _ = run(capsys, str(path), "--baseline", str(baseline), "--update-baseline")
    # No response body was checked: the findings are not written as the baseline.
    assert code == 2 and not baseline.exists()

    path.write_text(json.dumps(har(api_call, bodiless)))
    code, out, _ = run(capsys, str(path), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["conformant"]  # one body checked; the other counted, not judged
    assert (report["checked"], report["bodies_missing"], report["bodies_unchecked"]) == (
        2,
        1,
        False,
    )
    _, text, _ = run(capsys, str(path))
    assert (
        "2 checked (1 without their response body: not schema-checked)" in text
        and "CONFORMANT" in text
    )


def test_a_bad_baseline_exits_2(tmp_path: Path, capsys: Any, created: dict[str, Any]) -> None:
    traffic = tmp_path / "t.ndjson"
    traffic.write_text(line(created) + "\n")
    baseline = tmp_path / "b.json"
    baseline.write_text(
        '{"version": 1, "entries": [{"operation": "x", "check": "y", "expires": "soon"}]}'
    )
    code, _, err = run(capsys, str(traffic), "--baseline", str(baseline))
    assert code == 2 and "b.json:1: /entries/0/expires" in err and "YYYY-MM-DD" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["proxy", "--upstream", "staging.example.com"], "is not an http(s) URL"),
        (
            ["proxy", "--upstream", "http://127.0.0.1:1", "--timeout", "0"],
            "--timeout must be above 0",
        ),
        (
            ["proxy", "--upstream", "http://127.0.0.1:1", "--spec", "missing.yaml"],
            "cannot load spec missing.yaml",
        ),
        (
            [
                "proxy",
                "--upstream",
                "http://127.0.0.1:1",
                "--port",
                "0",
                "--record",
                "/nonexistent-folder/s.har",
            ],
            "cannot write --record /nonexistent-folder/s.har: No such file or directory; check that its folder exists",
        ),
        (["verify", "x.har", "--spec", "missing.yaml"], "cannot load spec missing.yaml"),
        (["verify", "x.har", "--update-baseline"], "--update-baseline needs --baseline FILE"),
    ],
)
def test_bad_options_exit_2_with_one_line(capsys: Any, args: list[str], expected: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
