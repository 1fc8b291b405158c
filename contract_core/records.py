"""The record base of the modules `contract lint` imports: msgspec's `Struct`, and its helpers.

Every module on lint's path declares its records with what this module exports, never with
`msgspec` directly, so that msgspec is imported once, here, the cheap way: msgspec imports
`typing_extensions` when it is installed (it is, for Connexion and pydantic), only for two names
Python 3.11's `typing` has too, and `typing_extensions` imports `inspect` (with `ast`, `dis` and
`tokenize`): 7 ms of every lint's start-up, measured whole-process. Hidden while msgspec loads, it
is not found, and msgspec takes `typing`'s own names, its documented fallback; the entry is then
removed, so a later `import typing_extensions` (the mock's, conform's) loads it as usual.
"""

from __future__ import annotations

import sys

if "typing_extensions" not in sys.modules:
    sys.modules["typing_extensions"] = None  # type: ignore[assignment]  # None: "not installed"
    try:
        import msgspec  # noqa: F401
    finally:
        del sys.modules["typing_extensions"]

from msgspec import Struct, field
from msgspec.structs import asdict, replace

__all__ = ["Struct", "asdict", "field", "replace"]
