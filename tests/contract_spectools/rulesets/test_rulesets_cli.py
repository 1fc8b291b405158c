"""`contract lint --ruleset`: load errors (exit 2, FILE:LINE), a realistic ruleset end to end, extends,
overrides, custom functions skipped, every output format, contract.toml and .spectral.yaml, --timeout."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from contract_cli import main
from contract_core import bundled_spec_path
from contract_spectools.rulesets.functions import CORE_FUNCTIONS, FunctionResult
from contract_spectools.rulesets.loader import load_ruleset
from contract_spectools.rulesets.spectral_oas import BUNDLED
from tests.conftest import corpus_dir

DATA = Path(__file__).parent / "data"
STYLE = DATA / "style.yaml"
STYLED = DATA / "styled.yaml"


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path: Path, text: str, name: str = "ruleset.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


RULE = "rules:\n  r:\n    given: $.info\n    then:\n      function: truthy\n"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("rules: [unclosed\n", 2, "not valid YAML or JSON"),
        ("- a list\n", 1, "a ruleset is a mapping"),
        (RULE.replace("truthy", "nosuch"), 5, "unknown function 'nosuch'"),
        (RULE.replace("$.info", "$.info[?(@.x ==)]"), 3, "`given` does not parse"),
        (RULE.replace("$.info", "'#Nope'"), 3, "unknown alias '#Nope'"),
        (RULE.replace("truthy", "pattern"), 5, "bad functionOptions for pattern"),
        (RULE + "    severity: loud\n", 6, "bad severity 'loud'"),
        (RULE + "    formats: [oas9]\n", 6, "unknown format 'oas9'"),
        ("rules:\n  r:\n    then: {function: truthy}\n", 2, "a rule needs `given`"),
        ("extends: [[x.yaml, some]]\n", 1, "an `extends` entry"),
        ("extends: spectral:graphql\n", 1, "cannot extend 'spectral:graphql'"),
        ("extends: missing.yaml\n", 1, "is not a file"),
    ],
)
def test_a_bad_ruleset_is_one_line_with_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, line: int, reason: str
) -> None:
    ruleset = write(tmp_path, text)
    code, out, err = lint(capsys, "--ruleset", str(ruleset), str(STYLED))
    assert (code, out) == (2, "")
    assert err.startswith(f"contract: error: {ruleset}:{line}: ")
    assert reason in err and len(err.splitlines()) == 1


def test_a_json_ruleset_error_names_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ruleset = write(
        tmp_path,
        '{\n  "rules": {\n    "r": {"given": "$", "then": {"function": "nope"}}\n  }\n}\n',
        "r.json",
    )
    code, _, err = lint(capsys, "--ruleset", str(ruleset))
    assert code == 2 and err.startswith(f"contract: error: {ruleset}:3: unknown function 'nope'")


def test_a_severity_for_an_undefined_rule_is_reported_not_fatal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ruleset = write(tmp_path, RULE + "  oas2: false\n")
    _, found = findings(capsys, "--ruleset", str(ruleset), str(STYLED))
    [undefined] = [f for f in found if "defined nowhere" in str(f["message"])]
    assert (undefined["rule"], undefined["source"], undefined["line"]) == (
        "ruleset-rule-skipped",
        str(ruleset),
        6,
    )


def test_extends_in_a_circle_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write(tmp_path, "extends: b.yaml\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\n", "b.yaml")
    code, _, err = lint(capsys, "--ruleset", str(tmp_path / "a.yaml"))
    assert code == 2 and "goes round in a circle: a.yaml -> b.yaml -> a.yaml" in err


def test_a_missing_ruleset_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = lint(capsys, "--ruleset", str(tmp_path / "none.yaml"))
    assert code == 2 and err == f"contract: error: {tmp_path / 'none.yaml'}: no such ruleset file\n"


def findings(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    code, out, _ = lint(capsys, "--format", "json", *args)
    return code, json.loads(out)["findings"]


def test_the_style_ruleset_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    code, found = findings(capsys, "--ruleset", str(STYLE), str(STYLED))
    got = {(f["rule"], f["severity"], f["pointer"], f["line"]) for f in found}
    assert code == 1  # paths-kebab-case is an error
    assert got == {
        ("info-contact", "warning", "#/info", 2),  # extended from base.yaml
        # spectral:oas rules run from the bundled ruleset
        ("oas3-api-servers", "warning", "#", 1),
        ("info-description", "warning", "#/info", 2),
        ("operation-description", "warning", "#/paths/~1items/get", 7),
        ("operation-tags", "warning", "#/paths/~1items/get", 7),
        ("operation-description", "warning", "#/paths/~1legacy_items/get", 25),
        ("operation-tags", "warning", "#/paths/~1legacy_items/get", 25),
        ("operation-description", "warning", "#/paths/~1BadPath/post", 32),
        ("operation-tags", "warning", "#/paths/~1BadPath/post", 32),
        ("query-params-camel", "info", "#/paths/~1items/get/parameters/0/name", 11),  # severity 2
        ("paths-kebab-case", "error", "#/paths/~1BadPath", 31),  # /legacy_items: pointer override
        ("operation-summary", "warning", "#/paths/~1BadPath/post", 32),  # via an alias
        ("operation-summary-missing", "warning", "#/paths/~1BadPath/post", 32),  # the kit's own
        (
            "schema-properties-described",
            "hint",
            "#/components/schemas/Item/properties/name",
            42,
        ),
        ("ruleset-rule-skipped", "info", "#", 42),  # custom-js, at its line in the ruleset
    }
    # `operation-operationId: off` turns off the kit's operation-id-missing (BadPath has none)
    assert "operation-id-missing" not in {f["rule"] for f in found}
    kebab = next(f for f in found if f["rule"] == "paths-kebab-case")
    assert str(kebab["message"]).startswith("/BadPath is not kebab-case: ")
    skipped = [f["message"] for f in found if f["rule"] == "ruleset-rule-skipped"]
    assert any("'custom-js'" in str(m) and "ensureCompanyPrefix" in str(m) for m in skipped)


def test_recommended_false_needs_extends_all(tmp_path: Path) -> None:
    assert not load_ruleset(STYLE).rules["not-recommended"].enabled
    all_of_it = write(tmp_path, f"extends: [[{DATA / 'base.yaml'}, all]]\n")
    assert load_ruleset(all_of_it).rules["not-recommended"].enabled
    none_of_it = write(
        tmp_path,
        f"extends: [[{DATA / 'base.yaml'}, off]]\nrules:\n  info-contact: error\n",
        "off.yaml",
    )
    rules = load_ruleset(none_of_it).rules
    assert (
        rules["info-contact"].effective_severity == "error" and not rules["not-recommended"].enabled
    )


def test_spectral_oas_off_turns_the_mapped_kit_rules_off(tmp_path: Path) -> None:
    ruleset = load_ruleset(
        write(tmp_path, "extends: [[spectral:oas, off]]\nrules:\n  path-params: warn\n")
    )
    steered = ruleset.kit_severities
    assert steered["operation-id-missing"] == "off" and steered["path-param-unused"] == "warning"


@pytest.mark.parametrize("fmt", ["text", "github", "sarif"])
def test_every_format_carries_ruleset_findings(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    _, out, _ = lint(capsys, "--format", fmt, "--ruleset", str(STYLE), str(STYLED))
    assert "paths-kebab-case" in out and "ruleset-rule-skipped" in out and "custom-js" in out
    if fmt == "sarif":
        run = json.loads(out)["runs"][0]
        rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
        for result in run["results"]:
            assert rules[result["ruleIndex"]] == result["ruleId"]
        assert "query-params-camel" in rules


def test_file_glob_overrides(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ruleset = write(
        tmp_path,
        f"extends: {STYLE}\noverrides:\n  - files: ['**/*.yaml']\n    rules:\n      paths-kebab-case: info\n",
    )
    code, found = findings(capsys, "--ruleset", str(ruleset), str(STYLED))
    assert code == 0
    # later overrides win: this one also replaces style.yaml's `off` at /legacy_items
    kebab = {(f["pointer"], f["severity"]) for f in found if f["rule"] == "paths-kebab-case"}
    assert kebab == {("#/paths/~1BadPath", "info"), ("#/paths/~1legacy_items", "info")}


def test_ruleset_from_contract_toml_and_discovered(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "base.yaml", tmp_path / "team.yaml")
    (tmp_path / "contract.toml").write_text('[lint]\nruleset = "team.yaml"\n')
    monkeypatch.chdir(tmp_path)
    _, found = findings(capsys, str(STYLED))
    assert "info-contact" in {f["rule"] for f in found}
    (tmp_path / "contract.toml").unlink()
    shutil.copy(DATA / "base.yaml", tmp_path / ".spectral.yaml")
    _, found = findings(capsys, str(STYLED))
    assert "info-contact" in {f["rule"] for f in found}


def test_timeout_names_the_running_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = lint(capsys, "--timeout", "0.000000001", "--ruleset", str(STYLE), str(STYLED))
    assert (code, out) == (2, "")
    assert err.startswith(
        "contract: error: lint timed out after 1e-09 s while running rule 'duplicated-entry-in-enum' ("
    )
    # the first rule run: spectral:oas' bundled ruleset, by its name, not where the kit is installed
    assert "(spectral:oas:41)" in err and str(BUNDLED) not in err
    assert BUNDLED.read_text().splitlines()[40] == "  duplicated-entry-in-enum:"


def test_bundled_spectral_oas_rules_come_from_spectral_oas(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`--list-rules` (text and JSON) shows `spectral:oas:LINE`, LINE the rule's in the bundled file;
    no output names the installed file, and findings stay located in the spec."""
    ruleset = write(tmp_path, "extends: [[spectral:oas, all]]\n")
    bundled_lines = BUNDLED.read_text().splitlines()
    _, out, _ = lint(capsys, "--ruleset", str(ruleset), "--list-rules", "--format", "json")
    listed = {r["name"]: r["source"] for r in json.loads(out)["rules"]}
    for name in load_ruleset(BUNDLED).rules:
        shown, line = listed[name].rsplit(":", 1)
        assert (shown, bundled_lines[int(line) - 1]) == ("spectral:oas", f"  {name}:")
    _, text, _ = lint(capsys, "--ruleset", str(ruleset), "--list-rules")
    assert "info-contact  " in text and "  spectral:oas:" in text
    for fmt in ("text", "json", "github", "sarif"):
        _, out, _ = lint(capsys, "--ruleset", str(ruleset), "--format", fmt, str(STYLED))
        assert "info-description" in out and str(BUNDLED.parent) not in out
    _, found = findings(capsys, "--ruleset", str(ruleset), str(STYLED))
    assert {f["source"] for f in found} == {str(STYLED)}


