"""Never lose someone else's data: runs against a pet registry already holding 20 pets of other users.

Without the guard, one default run deleted 13 of them and overwrote 9 (Hypothesis favours small
integers, so `DELETE /pets/1` is among its first requests) and left 9 of its own pets behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from conformance.engine.known_data import KnownData
from conformance.engine.ownership import STATE_CHANGING, Ownership
from contract_core import load_spec
from tests.conformance.conftest import Outcome
from tests.conformance.registry import (
    FIRST_NEW_ID,
    OTHERS,
    SPEC,
    create_registry_app,
    others_pets,
    snapshot,
)
from tests.conformance.serving import serve

BASE = "http://127.0.0.1:8000"
CLEANED = ("deleted by the run", "deleted in the clean-up")


def registry_run(conform: Any, *args: str) -> tuple[Outcome, Flask]:
    app = create_registry_app()
    with serve(app) as base_url:
        outcome = conform("--base-url", base_url, "--spec", str(SPEC), "--seed", "1", *args)
    return outcome, app


def changes(app: Flask, ids: range | None = None) -> list[tuple[str, str, int]]:
    """State-changing requests the server answered for one pet (of `ids`, when given)."""
    return [
        (method, path, status)
        for method, path, status in app.config["log"]
        if method in STATE_CHANGING and path.count("/") == 2 and (ids is None or _id(path) in ids)
    ]


def _id(path: str) -> int:
    last = path.rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else -1


def test_a_default_run_changes_only_what_it_created_and_leaves_nothing(conform) -> None:
    outcome, app = registry_run(conform)
    assert snapshot(app.config["pets"]) == snapshot(others_pets())  # byte-identical
    assert changes(app, OTHERS) == []
    assert sorted(app.config["pets"]) == list(OTHERS)  # nothing of the run's left behind
    own_deletes = [p for m, p, s in changes(app) if m == "DELETE" and s == 204]
    assert own_deletes and all(_id(p) >= FIRST_NEW_ID for p in own_deletes)
    coverage = {c["operation"]: c for c in outcome.report["coverage"]["operations"]}
    assert coverage["DELETE /pets/{petId}"]["exercised"], outcome.stdout
    assert coverage["PUT /pets/{petId}"]["exercised"], outcome.stdout
    report = outcome.report
    assert report["mode"] == "safe" and report["requests_withheld"] > 0
    assert report["created"] and all(c["outcome"] in CLEANED for c in report["created"])
    assert {int(c["id"]) for c in report["created"]} == {
        _id(p) for m, p, s in changes(app) if m == "DELETE" and s == 204
    }
    assert "Mode: safe: changed only what it created" in outcome.stdout
    assert "deleted in the clean-up" in outcome.stdout
    assert outcome.exit_code == 0, outcome.stdout


def test_allow_destructive_sends_what_the_guard_withheld(conform) -> None:
    outcome, app = registry_run(conform, "--allow-destructive", "--max-examples", "10")
    assert changes(app, OTHERS), "the guard is what kept the other users' pets"
    assert outcome.report["mode"] == "destructive" and outcome.report["requests_withheld"] == 0
    assert "Mode: destructive" in outcome.stdout


def test_keep_created_leaves_the_runs_records_and_only_those(conform) -> None:
    outcome, app = registry_run(conform, "--keep-created", "--max-examples", "10")
    kept = {int(c["id"]) for c in outcome.report["created"] if c["outcome"].startswith("kept")}
    assert kept and kept == set(app.config["pets"]) - set(OTHERS)
    assert snapshot(app.config["pets"]) == snapshot(others_pets())
    assert outcome.report["cleanup_requests"] == 0


def test_a_run_stopped_by_its_budget_still_cleans_up(conform) -> None:
    outcome, app = registry_run(conform, "--max-requests", "40")
    report = outcome.report
    assert report["budget_exhausted"] and report["requests_sent"] == 40
    assert report["cleanup_requests"] > 0  # outside the budget
    assert len(app.config["log"]) == 40 + report["cleanup_requests"]
    assert sorted(app.config["pets"]) == list(OTHERS)
    assert snapshot(app.config["pets"]) == snapshot(others_pets())


def test_ctrl_c_still_cleans_up() -> None:
    app = create_registry_app()
    with serve(app) as base_url:
        command = ["conform", "--base-url", base_url, "--spec", str(SPEC), "--rate-limit", "40/s"]
        run = subprocess.Popen(
            [sys.executable, "-m", "contract_cli", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while not any(s == 201 for _, _, s in app.config["log"]) and time.monotonic() < deadline:
            time.sleep(0.05)  # polling for the run's first create, not a guess at timing
        os.kill(run.pid, signal.SIGINT)
        stdout, stderr = run.communicate(timeout=30)
    assert run.returncode != 0, stdout  # a run cut short is never green
    assert "interrupted" in stdout and "interrupted (Ctrl-C)" in stderr, stderr
    assert any(s == 201 for _, _, s in app.config["log"])
    assert sorted(app.config["pets"]) == list(OTHERS), stdout
    assert snapshot(app.config["pets"]) == snapshot(others_pets())
    assert "deleted in the clean-up" in stdout and "Traceback" not in stdout


@given(
    method=st.sampled_from(sorted(STATE_CHANGING)),
    pet=st.integers(min_value=-5, max_value=FIRST_NEW_ID + 50),
    created=st.sets(st.integers(min_value=FIRST_NEW_ID, max_value=FIRST_NEW_ID + 50)),
    listed=st.sets(st.integers(min_value=1, max_value=30), max_size=3),
)
def test_a_change_is_sent_only_to_what_was_created_or_listed(
    method: str, pet: int, created: set[int], listed: set[int]
) -> None:
    known = KnownData({"*": {"petId": tuple(listed)}})
    ownership = Ownership(load_spec(SPEC), BASE, known)
    for new in created:
        ownership.learn("POST", f"{BASE}/pets", 201, {}, b'{"id": %d, "name": "x"}' % new)
    refusal = ownership.refusal(method, f"{BASE}/pets/{pet}")
    assert (refusal is None) == (pet in created or pet in listed)
    assert ownership.refusal("GET", f"{BASE}/pets/{pet}") is None
    assert ownership.refusal("POST", f"{BASE}/pets") is None  # a create touches no one's record


def test_pytest_mode_changes_only_what_it_created_and_leaves_nothing(tmp_path: Path) -> None:
    """pytest mode sends through the same guarded gate and cleans up at the session's end."""
    app = create_registry_app()
    with serve(app) as base_url:
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "--pyargs", "conformance.pytest_mode.suite",
            "--contract-base-url", base_url, "--contract-spec", str(SPEC),
            "--contract-seed", "1", "--contract-max-examples", "10",
        ]  # fmt: skip
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert snapshot(app.config["pets"]) == snapshot(others_pets())
    assert changes(app, OTHERS) == []
    assert sorted(app.config["pets"]) == list(OTHERS), result.stdout[-2000:]
    assert any(m == "DELETE" and s == 204 for m, _, s in changes(app)), result.stdout[-2000:]


def test_a_budget_spent_inside_the_first_scenario_says_how_to_fix_it(conform) -> None:
    """Schemathesis hands over a scenario's cases when it ends; a budget cut inside the first one
    tested nothing that can be reported: exit 2 with the reason, never "none answered"."""
    outcome, app = registry_run(conform, "--max-requests", "5")
    assert outcome.exit_code == 2
    assert len(app.config["log"]) == 5  # they were answered
    assert "raise --max-requests" in outcome.stderr and "none answered" not in outcome.stderr
