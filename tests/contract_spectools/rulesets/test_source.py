"""A ruleset file's places (`Where`): read when a report asks for them, not when the ruleset loads."""

from __future__ import annotations

from pathlib import Path

from contract_spectools.rulesets.loader import load_ruleset
from contract_spectools.rulesets.source import Where, read_source

RULESET = """rules:
  first:
    given: $.info
    then: {field: title, function: truthy}
  second:
    given: $.paths
    then: {function: truthy}
"""


def test_a_rule_reads_its_line_when_asked_and_not_before(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(RULESET, encoding="utf-8")
    rule = load_ruleset(path).rules["second"]
    lines = rule.where.source.lines
    assert "_yaml_root" not in vars(lines)  # the file's tree of lines is not built yet
    assert rule.source == f"{path}:5"
    assert "_yaml_root" in vars(lines)


def test_places_are_equal_when_they_name_the_same_key_of_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(RULESET, encoding="utf-8")
    source, again = read_source(path), read_source(path)
    assert Where(source, "rules", "first") == Where(again, "rules", "first")
    assert hash(Where(source, "rules", "first")) == hash(Where(again, "rules", "first"))
    assert Where(source, "rules", "first") != Where(source, "rules", "second")
    assert str(Where(source, "rules", "first")) == f"{path}:2"