def test_ref_cycles_across_files_terminate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "spec.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    A: {$ref: 'other.yaml#/B'}\n"
    )
    (tmp_path / "other.yaml").write_text(
        "B:\n  type: object\n  properties:\n    a: {$ref: 'spec.yaml#/components/schemas/A'}\n    n: {type: number}\n"
    )
    ruleset = write(
        tmp_path,
        "rules:\n  described:\n    given: $..properties[*]\n"
        "    then:\n      field: description\n      function: truthy\n",
    )
    _, found = findings(capsys, "--ruleset", str(ruleset), str(tmp_path / "spec.yaml"))
    described = {(f["source"], f["pointer"], f["line"]) for f in found if f["rule"] == "described"}
    other = str(tmp_path / "other.yaml")
    assert described == {
        (other, "#/B/properties/a", 4),
        (other, "#/B/properties/n", 5),
    }


def test_a_function_that_throws_is_a_non_match(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def throws_on_the_title(value: object, options: object, context: object) -> list[object]:
        if value == "Styled":
            raise TypeError("cannot read properties of null")
        return [FunctionResult("judged")]

    monkeypatch.setitem(CORE_FUNCTIONS, "truthy", throws_on_the_title)
    ruleset = write(tmp_path, RULE.replace("$.info", "$.info.*"))
    _, found = findings(capsys, "--ruleset", str(ruleset), str(STYLED))
    assert [f["pointer"] for f in found if f["rule"] == "r"] == ["#/info/version"]


def test_the_bundled_spec_with_the_style_ruleset(capsys: pytest.CaptureFixture[str]) -> None:
    code, found = findings(capsys, "--ruleset", str(STYLE), str(bundled_spec_path()))
    assert code in (0, 1) and found
    assert all(f["source"] and f["pointer"].startswith("#") for f in found)


@pytest.mark.corpus
def test_a_corpus_spec_with_the_style_ruleset(capsys: pytest.CaptureFixture[str]) -> None:
    folder = corpus_dir()
    spec = folder / "cloud-hypervisor.yaml" if folder else None
    if spec is None or not spec.is_file():
        pytest.skip("no corpus folder (set CONTRACT_CORPUS)")
    code, found = findings(capsys, "--ruleset", str(STYLE), str(spec))
    assert code in (0, 1)
    assert "schema-properties-described" in {f["rule"] for f in found}


def test_a_pattern_off_re2_is_named_and_still_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Lookahead needs the backtracking engine (bounded per value, not linear): reported at the rule."""
    ruleset = write(
        tmp_path,
        "rules:\n  title-no-draft:\n    given: $.info.title\n    severity: error\n    then:\n"
        "      function: pattern\n      functionOptions:\n        match: '^(?!Draft).*$'\n",
    )
    code, found = findings(capsys, "--ruleset", str(ruleset))
    fallback = [f for f in found if f["rule"] == "ruleset-pattern-fallback"]
    assert len(fallback) == 1 and "title-no-draft" in str(fallback[0]["message"])
    assert fallback[0]["source"] == str(ruleset) and fallback[0]["line"] == 2
    assert not [f for f in found if f["rule"] == "title-no-draft"]  # the bundled title passes
    assert code == 0


def doubly_referenced_chain(levels: int) -> str:
    """Schemas N0 ... Nn, each with properties `a` and `b` both `$ref` to the next: 2^n leaves once
    expanded (issue 19's repro of the `schema` function's memory blow-up)."""
    schemas = {
        f"N{i}": {
            "type": "object",
            "properties": {name: {"$ref": f"#/components/schemas/N{i + 1}"} for name in "ab"},
        }
        for i in range(levels)
    }
    schemas[f"N{levels}"] = {"type": "string"}
    ok = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/N0"}}},
    }
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": ok}}}},
        "components": {"schemas": schemas},
    }
    return json.dumps(spec)


def test_schema_on_a_doubly_referenced_chain_ends_fast_with_timeout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spec = write(tmp_path, doubly_referenced_chain(30), "spec.json")
    ruleset = write(
        tmp_path,
        "rules:\n  needs-400:\n    given: $.paths.*.get\n    then:\n      function: schema\n"
        "      functionOptions:\n        schema: {properties: {responses: {required: ['400']}}}\n"
        "  recursive:\n    given: $.paths.*.get\n    then:\n      function: schema\n"
        "      functionOptions:\n        schema: {$ref: '#/$defs/x', $defs: {x: "
        "{additionalProperties: {$ref: '#/$defs/x'}}}}\n",
    )
    code, found = findings(capsys, "--timeout", "20", "--ruleset", str(ruleset), str(spec))
    messages = {f["rule"]: f["message"] for f in found if f["rule"] in ("needs-400", "recursive")}
    assert code == 0  # both rules are warnings (the default severity)
    assert messages["needs-400"] == '"responses" property must have required property "400"'
    assert "too large to check against the schema" in messages["recursive"]
