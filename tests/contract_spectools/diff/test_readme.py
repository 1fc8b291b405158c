"""The README's rule catalogue lists every rule of `contract diff` with its severity."""

from __future__ import annotations

from contract_spectools.diff import RULES
from tests.conftest import REPO


def test_readme_lists_every_rule_with_its_severity() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [
        r.id
        for r in RULES.values()
        if f"| `{r.id}` | {r.severity} | {r.direction} | {r.kind} |" not in readme
    ]
    assert missing == []
