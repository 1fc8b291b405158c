"""`contract diff` from the command line: exit codes, every format, `git:` inputs, the ignore file."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from contract_cli import main
from tests.contract_spectools.diff.cases import CATALOGUE, document_for

BREAKING_CASE = next(c for c in CATALOGUE if c["rule"] == "response-property-type-changed")
INFO_CASE = next(c for c in CATALOGUE if c["rule"] == "response-property-added")
WARNING_CASE = next(c for c in CATALOGUE if c["rule"] == "response-optional-property-removed")
LATIN1_SPEC = b"openapi: 3.0.3\ninfo: {title: caf\xe9, version: '1'}\npaths: {}\n"


@pytest.fixture
def pair(tmp_path: Path):
    """Writes base.yaml and revision.yaml for a catalogue case and returns their paths."""

    def write(case: dict, side: str = "breaking") -> tuple[str, str]:
        base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
        base.write_text(yaml.safe_dump(document_for(case, "base")), encoding="utf-8")
        revision.write_text(yaml.safe_dump(document_for(case, side)), encoding="utf-8")
        return str(base), str(revision)

    return write


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_no_change_exits_0(pair, capsys) -> None:
    base, _ = pair(BREAKING_CASE)
    code, out, _ = run(capsys, base, base)
    assert code == 0
    assert out.strip() == "0 errors, 0 warnings, 0 infos (0 changes in all)"


def test_breaking_change_exits_1_with_the_change_in_text(pair, capsys) -> None:
    code, out, _ = run(capsys, *pair(BREAKING_CASE))
    assert code == 1
    assert "POST /things" in out and "error   [response-property-type-changed]" in out
    assert "fingerprint " in out and "\033[" not in out  # no colour when stdout is not a terminal


def test_safe_changes_only_with_all(pair, capsys) -> None:
    code, out, _ = run(capsys, *pair(INFO_CASE))
    assert code == 0 and "response-property-added" not in out
    code, out, _ = run(capsys, *pair(INFO_CASE), "--all")
    assert code == 0 and "info    [response-property-added]" in out


def test_fail_on_warning(pair, capsys) -> None:
    assert run(capsys, *pair(WARNING_CASE))[0] == 0
    assert run(capsys, *pair(WARNING_CASE), "--fail-on", "warning")[0] == 1
    assert run(capsys, *pair(INFO_CASE), "--fail-on", "info")[0] == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["missing.yaml", "missing.yaml"], "cannot read missing.yaml: no such file"),
        (
            ["git:no-such-revision:spec.yaml", "spec.yaml"],
            "cannot read git:no-such-revision:spec.yaml: git show failed",
        ),
        (["git:HEAD", "spec.yaml"], "expected git:REV:PATH"),
    ],
)
def test_unreadable_input_exits_2_with_one_message(
    argv, message, capsys, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_a_folder_or_a_file_not_in_utf8_gets_the_loaders_one_message(
    capsys, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "latin1.yaml").write_bytes(LATIN1_SPEC)
    for argument, message in (
        ("specs", "cannot load spec specs: is a folder, not a file"),
        ("latin1.yaml", "cannot load spec latin1.yaml: cannot read: 'utf-8' codec"),
    ):
        code, out, err = run(capsys, argument, argument)
        assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err


def test_a_git_input_not_in_utf8_is_one_message(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "latin1.yaml").write_bytes(LATIN1_SPEC)
    subprocess.run(["git", "init", "-q"], check=True)
    subprocess.run(["git", "add", "."], check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "x"],
        check=True,
    )
    code, _, err = run(capsys, "git:HEAD:latin1.yaml", "latin1.yaml")
    assert code == 2 and "cannot load spec git:HEAD:latin1.yaml: not UTF-8 text" in err


def test_without_git_every_git_input_says_so(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on it
    code, _, err = run(capsys, "git:HEAD:spec.yaml", "spec.yaml")
    assert code == 2 and "cannot read git:HEAD:spec.yaml: git is not installed; install git" in err
    code, _, err = run(capsys, "--against-merge-base=main", "spec.yaml")
    assert code == 2 and "cannot read main: git is not installed; install git" in err


def test_unparsable_spec_exits_2(tmp_path, capsys) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.3\npaths: [\n", encoding="utf-8")
    code, _, err = run(capsys, str(broken), str(broken))
    assert code == 2 and f"cannot load spec {broken}" in err


def test_json_format_is_versioned(pair, capsys) -> None:
    code, out, _ = run(capsys, *pair(BREAKING_CASE), "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["version"] == 1 and report["summary"]["error"] == 1
    change = report["changes"][0]
    assert change["id"] == "response-property-type-changed" and change["direction"] == "response"
    assert (
        change["revision"]["pointer"] == "#/components/schemas/Thing" and change["revision"]["line"]
    )
    assert change["affects"] == [
        {"operation": "POST /things", "operationId": "createThing", "direction": "response"}
    ]
    assert len(change["fingerprint"]) == 16


def test_markdown_format(pair, capsys) -> None:
    _, out, _ = run(capsys, *pair(BREAKING_CASE), "--format", "markdown")
    assert out.startswith("### `contract diff`: 1 error, 0 warnings, 0 infos")
    assert (
        "| error | `response-property-type-changed` | type changed from integer to string |" in out
    )


def test_github_format_annotates_the_revision(pair, capsys) -> None:
    base, revision = pair(BREAKING_CASE)
    _, out, _ = run(capsys, base, revision, "--format", "github")
    assert out.startswith(f"::error file={revision},title=response-property-type-changed,line=")


def test_junit_format(pair, capsys) -> None:
    _, out, _ = run(capsys, *pair(BREAKING_CASE), "--format", "junit", "--all")
    suite = ET.fromstring(out.split("?>", 1)[1]).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    assert suite.find("testcase/failure").get("message") == "type changed from integer to string"


def test_sarif_format(pair, capsys) -> None:
    _, out, _ = run(capsys, *pair(BREAKING_CASE), "--format", "sarif")
    run_ = json.loads(out)["runs"][0]
    result = run_["results"][0]
    assert result["ruleId"] == "response-property-type-changed" and result["level"] == "error"
    assert run_["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert len(result["partialFingerprints"]["contractDiff/v1"]) == 16


def test_the_deprecated_one_a_line_ignore_file_still_reads(pair, capsys, tmp_path) -> None:
    base, revision = pair(BREAKING_CASE)
    fingerprint = json.loads(run(capsys, base, revision, "--format", "json")[1])["changes"][0][
        "fingerprint"
    ]
    ignore = tmp_path / "diff-ignore.txt"
    ignore.write_text(
        f"# accepted changes\n{fingerprint}  clients read it as a string already\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, base, revision, "--ignore", str(ignore))
    assert code == 0 and "1 ignored" in out and "one fingerprint a line is deprecated" in err
    ignore.write_text(f"{fingerprint}\n", encoding="utf-8")
    code, _, err = run(capsys, base, revision, "--ignore", str(ignore))
    assert code == 2 and f"{ignore}:1" in err and "has no reason" in err


def _accepting(capsys, base: str, revision: str, path: Path, **entry: str) -> None:
    """A findings file accepting every change of the run, keyed by rule and both pointers."""
    changes = json.loads(run(capsys, base, revision, "--format", "json")[1])["changes"]
    entries = [
        {
            "rule": c["id"],
            "base": c["base"]["pointer"] or "",
            "revision": c["revision"]["pointer"] or "",
            **entry,
        }
        for c in changes
    ]
    path.write_text(json.dumps({"version": 1, "entries": entries}, indent=1), encoding="utf-8")


def test_a_findings_file_accepts_changes_until_it_expires(pair, capsys, tmp_path) -> None:
    base, revision = pair(BREAKING_CASE)
    ignore = tmp_path / "diff-ignore.json"
    _accepting(capsys, base, revision, ignore, reason="clients read it as a string already")
    code, out, err = run(capsys, base, revision, "--ignore", str(ignore))
    assert code == 0 and "1 ignored, 0 expired, 0 resolved" in out and err == ""
    _accepting(capsys, base, revision, ignore, reason="until v3", expires="2020-01-01")
    code, out, _ = run(capsys, base, revision, "--ignore", str(ignore), "--format", "json")
    assert code == 1 and json.loads(out)["summary"]["expired"] == 1
    code, out, _ = run(capsys, base, revision, "--ignore", str(ignore))
    assert "its ignore entry expired on 2020-01-01" in out


def test_a_findings_file_entry_no_change_matches_is_resolved(pair, capsys, tmp_path) -> None:
    base, revision = pair(BREAKING_CASE)
    ignore = tmp_path / "diff-ignore.json"
    _accepting(capsys, base, revision, ignore, reason="accepted")
    code, out, _ = run(capsys, base, base, "--ignore", str(ignore))
    assert code == 0 and "0 ignored, 0 expired, 1 resolved" in out
    assert f"resolved ignore entry [{BREAKING_CASE['rule']}]" in out


def test_a_findings_file_entry_needs_a_reason(pair, capsys, tmp_path) -> None:
    base, revision = pair(BREAKING_CASE)
    ignore = tmp_path / "diff-ignore.json"
    _accepting(capsys, base, revision, ignore)
    code, out, err = run(capsys, base, revision, "--ignore", str(ignore))
    assert (code, out) == (2, "") and len(err.splitlines()) == 1
    assert f"{ignore}:4: /entries/0: no `reason`" in err


def test_git_inputs(pair, capsys, tmp_path, monkeypatch) -> None:
    base, revision = pair(BREAKING_CASE)
    repo = tmp_path / "repo"
    (repo / "api").mkdir(parents=True)
    spec = repo / "api" / "openapi.yaml"
    spec.write_text(Path(base).read_text(encoding="utf-8"), encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=repo, check=True)
    spec.write_text(Path(revision).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(repo)
    code, out, _ = run(
        capsys, "git:HEAD:api/openapi.yaml", "api/openapi.yaml", "--format", "github"
    )
    assert code == 1 and out.startswith("::error file=api/openapi.yaml,")
    assert run(capsys, "git:HEAD:api/openapi.yaml", "git:HEAD:api/openapi.yaml")[0] == 0


def test_broken_structure_exits_2_naming_lint(tmp_path, capsys) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n"
        "      parameters: 7\n      responses: {'200': {description: ok}}\n",
        encoding="utf-8",
    )
    fine = tmp_path / "fine.yaml"
    fine.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n"
        "      responses: {'200': {description: ok}}\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, str(fine), str(broken))
    assert code == 2 and "run `contract lint` on both" in err and "Traceback" not in err


def test_unresolvable_reference_exits_2(tmp_path, capsys) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n"
        "        '200': {$ref: '#/components/responses/Nope'}\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, str(spec), str(spec))
    assert code == 2 and "unresolvable $ref '#/components/responses/Nope'" in err


def test_against_merge_base_for_pre_commit(pair, capsys, tmp_path, monkeypatch) -> None:
    """The hook's mode: each spec against itself at `git merge-base HEAD REF`; new specs are skipped."""
    base, revision = pair(BREAKING_CASE)
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    (repo / "openapi.yaml").write_text(Path(base).read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=repo, check=True)
    subprocess.run(["git", "checkout", "-q", "-b", "feature"], cwd=repo, check=True)
    (repo / "openapi.yaml").write_text(Path(revision).read_text(encoding="utf-8"), encoding="utf-8")
    (repo / "openapi-new.yaml").write_text(Path(base).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(repo)
    code, out, err = run(capsys, "--against-merge-base=main", "openapi.yaml", "openapi-new.yaml")
    assert code == 1 and "response-property-type-changed" in out
    assert "openapi-new.yaml: new since the merge base" in err
    code, _, err = run(capsys, "--against-merge-base=no-such-branch", "openapi.yaml")
    assert code == 2 and "no merge base with HEAD" in err


def test_wrong_number_of_inputs_exits_2(capsys) -> None:
    code, _, err = run(capsys, "only-one.yaml")
    assert code == 2 and "expected BASE REVISION" in err


def test_text_is_coloured_on_a_terminal(pair, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    _, out, _ = run(capsys, *pair(BREAKING_CASE))
    assert "\033[31merror  \033[0m [response-property-type-changed]" in out
