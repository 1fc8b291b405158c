"""The runner on small documents: `field` forms, `resolved: false`, `formats`, message templates,
and the severity map the policy part passes in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from contract_spectools.rulesets.loader import load_ruleset
from contract_spectools.rulesets.messages import render_message
from contract_spectools.rulesets.runner import Document, field_tokens, run_ruleset

SPEC = """openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200': {$ref: '#/components/responses/Ok'}
components:
  responses:
    Ok: {description: ''}
"""


def run(tmp_path: Path, rules: str, spec: str = SPEC, **options: Any) -> list[tuple[str, str, str]]:
    (tmp_path / "r.yaml").write_text("rules:\n" + rules)
    ruleset = load_ruleset(tmp_path / "r.yaml")
    document = Document(yaml.safe_load(spec), spec, str(tmp_path / "spec.yaml"))
    found = run_ruleset(ruleset, document, **options)
    return sorted((f.rule, f.pointer, f.message) for f in found)


DESCRIBED = """  described:
    message: "{{property}} at {{path}} is {{value}}"
    given: "$.paths[*][*].responses[*]"
    then: {field: description, function: truthy}
"""


def test_a_resolved_rule_reports_where_the_target_is_written(tmp_path: Path) -> None:
    assert run(tmp_path, DESCRIBED) == [
        (
            "described",
            "#/components/responses/Ok/description",
            'description at #/components/responses/Ok/description is ""',
        )
    ]


def test_resolved_false_sees_the_ref(tmp_path: Path) -> None:
    assert run(tmp_path, DESCRIBED + "    resolved: false\n") == [
        (
            "described",
            "#/paths/~1a/get/responses/200",
            "200.description at #/paths/~1a/get/responses/200 is Object{}",
        )
    ]


def test_formats_gate_a_rule(tmp_path: Path) -> None:
    assert run(tmp_path, DESCRIBED + "    formats: [oas3.0]\n") == []
    assert len(run(tmp_path, DESCRIBED + "    formats: [oas3_1, oas2]\n")) == 1


def test_key_and_jsonpath_fields(tmp_path: Path) -> None:
    rules = """  keys:
    message: "{{value}}"
    given: "$.paths"
    then: {field: "@key", function: pattern, functionOptions: {match: "^/b"}}
  deep:
    message: "{{path}}"
    given: "$.components"
    then: {field: "$.responses[*].description", function: truthy}
"""
    assert run(tmp_path, rules) == [
        ("deep", "#/components/responses/Ok/description", "#/components/responses/Ok/description"),
        (
            "keys",
            "#/paths/~1a",
            "Object{}",
        ),  # {{value}} is the node at the reported path, as in Spectral
    ]


def test_the_callers_severities_replace_a_rules_own(tmp_path: Path) -> None:
    assert run(tmp_path, DESCRIBED, severities={"described": "off"}) == []
    (tmp_path / "r.yaml").write_text("rules:\n" + DESCRIBED)
    ruleset = load_ruleset(tmp_path / "r.yaml")
    document = Document(yaml.safe_load(SPEC), SPEC, "spec.yaml")
    [found] = run_ruleset(ruleset, document, severities={"described": "error"})
    assert found.severity == "error"


def test_messages_as_spectral_fills_them() -> None:
    fill = dict(path=("info",), missing=("contact",), value={}, description="Has a contact.")
    assert render_message(None, error="e", **fill) == "Has a contact."  # type: ignore[arg-type]
    assert (
        render_message(
            None,
            error="{{property}} is missing",
            path=("info",),
            missing=("contact",),
            value={},
            description="",
        )
        == "info.contact is missing"
    )
    assert (
        render_message(" {{error}}: {{description}} ", error="bad", **fill) == "bad: Has a contact."
    )  # type: ignore[arg-type]


def test_field_tokens_as_lodash_topath() -> None:
    assert field_tokens("a.b[0]['c-d']") == ("a", "b", 0, "c-d")
