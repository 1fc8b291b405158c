"""Refactors are no change at all: each pair in `refactors/` must diff empty, info included, both ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract_spectools.diff.cases import diff

TRAPS = sorted(p for p in (Path(__file__).parent / "refactors").iterdir() if p.is_dir())


@pytest.mark.parametrize("trap", TRAPS, ids=lambda p: p.name)
def test_refactor_is_no_change(trap: Path) -> None:
    base = (trap / "base.yaml").read_text(encoding="utf-8")
    revision = (trap / "revision.yaml").read_text(encoding="utf-8")
    assert [(c.rule, c.message) for c in diff(base, revision).changes] == []
    assert [(c.rule, c.message) for c in diff(revision, base).changes] == []
