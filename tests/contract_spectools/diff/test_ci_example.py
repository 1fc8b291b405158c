"""The pull-request example stays usable: valid YAML, the base branch's spec via git:, the Markdown
summary posted and the job failing on the diff's exit code; and its command works on a real repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from contract_cli import main
from tests.conftest import REPO

WORKFLOW = yaml.safe_load((REPO / "examples" / "ci" / "spec-diff.yml").read_text(encoding="utf-8"))


def _steps() -> list[dict]:
    return WORKFLOW["jobs"]["diff"]["steps"]


def test_workflow_compares_with_the_base_branch_and_posts_markdown() -> None:
    assert "pull_request" in WORKFLOW[True]  # YAML 1.1 reads the `on:` key as True
    checkout = next(s for s in _steps() if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    diff = next(s for s in _steps() if s.get("id") == "diff")
    assert 'base="git:origin/${{ github.base_ref }}:$SPEC"' in diff["run"]
    assert (
        "--format markdown > spec-diff.md" in diff["run"] and "GITHUB_STEP_SUMMARY" in diff["run"]
    )
    comment = next(s for s in _steps() if "gh pr comment" in s.get("run", ""))
    assert "--body-file spec-diff.md" in comment["run"]
    gate = _steps()[-1]
    assert gate["if"] == "steps.diff.outputs.exit != '0'"


def test_the_workflow_command_on_a_repository(tmp_path: Path, monkeypatch, capsys) -> None:
    contract = (REPO / "openapi" / "api-tokens.yaml").read_text(encoding="utf-8")
    (tmp_path / "openapi").mkdir()
    spec = tmp_path / "openapi" / "api-tokens.yaml"
    spec.write_text(contract, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=tmp_path, check=True)
    spec.write_text(
        contract.replace("operationId: createApiToken", "operationId: createToken"),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code = main(
        [
            "diff",
            "git:main:openapi/api-tokens.yaml",
            "openapi/api-tokens.yaml",
            "--format",
            "markdown",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "| warning | `api-operation-id-changed` |" in out
