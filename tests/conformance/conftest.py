from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from contract_cli import main
from tests.conformance.implementations import DEFAULT_CREDENTIAL, create_app
from tests.conformance.serving import serve

AUTH = f"Authorization: Bearer {DEFAULT_CREDENTIAL}"
SMALL_BUDGET = ("--max-examples", "10", "--seed", "1")


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None
    junit: str | None

    @property
    def checks(self) -> set[str]:
        return {finding["check"] for finding in (self.report or {}).get("findings", [])}


@pytest.fixture
def conform(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Callable[..., Outcome]:
    """Run `contract conform` in-process; returns exit code, output and the JSON and JUnit reports."""

    def run(*args: str) -> Outcome:
        report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
        for leftover in (report, junit):
            leftover.unlink(missing_ok=True)
        code = main(["conform", *args, "--report-json", str(report), "--junit-xml", str(junit)])
        out, err = capsys.readouterr()
        return Outcome(
            code,
            out,
            err,
            json.loads(report.read_text()) if report.exists() else None,
            junit.read_text() if junit.exists() else None,
        )

    return run


@contextmanager
def implementation(*faults: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
    """A live implementation with `faults`: yields its base URL and its Stats."""
    app = create_app(frozenset(faults), **kwargs)
    with serve(app) as base_url:
        yield base_url, app.config["stats"]
