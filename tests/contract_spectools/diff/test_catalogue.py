"""Every rule of the catalogue fires on its breaking case and stays quiet on a look-alike safe neighbour."""

from __future__ import annotations

from typing import Any

import pytest

from contract_spectools.diff import RULES
from tests.contract_spectools.diff.cases import CATALOGUE, case_id, diff, document_for


def test_every_rule_has_a_case() -> None:
    assert {case["rule"] for case in CATALOGUE} == set(RULES)


@pytest.mark.parametrize("case", CATALOGUE, ids=case_id)
def test_breaking_case_reports_the_rule(case: dict[str, Any]) -> None:
    changes = diff(document_for(case, "base"), document_for(case, "breaking")).changes
    reported = [c for c in changes if c.rule == case["rule"]]
    assert reported, f"expected {case['rule']}, got {[(c.rule, c.message) for c in changes]}"
    assert all(c.severity == RULES[case["rule"]].severity for c in reported)
    assert all(c.affects for c in reported)


@pytest.mark.parametrize("case", CATALOGUE, ids=case_id)
def test_safe_neighbour_does_not(case: dict[str, Any]) -> None:
    changes = diff(document_for(case, "base"), document_for(case, "safe")).changes
    assert [c for c in changes if c.rule == case["rule"] or c.severity != "info"] == []
