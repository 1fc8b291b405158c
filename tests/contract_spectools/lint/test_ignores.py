"""`contract lint --ignore FILE` / `--update-ignore`: known findings excused, new ones fail, resolved and
expired entries reported in every format; a broken file is one located line, exit 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema_rs
import pytest

from contract_cli import main

SCHEMA = Path(__file__).parents[3] / "docs" / "findings-file.schema.json"
MISSING_ID = "#/paths/~1items/get"


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lint", "openapi.yaml", "--fail-on", "warning", *args])
    out, err = capsys.readouterr()
    return code, out, err


def accept_all(capsys: pytest.CaptureFixture[str], **reviewed: str | None) -> dict:
    assert lint(capsys, "--ignore", "ignore.json", "--update-ignore")[0] == 0
    document = json.loads(Path("ignore.json").read_text())
    for entry in document["entries"]:
        entry.update(reviewed)
    Path("ignore.json").write_text(json.dumps(document))
    return document


def test_update_writes_entries_keyed_by_rule_file_pointer(project: Path, capsys) -> None:
    document = accept_all(capsys)
    keys = [(e["rule"], e["file"], e["pointer"]) for e in document["entries"]]
    assert keys == [
        ("no-client-error-response", "openapi.yaml", MISSING_ID + "/responses"),
        ("operation-id-missing", "openapi.yaml", MISSING_ID),
        ("operation-summary-missing", "openapi.yaml", MISSING_ID),
    ]
    assert "line" not in document["entries"][0]
    jsonschema_rs.validator_for(json.loads(SCHEMA.read_text())).validate(document)


def test_known_findings_pass_and_new_ones_fail(project: Path, capsys) -> None:
    accept_all(capsys, reason="v2 adds them")
    code, out, _ = lint(capsys, "--ignore", "ignore.json")
    assert code == 0 and "ignore file ignore.json: 3 excused, 0 expired, 0 resolved" in out
    spec = Path("openapi.yaml")
    # An edit elsewhere moves the lines: the entries still match (no line numbers in keys).
    spec.write_text("# a comment\n\n" + spec.read_text())
    assert lint(capsys, "--ignore", "ignore.json")[0] == 0
    spec.write_text(spec.read_text().replace("/items:", "/items:\n    post:\n      responses: {}"))
    code, out, _ = lint(capsys, "--ignore", "ignore.json")
    assert code == 1 and "[no-responses]" in out and "3 excused" in out


def test_resolved_entries_are_reported(project: Path, capsys) -> None:
    accept_all(capsys)
    spec = Path("openapi.yaml")
    spec.write_text(spec.read_text().replace("    get:\n", "    get:\n      summary: List\n"))
    code, out, _ = lint(capsys, "--ignore", "ignore.json")
    assert code == 0 and "2 excused, 0 expired, 1 resolved" in out
    assert f"resolved: [operation-summary-missing] openapi.yaml {MISSING_ID}" in out


def test_an_expired_entry_stops_excusing(project: Path, capsys) -> None:
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    accept_all(capsys, expires=yesterday)
    code, out, _ = lint(capsys, "--ignore", "ignore.json")
    assert code == 1 and "0 excused, 3 expired, 0 resolved" in out
    assert f"its ignore entry expired on {yesterday}" in out


def test_update_keeps_reasons_and_expiries(project: Path, capsys) -> None:
    accept_all(capsys, reason="v2 adds them", expires="2099-01-01")
    document = accept_all(capsys)
    assert {(e["reason"], e["expires"]) for e in document["entries"]} == {
        ("v2 adds them", "2099-01-01")
    }


def test_every_format_counts_the_ignores(project: Path, capsys) -> None:
    accept_all(capsys, reason="v2 adds them")
    _, out, _ = lint(capsys, "--ignore", "ignore.json", "--format", "json")
    report = json.loads(out)
    assert report["findings"] == [] and report["ignore"]["counts"] == {
        "excused": 3,
        "expired": 0,
        "resolved": 0,
    }
    _, out, _ = lint(capsys, "--ignore", "ignore.json", "--format", "github")
    assert out.startswith("::notice file=ignore.json,title=lint ignores::") and "3 excused" in out
    _, out, _ = lint(capsys, "--ignore", "ignore.json", "--format", "sarif")
    run = json.loads(out)["runs"][0]
    assert [r["suppressions"][0]["justification"] for r in run["results"]] == ["v2 adds them"] * 3
    assert run["properties"]["ignore"]["excused"] == 3


def test_contract_toml_names_the_ignore_file(project: Path, capsys) -> None:
    accept_all(capsys)
    Path("contract.toml").write_text('[lint]\nignore = "ignore.json"\n')
    code, out, _ = lint(capsys)
    assert code == 0 and "3 excused" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "ignore.json:1: not JSON"),
        ('{"entries": []}', "ignore.json:1: expected"),
        (
            '{"version": 1, "entries": [\n {"rule": "x", "file": "a.yaml",\n  "expires": "soon"}]}',
            "ignore.json:3: /entries/0/expires: 'soon' is not a date (YYYY-MM-DD)",
        ),
        (
            '{"version": 1,\n "entries": [\n  {"file": "a.yaml"}]}',
            "ignore.json:3: /entries/0: an entry needs a string `rule`",
        ),
    ],
)
def test_a_broken_ignore_file_is_one_located_line(
    project: Path, capsys, text: str, expected: str
) -> None:
    Path("ignore.json").write_text(text)
    code, out, err = lint(capsys, "--ignore", "ignore.json")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"contract: error: {expected}")


def test_missing_file_and_update_without_file(project: Path, capsys) -> None:
    code, _, err = lint(capsys, "--ignore", "nope.json")
    assert code == 2 and "nope.json: cannot read it" in err
    code, _, err = lint(capsys, "--update-ignore")
    assert code == 2 and "--update-ignore needs --ignore FILE" in err
