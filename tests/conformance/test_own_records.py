"""Operations Schemathesis never reached are sent for records the run made itself (lifecycle.py).

With only `PUT /pets/{petId}` and `DELETE /pets/{petId}` selected, every generated id names someone
else's pet (withheld), and the create that would give the run one of its own is not part of the
run. Without the lifecycle phase such a run ended NOT TESTED.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from flask import Flask, Response, request

from conformance.engine.lifecycle import item_template
from tests.conformance.registry import OTHERS, SPEC, create_registry_app, others_pets, snapshot
from tests.conformance.serving import serve

ONLY_CHANGES = ("--include", "replacePet", "--include", "deletePet", "--max-examples", "3")


def run(conform: Any, app: Flask, *args: str, spec: Path = SPEC) -> Any:
    with serve(app) as base_url:
        return conform("--base-url", base_url, "--spec", str(spec), "--seed", "1", *args)


def own_changes(app: Flask) -> list[tuple[str, str, int]]:
    return [(m, p, s) for m, p, s in app.config["log"] if m in ("PUT", "DELETE")]


def test_unreached_changes_are_sent_for_a_record_the_run_creates(conform) -> None:
    app = create_registry_app()
    outcome = run(conform, app, *ONLY_CHANGES)
    assert outcome.exit_code == 0, outcome.stdout
    coverage = {c["operation"]: c for c in outcome.report["coverage"]["operations"]}
    assert coverage["PUT /pets/{petId}"]["seen"] == {"200": 1}, outcome.stdout
    assert coverage["DELETE /pets/{petId}"]["seen"] == {"204": 1}, outcome.stdout
    (created,) = outcome.report["created"]
    # the change first, then the delete, both on the run's own pet; nobody else's touched
    assert own_changes(app) == [
        ("PUT", created["path"], 200),
        ("DELETE", created["path"], 204),
    ]
    assert created["outcome"] == "deleted by the run"
    assert snapshot(app.config["pets"]) == snapshot(others_pets())


def test_the_exchanges_on_the_runs_own_record_are_judged(conform) -> None:
    app = create_registry_app()

    @app.after_request
    def break_replace(response: Response) -> Response:
        if request.method == "PUT" and response.status_code == 200:
            response.set_data(json.dumps({"id": "not-an-integer"}))
        return response

    outcome = run(conform, app, *ONLY_CHANGES)
    assert outcome.exit_code == 1, outcome.stdout
    findings = outcome.report["findings"]
    assert any(
        f["operation"] == "PUT /pets/{petId}" and f["check"] == "response_schema" for f in findings
    ), findings
    assert sorted(app.config["pets"]) == list(OTHERS)  # still cleaned up


def test_without_a_documented_create_the_run_says_how_to_test_them(conform, tmp_path) -> None:
    document = yaml.safe_load(SPEC.read_text())
    del document["paths"]["/pets"]["post"]
    spec = tmp_path / "no-create.yaml"
    spec.write_text(yaml.safe_dump(document))
    app = create_registry_app()
    outcome = run(conform, app, *ONLY_CHANGES, spec=spec)
    assert outcome.exit_code == 2, outcome.stdout
    assert "the spec documents no create for /pets/{petId}" in outcome.stdout + outcome.stderr
    assert "[conform.data]" in outcome.stderr
    assert own_changes(app) == [] and snapshot(app.config["pets"]) == snapshot(others_pets())


def test_an_allow_destructive_run_needs_no_record_of_its_own(conform) -> None:
    app = create_registry_app()
    outcome = run(conform, app, *ONLY_CHANGES, "--allow-destructive")
    assert outcome.report["created"] == []  # Schemathesis reached them itself
    assert own_changes(app)


def test_item_template_is_the_path_up_to_its_last_parameter() -> None:
    assert item_template("/pets/{petId}") == "/pets/{petId}"
    assert item_template("/pets/{petId}/vaccines") == "/pets/{petId}"
    assert item_template("/owners/{o}/pets/{p}") == "/owners/{o}/pets/{p}"
    assert item_template("/pets") is None
