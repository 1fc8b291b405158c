"""The GitHub Actions example stays usable: valid YAML, the right command, the JUnit file uploaded."""

from __future__ import annotations

import yaml

from tests.conftest import REPO


def test_ci_example_runs_conform_with_secrets_and_uploads_junit() -> None:
    workflow = yaml.safe_load((REPO / "examples" / "ci" / "conformance.yml").read_text())
    steps = workflow["jobs"]["conform"]["steps"]
    run = next(step for step in steps if "contract conform" in step.get("run", ""))
    assert "secrets.STAGING_BASE_URL" in str(run["env"]) and "secrets.STAGING_API_TOKEN" in str(
        run["env"]
    )
    assert "--junit-xml conformance-junit.xml" in run["run"]
    upload = next(
        step for step in steps if step.get("uses", "").startswith("actions/upload-artifact")
    )
    assert upload["if"] == "always()" and "conformance-junit.xml" in upload["with"]["path"]


def test_ci_example_keeps_a_baseline_and_a_summary() -> None:
    workflow = yaml.safe_load((REPO / "examples" / "ci" / "conformance.yml").read_text())
    run = next(
        s["run"]
        for s in workflow["jobs"]["conform"]["steps"]
        if "contract conform" in s.get("run", "")
    )
    assert (
        "--baseline conformance-baseline.json" in run
        and "--summary-md conformance-summary.md" in run
    )


def test_sharded_example_covers_every_shard_and_merges_junit() -> None:
    workflow = yaml.safe_load((REPO / "examples" / "ci" / "conformance-sharded.yml").read_text())
    conform = workflow["jobs"]["conform"]
    shards = conform["strategy"]["matrix"]["shard"]
    run = next(s["run"] for s in conform["steps"] if "contract conform" in s.get("run", ""))
    assert f"--shard ${{{{ matrix.shard }}}}/{len(shards)}" in run and shards == list(
        range(1, len(shards) + 1)
    )
    assert conform["strategy"]["fail-fast"] is False
    report = workflow["jobs"]["report"]
    assert report["needs"] == "conform" and report["if"] == "always()"
    assert any("junitparser merge" in s.get("run", "") for s in report["steps"])


def test_staging_example_reads_the_client_secret_from_a_repository_secret() -> None:
    """examples/ci/conformance-staging.yml: contract.toml holds the rest; only the secret is passed."""
    workflow = yaml.safe_load((REPO / "examples" / "ci" / "conformance-staging.yml").read_text())
    steps = workflow["jobs"]["conform"]["steps"]
    run = next(step for step in steps if "contract conform" in step.get("run", ""))
    assert run["env"] == {"STAGING_CLIENT_SECRET": "${{ secrets.STAGING_CLIENT_SECRET }}"}
    example = (REPO / "examples" / "staging" / "contract.toml").read_text()
    assert 'client-secret = "${STAGING_CLIENT_SECRET}"' in example
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert all(
        name in upload["with"]["path"] for name in ("conformance-junit.xml", "conformance.json")
    )
    assert all(f'"{name}"' in example for name in ("conformance-junit.xml", "conformance.json"))
