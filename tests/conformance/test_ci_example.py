"""The GitHub Actions example stays usable: valid YAML, the right command, the JUnit file uploaded."""

from __future__ import annotations

import yaml

from tests.conftest import REPO


def test_ci_example_runs_conform_with_secrets_and_uploads_junit() -> None:
    workflow = yaml.safe_load((REPO / "examples" / "ci" / "conformance.yml").read_text())
    steps = workflow["jobs"]["conform"]["steps"]
    run = next(step for step in steps if "contract conform" in step.get("run", ""))
    assert "secrets.STAGING_BASE_URL" in str(run["env"]) and "secrets.STAGING_API_TOKEN" in str(run["env"])
    assert "--junit-xml conformance-junit.xml" in run["run"]
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and "conformance-junit.xml" in upload["with"]["path"]
