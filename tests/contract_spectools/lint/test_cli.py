"""`contract lint`: exit codes, the four output formats, broken files; run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract_cli import main

SPECS = Path(__file__).parent / "specs"
CLEAN = str(SPECS / "clean.yaml")
ERRORS = str(SPECS / "required-undefined.yaml")
WARNINGS_ONLY = str(SPECS / "example-in-3.1-schema.yaml")


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["lint", *args])
    return code, capsys.readouterr().out


def test_default_is_the_bundled_spec_and_it_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert lint(capsys) == (0, "0 errors, 0 warnings\n")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([CLEAN], 0),
        ([ERRORS], 1),
        ([WARNINGS_ONLY], 0),
        ([WARNINGS_ONLY, "--fail-on", "warning"], 1),
        ([ERRORS, "--fail-on", "warning"], 1),
        ([str(SPECS / "no-such-file.yaml")], 2),
        ([str(SPECS / "spec-unreadable.yaml")], 2),
        ([ERRORS, str(SPECS / "spec-unreadable.yaml")], 2),
        ([str(SPECS)], 2),  # a folder
    ],
)
def test_exit_codes(capsys: pytest.CaptureFixture[str], args: list[str], expected: int) -> None:
    assert lint(capsys, *args)[0] == expected


def test_text_output_is_pinned(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = lint(capsys, ERRORS)
    assert out == (
        f"{ERRORS}:9: error [required-undefined] #/components/schemas/Item/required/1: "
        "required property 'nmae' is not defined in properties\n"
        "    fix: define the property in `properties` (or in an allOf member), or fix the name in `required`\n"
        "1 error, 0 warnings\n"
    )


def test_a_missing_file_is_one_clear_finding(capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(SPECS / "no-such-file.yaml")
    code, out = lint(capsys, missing)
    assert (code, out.splitlines()[0]) == (2, f"{missing}: error [spec-unreadable] #: no such file")


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = lint(capsys, ERRORS, "--format", "json")
    [found] = json.loads(out)["findings"]
    assert found == {
        "rule": "required-undefined",
        "severity": "error",
        "pointer": "#/components/schemas/Item/required/1",
        "message": "required property 'nmae' is not defined in properties",
        "hint": "define the property in `properties` (or in an allOf member), or fix the name in `required`",
        "source": ERRORS,
        "line": 9,
    }


def test_github_format_emits_workflow_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = lint(capsys, ERRORS, "--format", "github")
    assert out.startswith(
        f"::error file={ERRORS},title=required-undefined at #/components/schemas/Item/required/1,line=9::"
        "required property 'nmae' is not defined in properties. Fix: "
    )


def test_sarif_format(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = lint(capsys, ERRORS, WARNINGS_ONLY, "--format", "sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    [run] = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("required-undefined", "error"),
        ("example-in-3.1-schema", "warning"),
    ]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] > 0
