"""Each rule flags its small broken spec (rule id and pointer), and clean specs have no findings.

Every file in specs/ names what it must produce in `# expect: RULE POINTER` comment lines.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from contract_core import bundled_spec_path, parse_spec
from contract_core.walk import iter_all_schemas
from contract_spectools.lint import RULES, lint_file, lint_spec
from contract_spectools.lint.values import ValueChecker

SPECS = Path(__file__).parent / "specs"
BROKEN = sorted(p for p in SPECS.glob("*.yaml") if p.name != "clean.yaml")


def expectations(path: Path) -> list[tuple[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split()[2:4]) for line in lines if line.startswith("# expect:")]  # type: ignore[misc]


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_each_broken_spec_is_flagged_with_rule_and_pointer(path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} states no expectation"
    found = {(f.rule, f.pointer) for f in lint_file(path).findings}
    for rule, pointer in expected:
        assert (rule, pointer) in found, (
            f"{path.name}: no {rule} at {pointer}; found {sorted(found)}"
        )


def test_every_rule_has_a_broken_spec() -> None:
    covered = {rule for path in BROKEN for rule, _ in expectations(path)}
    # the ruleset-* rules are about a ruleset, not a spec: tests/contract_spectools/rulesets covers them
    assert covered == set(RULES) - {"ruleset-rule-skipped", "ruleset-pattern-fallback"}


def test_findings_carry_line_severity_and_hint() -> None:
    [found] = [
        f
        for f in lint_file(SPECS / "required-undefined.yaml").findings
        if f.rule == "required-undefined"
    ]
    assert (found.line, found.severity) == (9, "error")  # the `required:` line of the file
    assert "define the property" in found.hint
    assert found.source.endswith("required-undefined.yaml")


def test_a_required_cycle_is_named_as_the_fixture_engine_names_it() -> None:
    [found] = [
        f for f in lint_file(SPECS / "required-cycle.yaml").findings if f.rule == "required-cycle"
    ]
    assert "Account -> Group -> Account" in found.message


def test_a_broken_file_is_one_finding_with_its_line() -> None:
    result = lint_file(SPECS / "spec-unreadable.yaml")
    assert not result.loaded
    [found] = result.findings
    assert (found.rule, found.line) == ("spec-unreadable", 4)


@pytest.mark.parametrize(
    "text", ["", "[1, 2]", "swagger: '2.0'", "openapi: 3.0.3\ninfo: 7\npaths: 12\n"]
)
def test_garbage_never_raises(tmp_path: Path, text: str) -> None:
    path = tmp_path / "garbage.yaml"
    path.write_text(text, encoding="utf-8")
    assert lint_file(path).findings


def test_clean_spec_has_no_findings() -> None:
    assert lint_file(SPECS / "clean.yaml").findings == []


def test_bundled_spec_has_no_findings() -> None:
    assert lint_file(bundled_spec_path()).findings == []


def test_optional_cycles_and_nullable_exits_are_fine() -> None:
    spec = parse_spec(
        """
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Node:
      type: object
      required: [next, children]
      properties:
        next: {allOf: [{$ref: "#/components/schemas/Node"}], nullable: true}
        children: {type: array, items: {$ref: "#/components/schemas/Node"}}
"""
    )
    assert [f for f in lint_spec(spec) if f.rule == "required-cycle"] == []


def test_required_names_from_allof_members_and_parents_count_as_defined() -> None:
    spec = parse_spec(
        """
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Base: {type: object, properties: {id: {type: string}}}
    Child:
      allOf:
        - $ref: "#/components/schemas/Base"
        - {type: object, required: [id, name], properties: {name: {type: string}}}
    OneOfTheTwo:
      type: object
      properties: {a: {type: string}, b: {type: string}}
      anyOf: [{required: [a]}, {required: [b]}]
      not: {required: [a, b]}
"""
    )
    assert [f for f in lint_spec(spec) if f.rule == "required-undefined"] == []


def test_read_only_required_properties_do_not_fail_request_examples() -> None:
    spec = parse_spec(
        """
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /items:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Item"}
            example: {name: Pen}
      responses: {"201": {description: created}}
components:
  schemas:
    Item:
      type: object
      required: [id, name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
"""
    )
    assert [f for f in lint_spec(spec) if f.rule == "invalid-example"] == []


def test_components_count_as_used_through_security_discriminators_and_their_users() -> None:
    spec = parse_spec(
        """
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /pets:
    get:
      security: [{OpKey: []}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/default"}
              example:
                {$ref: "#/components/schemas/InExample", operationId: x, security: [{InExampleKey: []}]}
components:
  securitySchemes:
    OpKey: {type: apiKey, in: header, name: X-Key}
    InExampleKey: {type: apiKey, in: header, name: X-Other}
  schemas:
    default:
      type: object
      discriminator: {propertyName: kind, mapping: {cat: Cat}}
    Cat: {type: object, properties: {owner: {$ref: "#/components/schemas/Owner"}}}
    Owner: {type: string}
    InExample: {type: string}
"""
    )
    unused = {f.pointer for f in lint_spec(spec) if f.rule == "unused-component"}
    # a component named like a literal keyword (`default`) still has its discriminator read; a $ref
    # or a security requirement inside example data is data, not a use
    assert unused == {
        "#/components/securitySchemes/InExampleKey",
        "#/components/schemas/InExample",
    }


def test_a_value_missing_a_property_the_other_side_owns_is_valid_on_its_own_side() -> None:
    spec = parse_spec(
        """
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /items:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
              examples:
                noSecret: {value: {id: a, name: Pen}}
                noId: {value: {name: Pen, secret: s}}
components:
  schemas:
    Item:
      type: object
      required: [id, name, secret]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
        secret: {type: string, writeOnly: true}
    ForEitherSide:
      $ref: "#/components/schemas/Item"
      example: {name: Pen, secret: s}
    ForNeither:
      allOf: [{$ref: "#/components/schemas/Item"}]
      example: {name: Pen}
"""
    )
    invalid = {f.pointer for f in lint_spec(spec) if f.rule == "invalid-example"}
    assert invalid == {
        "#/paths/~1items/get/responses/200/content/application~1json/examples/noId/value",
        "#/components/schemas/ForNeither/example",
    }


def test_the_collector_is_left_as_the_caller_had_it() -> None:
    spec = parse_spec(bundled_spec_path().read_text(encoding="utf-8"))
    assert gc.isenabled()
    lint_spec(spec)
    lint_file(SPECS / "spec-unreadable.yaml")  # the pause ends on the early return too
    assert gc.isenabled()
    gc.disable()
    try:
        lint_spec(spec)
        lint_file(bundled_spec_path())
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("flags", "differing"),
    [
        ("", set()),
        ("id: {type: string, readOnly: true}", {"request"}),
        ("id: {type: string, writeOnly: true}", {"response"}),
        ("id: {type: string}\n        other: {type: string, readOnly: true}", set()),
    ],
)
def test_a_side_view_differs_only_where_it_drops_a_required_property(
    flags: str, differing: set[str]
) -> None:
    properties = flags or "id: {type: string}"
    spec = parse_spec(
        f"""
openapi: 3.0.3
info: {{title: T, version: "1"}}
paths: {{}}
components:
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        {properties}
"""
    )
    checker = ValueChecker(spec, list(iter_all_schemas(spec.document)))
    assert {side for side in ("request", "response") if checker._drops_required(side)} == differing
