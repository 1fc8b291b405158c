"""The rule catalogue in docs/diff.md lists every rule of `contract diff` with its severity."""

from __future__ import annotations

from contract_spectools.diff import RULES
from tests.conftest import REPO


def test_docs_list_every_rule_with_its_severity() -> None:
    page = (REPO / "docs" / "diff.md").read_text(encoding="utf-8")
    missing = [
        r.id
        for r in RULES.values()
        if f"| `{r.id}` | {r.severity} | {r.direction} | {r.kind} |" not in page
    ]
    assert missing == []
