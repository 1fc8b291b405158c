"""Fixtures the lint CLI tests share."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SPECS = Path(__file__).parent / "specs"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding openapi.yaml with three warnings (no operationId, no summary, no
    4xx response), all at or below #/paths/~1items/get."""
    shutil.copy(SPECS / "operation-id-missing.yaml", tmp_path / "openapi.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path
