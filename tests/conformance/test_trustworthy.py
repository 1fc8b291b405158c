"""A conformance run CI can trust: never green when nothing was tested, coverage shown, a baseline
for known drift, shards that partition the spec, workers under an exact budget, stateful chains.
Every test runs `contract conform` against a real server on an ephemeral port."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from flask import Flask, Response

from tests.conformance.conftest import AUTH, SMALL_BUDGET, implementation
from tests.conformance.pets import SPEC as PETS
from tests.conformance.pets import create_pets_app
from tests.conformance.serving import serve

PETS_OPERATIONS = {"POST /pets", "GET /pets", "GET /pets/{petId}", "DELETE /pets/{petId}"}


def test_a_refused_credential_is_never_green(conform) -> None:
    with implementation(credential="the-real-one") as (base_url, _):
        outcome = conform("--base-url", base_url, "-H", AUTH, *SMALL_BUDGET)
    assert outcome.exit_code == 2, outcome.stdout
    assert (
        "nothing was tested: the server refused the credential on every valid request"
        in outcome.stderr
    )
    assert (
        "Authorization value (-H, or --contract-header in pytest) may be wrong or expired"
        in outcome.stderr
    )
    assert "CONFORMANT" not in outcome.stdout.replace("NOT CONFORMANT", "")
    coverage = outcome.report["coverage"]
    assert (
        coverage["not_exercised"] == ["POST /v1/accounts/api-tokens"]
        and coverage["exercised_percent"] == 0
    )
    assert coverage["operations"][0]["positive"]["auth"] > 0
    assert '<property name="operations_exercised" value="0" />' in outcome.junit


def test_a_wrong_base_path_says_no_documented_path_answered(conform) -> None:
    with implementation() as (base_url, _):
        outcome = conform("--base-url", base_url + "/api", "-H", AUTH, *SMALL_BUDGET)
    assert outcome.exit_code == 2, outcome.stdout
    assert (
        "no documented path answered" in outcome.stderr
        and "--base-url (or --contract-base-url in pytest) path prefix" in outcome.stderr
    )
    assert "NOT TESTED: no documented path answered" in outcome.stdout


def test_coverage_names_statuses_seen_and_never_seen(conform, tmp_path: Path, monkeypatch) -> None:
    step_summary, summary = tmp_path / "step-summary.md", tmp_path / "summary.md"
    step_summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    with implementation() as (base_url, _):
        outcome = conform(
            "--base-url",
            base_url,
            "-H",
            AUTH,
            *SMALL_BUDGET,
            "--min-coverage",
            "100",
            "--summary-md",
            str(summary),
        )
    assert outcome.exit_code == 0, outcome.stdout
    assert "**CONFORMANT: 0 findings on 1 operation(s)**" in summary.read_text()
    assert step_summary.read_text().startswith(
        "earlier step\n## Contract conformance :white_check_mark:"
    )
    [operation] = outcome.report["coverage"]["operations"]
    assert operation["exercised"] and operation["positive"]["success"] > 0
    assert "201" in operation["seen"] and "413" in operation["never_seen"]
    assert "Coverage: 1 of 1 operation(s) exercised (100%)" in outcome.stdout
    assert "never seen: 413" in outcome.stdout


def test_min_coverage_fails_a_partly_exercised_run(conform) -> None:
    # Without createPet in the run no pet exists: every read is a documented 404, and nothing is wrong.
    with serve(create_pets_app()) as base_url:
        outcome = conform(
            "--base-url",
            base_url,
            "--spec",
            str(PETS),
            *SMALL_BUDGET,
            "--include",
            "listPets",
            "--include",
            "getPet",
            "--min-coverage",
            "90",
        )
    assert outcome.exit_code == 1, outcome.stdout
    assert outcome.report["findings"] == []
    assert "coverage 50.0% is below --min-coverage 90%" in outcome.stderr
    assert (
        "not exercised (no documented success for a valid request): GET /pets/{petId}"
        in outcome.stderr
    )
    assert "Not exercised (1): GET /pets/{petId}" in outcome.stdout


def test_baseline_round_trip_known_new_resolved_expired(conform, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    with implementation("wrong_types") as (base_url, _):
        written = conform(
            "--base-url",
            base_url,
            "-H",
            AUTH,
            *SMALL_BUDGET,
            "--baseline",
            str(baseline),
            "--update-baseline",
        )
        assert written.exit_code == 0, written.stderr
        entries = json.loads(baseline.read_text())["entries"]
        assert [(e["check"], e["pointer"]) for e in entries] == [
            ("response_schema", "/modules/*/isConfigurable")
        ]
        known = conform(
            "--base-url",
            base_url,
            "-H",
            AUTH,
            "--max-examples",
            "10",
            "--seed",
            "2",
            "--baseline",
            str(baseline),
        )  # another seed: the same finding stays known
    assert known.exit_code == 0, known.stdout
    assert (
        "[known: in the baseline]" in known.stdout
        and "CONFORMANT: 0 new findings (1 known" in known.stdout
    )

    with implementation("wrong_types", "bad_format") as (base_url, _):
        new = conform(
            "--base-url", base_url, "-H", AUTH, *SMALL_BUDGET, "--baseline", str(baseline)
        )
    assert new.exit_code == 1
    assert {(f["instance_pointer"], f["baseline"]) for f in new.report["findings"]} == {
        ("/modules/0/isConfigurable", "known"),
        ("/audit/created/at", "new"),
    }

    with implementation() as (base_url, _):
        resolved = conform(
            "--base-url", base_url, "-H", AUTH, *SMALL_BUDGET, "--baseline", str(baseline)
        )
    assert resolved.exit_code == 0
    assert "no longer seen; remove it from the baseline" in resolved.stdout
    assert resolved.report["resolved"][0]["pointer"] == "/modules/*/isConfigurable"

    expired = json.loads(baseline.read_text())
    expired["entries"][0]["expires"] = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    baseline.write_text(json.dumps(expired))
    with implementation("wrong_types") as (base_url, _):
        after = conform(
            "--base-url", base_url, "-H", AUTH, *SMALL_BUDGET, "--baseline", str(baseline)
        )
    assert after.exit_code == 1
    assert "its baseline entry expired on" in after.stdout


def test_a_broken_baseline_is_one_clear_error(conform, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(
        '{"version": 1, "entries": [{"operation": "x", "check": "y", "expires": "soon"}]}'
    )
    outcome = conform("--base-url", "http://127.0.0.1:9", "--baseline", str(baseline))
    assert outcome.exit_code == 2
    assert (
        "/entries/0/expires: 'soon' is not a date" in outcome.stderr
        and "Traceback" not in outcome.stderr
    )


def test_shards_partition_the_spec(conform) -> None:
    seen: list[set[str]] = []
    with serve(create_pets_app()) as base_url:
        for index in (1, 2, 3):
            outcome = conform(
                "--base-url", base_url, "--spec", str(PETS), *SMALL_BUDGET, "--shard", f"{index}/3"
            )
            # A shard holding only `GET /pets/{petId}` reads ids Hypothesis invents: all documented 404s,
            # which is "tested nothing" (exit 2) unless an invented id happens to exist. Never findings.
            assert outcome.exit_code in (0, 2) and outcome.report["findings"] == [], outcome.stdout
            assert outcome.report["shard"] == f"{index}/3"
            seen.append(set(outcome.report["operations"]))
            assert {c["operation"] for c in outcome.report["coverage"]["operations"]} == seen[-1]
    assert set().union(*seen) == PETS_OPERATIONS
    assert sum(len(s) for s in seen) == len(PETS_OPERATIONS)


def test_a_shard_past_the_operations_is_an_error(conform) -> None:
    outcome = conform("--base-url", "http://127.0.0.1:9", "--shard", "2/2")
    assert outcome.exit_code == 2 and "this one has no operation to test" in outcome.stderr


def test_workers_keep_the_request_budget_exact_and_the_rate(conform) -> None:
    app = create_pets_app()
    with serve(app) as base_url:
        outcome = conform(
            "--base-url",
            base_url,
            "--spec",
            str(PETS),
            "--workers",
            "4",
            "--max-requests",
            "30",
            "--rate-limit",
            "40/s",
            "--seed",
            "1",
        )
    times = app.config["stats"]["times"]
    assert outcome.report["workers"] == 4
    assert (
        outcome.report["requests_sent"] == len(times) == 30 and outcome.report["budget_exhausted"]
    )
    # 40/s spaces requests 25 ms apart at the gate: 4 in any 100 ms; arrival jitter may bunch one or two more.
    assert max(sum(1 for t in times if start <= t < start + 0.1) for start in times) <= 6
    assert times[-1] - times[0] > 29 * 0.025 * 0.8


def test_stateful_chain_finds_a_server_that_loses_what_it_created(conform) -> None:
    with serve(create_pets_app("forgets")) as base_url:
        forgets = conform("--base-url", base_url, "--spec", str(PETS), *SMALL_BUDGET)
    assert forgets.exit_code == 1 and "ensure_resource_availability" in forgets.checks
    with serve(create_pets_app("renames")) as base_url:
        renames = conform("--base-url", base_url, "--spec", str(PETS), *SMALL_BUDGET)
    assert renames.exit_code == 1
    [finding] = [f for f in renames.report["findings"] if f["operation"] == "GET /pets/{petId}"]
    assert (
        finding["check"] == "created_resource_reflects_request"
        and finding["instance_pointer"] == "/name"
    )
    assert finding["title"] == "Resource read back does not reflect its creation"
    with serve(create_pets_app()) as base_url:
        correct = conform("--base-url", base_url, "--spec", str(PETS), *SMALL_BUDGET)
    assert correct.exit_code == 0, correct.stdout


ODD = Path(__file__).parent / "specs" / "odd.yaml"


def odd_app() -> Flask:
    """Routes like many frameworks: `GET /items/x/batch` reaches the `/items/<group>/<item>` handler."""
    app = Flask("odd")

    @app.get("/items/<group>/<item>")
    def read(group: str, item: str) -> Response:
        return Response(json.dumps({"id": item}), mimetype="application/json")

    @app.post("/items/<group>/batch")
    def batch(group: str) -> Response:
        return Response(json.dumps({"count": 1}), mimetype="application/json")

    @app.post("/upload")
    def upload() -> Response:
        return Response("{}", mimetype="application/json")

    return app


def test_findings_are_the_servers_never_the_tools(conform) -> None:
    with serve(odd_app()) as base_url:
        outcome = conform("--base-url", base_url, "--spec", str(ODD), *SMALL_BUDGET)
    assert "unsupported_method" not in outcome.checks, outcome.stdout
    assert "request_error" not in outcome.checks, outcome.stdout
    upload = next(
        c for c in outcome.report["coverage"]["operations"] if c["operation"] == "POST /upload"
    )
    assert any("Unsupported type: 'Binary'" in w for w in upload["warnings"])
    assert "Warning: POST /upload: could not test" in outcome.stdout
