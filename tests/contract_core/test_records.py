"""contract_core.records: msgspec imported once, without typing_extensions, which stays importable."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[2]

_PROBE = """
import sys
import contract_core.records
print("before:", "typing_extensions" in sys.modules, "inspect" in sys.modules)
import typing_extensions  # a later import (the mock's, conform's) loads it as usual
print("after:", typing_extensions.Literal is not None)
"""


def test_msgspec_loads_without_typing_extensions_which_stays_importable() -> None:
    found = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=False, timeout=60
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.splitlines() == ["before: False False", "after: True"]


def test_the_records_still_behave_as_structs() -> None:
    from contract_core.records import Struct, asdict, field, replace

    class Point(Struct, frozen=True):
        x: int
        tags: tuple[str, ...] = field(default_factory=tuple)

    moved = replace(Point(1), x=2)
    assert moved == Point(2) and hash(moved) == hash(Point(2))
    assert asdict(moved) == {"x": 2, "tags": ()}


def test_no_kit_module_imports_msgspec_but_the_records_module() -> None:
    importing = re.compile(r"^\s*(from|import) msgspec\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(REPO))
        for package in ("contract_core", "contract_spectools", "contract_cli")
        for path in (REPO / package).rglob("*.py")
        if path.name != "records.py" and importing.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
