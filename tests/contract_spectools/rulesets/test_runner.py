"""The runner on small documents: `field` forms, `resolved: false`, `formats`, message templates,
and the severity map the policy part passes in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from contract_spectools.rulesets.loader import load_ruleset
from contract_spectools.rulesets.messages import render_message
from contract_spectools.rulesets.ref_cycles import RefCycles
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
        # `@key` lints each key of the match (`/a`); {{value}} is the node at the reported path
        ("keys", "#/paths/~1a", "Object{}"),
    ]


DELETE_200 = """openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a:
    delete:
      responses:
        '200': {description: ok}
        '204': {description: gone}
"""


def test_a_field_under_a_value_that_is_not_an_object_lints_the_value_itself(
    tmp_path: Path,
) -> None:
    """Spectral's getLintTargets ignores `field` under a string: the method name is checked."""
    rules = """  method:
    given: "$.paths[*].*~"
    then: {field: method, function: enumeration, functionOptions: {values: [get, delete]}}
"""
    assert run(tmp_path, rules, DELETE_200) == []
    only_get = rules.replace("[get, delete]", "[get]")
    assert [where for _, where, _ in run(tmp_path, only_get, DELETE_200)] == ["#/paths/~1a/delete"]


def test_key_field_makes_one_target_per_key_of_the_match(tmp_path: Path) -> None:
    rules = """  codes:
    message: "{{error}}"
    given: "$.paths[*].delete.responses"
    then: {field: "@key", function: pattern, functionOptions: {notMatch: "^(200|201)$"}}
"""
    assert run(tmp_path, rules, DELETE_200) == [
        (
            "codes",
            "#/paths/~1a/delete/responses/200",
            '"200" must not match the pattern "^(200|201)$"',
        )
    ]


def test_key_field_on_an_array_and_on_an_empty_object(tmp_path: Path) -> None:
    """Object.keys of an array is its indexes; no key at all calls the function once, on undefined."""
    spec = DELETE_200 + "tags: [{name: a}]\ncomponents: {}\n"
    rules = """  keys:
    given: ["$.tags", "$.components"]
    then: {field: "@key", function: truthy}
  index:
    given: "$.tags"
    then: {field: "@key", function: pattern, functionOptions: {match: "^1$"}}
"""
    assert [(rule, where) for rule, where, _ in run(tmp_path, rules, spec)] == [
        ("index", "#/tags/0"),
        ("keys", "#/components"),
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


REFS = """openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/A'}
  /c:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/C'}
components:
  schemas:
    A:
      type: object
      properties:
        B_ref: {$ref: '#/components/schemas/B'}
    B:
      type: object
      properties:
        A_ref: {$ref: '#/components/schemas/A'}
    C:
      type: object
      properties:
        D_sib: {$ref: '#/components/schemas/D', description: x}
    D:
      type: object
      properties:
        inner_x: {type: string}
    E:
      type: object
      properties:
        F_plain: {$ref: '#/components/schemas/F'}
    F:
      type: string
"""


def test_a_ref_that_closes_a_cycle_or_has_siblings_is_reported_where_it_is_written(
    tmp_path: Path,
) -> None:
    """Spectral 6.16.3's output on this spec and rules, recorded: the `$ref`s of the A <-> B cycle
    and the one with a sibling are located where they are written, the latter only on a path that went
    through no `$ref` (reached from `/c`, it is located at its target D); a lone `$ref` at its target,
    and one in the middle of a path (`D_sib.type`) is followed."""
    rules = """  camel:
    given: $..properties.*~
    then: {function: casing, functionOptions: {type: camel}}
  typed:
    given: $.components.schemas.C.properties.D_sib
    then: {field: type, function: falsy}
"""
    assert [(rule, where) for rule, where, _ in run(tmp_path, rules, REFS)] == [
        ("camel", "#/components/schemas/A/properties/B_ref"),
        ("camel", "#/components/schemas/B/properties/A_ref"),
        ("camel", "#/components/schemas/C/properties/D_sib"),
        ("camel", "#/components/schemas/D"),
        ("camel", "#/components/schemas/D/properties/inner_x"),
        ("camel", "#/components/schemas/F"),
        ("typed", "#/components/schemas/D/type"),
    ]


def test_ref_cycles_are_the_targets_strongly_connected_components() -> None:
    a, b, c = ("f", ("A",)), ("f", ("B",)), ("f", ("C",))
    cycles = RefCycles({a: {b}, b: {a, c}, c: set()})
    assert cycles.closes_cycle("f", ("A", "properties", "b"), b)
    assert cycles.closes_cycle("f", ("B", "items"), a)
    assert not cycles.closes_cycle("f", ("B", "items"), c)  # C leads nowhere back
    assert not cycles.closes_cycle("f", ("paths", "x"), a)  # nothing leads back into a path
    assert not cycles.closes_cycle("f", ("A",), b)  # `A: {$ref: B}` is itself followed
    assert not cycles.closes_cycle("g", ("A", "x"), b)  # another file's A
