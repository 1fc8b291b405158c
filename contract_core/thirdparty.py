"""msgspec and jsonschema-rs, imported without the standard modules they load for nothing.

`contract lint` is start-up bound (a 46 kB spec lints in about 100 ms, a third of it imports), and
two libraries load modules only for what the kit never reads:

- msgspec imports `typing_extensions` when it is installed (it is, for Connexion and pydantic) for
  two names Python 3.11's `typing` has too, and `typing_extensions` imports `inspect` (with `ast`,
  `dis`, `tokenize`): 7 ms. Hidden while msgspec loads, it reads as not installed, and msgspec takes
  `typing`'s names: its own fallback.
- jsonschema-rs's extension parses its build time for `__build__` (pyo3-built) with
  `email.utils.parsedate_to_datetime`, and `email.utils` imports `socket`, `random`, `calendar`,
  `locale` and the `email` package: 7 ms. While it loads, `email.utils` is a module holding only
  that function, which parses the one date format pyo3-built writes into the same datetime.

Each entry is removed as soon as its library is loaded, so a later `import typing_extensions` or
`import email.utils` (the mock's, conform's) loads the real module. If a library's import fails
under the stand-in (a release that reads more of it), it is imported again the plain way.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from types import ModuleType

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@contextmanager
def _stand_in(name: str, module: ModuleType | None) -> Iterator[None]:
    """`name` imports as `module` (None: as not installed) inside the block, unless already loaded."""
    if name in sys.modules:
        yield
        return
    sys.modules[name] = module  # type: ignore[assignment]  # None is the import system's "absent"
    try:
        yield
    finally:
        if sys.modules.get(name) is module:
            del sys.modules[name]


def _import(library: str, name: str, module: ModuleType | None) -> ModuleType:
    try:
        with _stand_in(name, module):
            return __import__(library)
    except Exception:
        for loaded in [m for m in sys.modules if m == library or m.startswith(library + ".")]:
            del sys.modules[loaded]
        return __import__(library)


def rfc2822_datetime(text: str) -> datetime:
    """`email.utils.parsedate_to_datetime` for the form pyo3-built writes: `Tue, 27 Oct 2026 10:17:51 +0000`."""
    _, day, month, year, clock, zone = text.split()
    hour, minute, second = (int(part) for part in clock.split(":"))
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
    tz = timezone(-offset if zone[0] == "-" else offset)
    return datetime(int(year), _MONTHS.index(month) + 1, int(day), hour, minute, second, tzinfo=tz)


def _email_utils() -> ModuleType:
    module = ModuleType(
        "email.utils", "a stand-in while jsonschema-rs loads (contract_core.thirdparty)"
    )
    module.parsedate_to_datetime = rfc2822_datetime  # type: ignore[attr-defined]
    return module


msgspec = _import("msgspec", "typing_extensions", None)
jsonschema_rs = _import("jsonschema_rs", "email.utils", _email_utils())

__all__ = ["jsonschema_rs", "msgspec"]
