"""contract_core.thirdparty and .records: msgspec and jsonschema-rs loaded without the standard
modules they import for nothing, each of which stays importable, and msgspec imported nowhere else."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from contract_core.thirdparty import rfc2822_datetime

REPO = Path(__file__).parents[2]


def _run(code: str, *path: str) -> list[str]:
    """`code`'s printed lines, in a fresh interpreter with the kit (and `path`) importable."""
    paths = [*path, str(REPO)]
    command = [sys.executable, "-c", f"import sys; sys.path[:0] = {paths!r}\n{code}"]
    found = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    assert found.returncode == 0, found.stderr
    return found.stdout.splitlines()


def test_the_kit_loads_neither_typing_extensions_nor_email_utils_which_stay_importable() -> None:
    printed = _run(
        "import sys, contract_core\n"
        "print(sorted(m for m in ('typing_extensions', 'inspect', 'email.utils') if m in sys.modules))\n"
        "import typing_extensions, email.utils\n"
        "print(typing_extensions.Literal is not None, email.utils.formatdate(0, usegmt=True))"
    )
    assert printed == ["[]", "True Thu, 01 Jan 1970 00:00:00 GMT"]


def test_jsonschema_rs_is_the_same_module_as_a_plain_import_gives() -> None:
    show = "import jsonschema_rs, sys; print(repr(sys.modules['jsonschema_rs.jsonschema_rs'].__build__))"
    assert _run("import contract_core\n" + show) == _run(show)


_WHEN = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2999, 12, 31), timezones=st.just(None)
)


@given(when=_WHEN, minutes=st.integers(-23 * 60 - 59, 23 * 60 + 59))
def test_the_build_time_parses_as_email_utils_parses_it(when: datetime, minutes: int) -> None:
    text = format_datetime(when.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=minutes))))
    assert rfc2822_datetime(text) == parsedate_to_datetime(text)
    assert rfc2822_datetime(text).utcoffset() == parsedate_to_datetime(text).utcoffset()


def test_a_library_that_needs_more_than_the_stand_in_is_imported_the_plain_way(
    tmp_path: Path,
) -> None:
    (tmp_path / "needs_more.py").write_text(
        "from email.utils import formatdate\n", encoding="utf-8"
    )
    printed = _run(
        "import sys\n"
        "from contract_core.thirdparty import _email_utils, _import\n"
        "module = _import('needs_more', 'email.utils', _email_utils())\n"
        "print(module.formatdate is sys.modules['email.utils'].formatdate)",
        str(tmp_path),
    )
    assert printed == ["True"]


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
        if path.name not in ("records.py", "thirdparty.py")
        and importing.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
