"""The record base of the modules `contract lint` imports: msgspec's `Struct`, and its helpers.

Every module on lint's path declares its records with what this module exports, never with
`msgspec` directly. The package's `__init__` has loaded msgspec first, the cheap way
(`contract_core.thirdparty`).
"""

from __future__ import annotations

from msgspec import Struct, field
from msgspec.structs import asdict, replace

__all__ = ["Struct", "asdict", "field", "replace"]
