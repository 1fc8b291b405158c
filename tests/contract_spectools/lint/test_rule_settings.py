"""`[lint.rules]` severities, `--fail-on` at every level, and `--list-rules`; through the CLI in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract_cli import main
from contract_spectools.lint.findings import RULES


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args])
    out, err = capsys.readouterr()
    return code, out, err


def rules(text: str) -> None:
    Path("contract.toml").write_text("[lint]\n\n[lint.rules]\n" + text)


def test_a_warning_raised_to_error_fails_and_off_drops(project: Path, capsys) -> None:
    assert lint(capsys, "openapi.yaml")[0] == 0
    rules('operation-id-missing = "error"\noperation-summary-missing = "off"\n')
    code, out, _ = lint(capsys, "openapi.yaml")
    assert code == 1 and "error [operation-id-missing]" in out
    assert "operation-summary-missing" not in out and out.endswith("1 error, 1 warning\n")


def test_an_error_lowered_to_info_passes_unless_fail_on_info(project: Path, capsys) -> None:
    rules(
        'operation-id-missing = "info"\noperation-summary-missing = "hint"\n'
        'no-client-error-response = "off"\n'
    )
    assert lint(capsys, "openapi.yaml", "--fail-on", "warning")[0] == 0
    assert lint(capsys, "openapi.yaml", "--fail-on", "info")[0] == 1
    rules(
        'operation-id-missing = "off"\noperation-summary-missing = "hint"\n'
        'no-client-error-response = "off"\n'
    )
    assert lint(capsys, "openapi.yaml", "--fail-on", "info")[0] == 0
    assert lint(capsys, "openapi.yaml", "--fail-on", "hint")[0] == 1


def test_sarif_shows_the_configured_level(project: Path, capsys) -> None:
    rules('operation-id-missing = "error"\n')
    _, out, _ = lint(capsys, "openapi.yaml", "--format", "sarif")
    run = json.loads(out)["runs"][0]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in run["tool"]["driver"]["rules"]}
    assert levels["operation-id-missing"] == "error"
    assert {r["ruleId"]: r["level"] for r in run["results"]}["operation-id-missing"] == "error"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'operation-id-mising = "off"\n',
            'contract.toml:4: unknown rule "operation-id-mising" in [lint.rules]; did you mean "operation-id-missing"?',
        ),
        (
            '\nunused-component = "warn"\n',
            "contract.toml:5: unused-component in [lint.rules]: expected one of error, warning, "
            'info, hint, off, found "warn" (did you mean "warning"?)',
        ),
        ("structure = 2\n", "contract.toml:4: structure in [lint.rules]: expected one of"),
    ],
)
def test_bad_settings_are_one_located_line(project: Path, capsys, text: str, expected: str) -> None:
    rules(text)
    for args in (["openapi.yaml"], ["--list-rules"]):
        code, out, err = lint(capsys, *args)
        assert code == 2 and out == "" and len(err.splitlines()) == 1
        assert err.startswith(f"contract: error: {expected}")


def test_rules_must_be_a_table(project: Path, capsys) -> None:
    Path("contract.toml").write_text('[lint]\nrules = "all"\n')
    code, _, err = lint(capsys, "openapi.yaml")
    assert code == 2 and "contract.toml:2" in err and "[lint.rules] must be a table" in err


def test_list_rules_names_every_rule_its_severity_and_source(project: Path, capsys) -> None:
    rules('\noperation-id-missing = "error"\n')
    code, out, _ = lint(capsys, "--list-rules")
    lines = out.splitlines()
    assert code == 0 and len(lines) == len(RULES)
    by_name = {line.split()[0]: line.split()[1:] for line in lines}
    assert by_name["operation-id-missing"] == ["error", "contract.toml:5"]
    assert by_name["unused-component"] == ["warning", "kit"]
    _, out, _ = lint(capsys, "--list-rules", "--format", "json")
    listed = {r["name"]: r for r in json.loads(out)["rules"]}
    assert set(listed) == set(RULES)
    assert listed["operation-id-missing"]["source"] == "contract.toml:5"
    assert listed["structure"] == {
        "name": "structure",
        "severity": "error",
        "source": "kit",
        "description": RULES["structure"].title,
    }
