"""Spectral's core functions, with their options, as the ruleset runner calls them.

A function takes (target value, options, FunctionContext) and returns FunctionResults whose
`message` is Spectral's `{{error}}`, already filled (`"description" property must be truthy`).
A field that is absent reaches a function as MISSING (or as None where the path is not in the
document). `check_options` is run when a ruleset loads; `engine_notices` says which `pattern`
options run on the bounded fallback engine rather than RE2, for the runner to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract_spectools.rulesets.functions.casing import casing
from contract_spectools.rulesets.functions.context import (
    MISSING,
    Function,
    FunctionContext,
    FunctionResult,
    lookup,
)
from contract_spectools.rulesets.functions.options import check_options
from contract_spectools.rulesets.functions.ordering import alphabetical
from contract_spectools.rulesets.functions.pattern import pattern
from contract_spectools.rulesets.functions.presence import defined, falsy, truthy, undefined
from contract_spectools.rulesets.functions.properties import or_, xor
from contract_spectools.rulesets.functions.references import unreferenced_reusable_object
from contract_spectools.rulesets.functions.regex import engine_notice
from contract_spectools.rulesets.functions.schema import schema
from contract_spectools.rulesets.functions.values import enumeration, length, typed_enum

__all__ = [
    "CORE_FUNCTIONS",
    "MISSING",
    "Function",
    "FunctionContext",
    "FunctionResult",
    "check_options",
    "engine_notices",
    "lookup",
]

CORE_FUNCTIONS: dict[str, Function] = {
    "truthy": truthy,
    "falsy": falsy,
    "defined": defined,
    "undefined": undefined,
    "pattern": pattern,
    "casing": casing,
    "enumeration": enumeration,
    "length": length,
    "alphabetical": alphabetical,
    "xor": xor,
    "or": or_,
    "schema": schema,
    "typedEnum": typed_enum,
    "unreferencedReusableObject": unreferenced_reusable_object,
}


def engine_notices(name: str, options: Mapping[str, Any] | None) -> list[str]:
    """Why a (valid) `pattern` rule runs on the bounded backtracking engine, one line per pattern."""
    if name != "pattern" or not isinstance(options, Mapping):
        return []
    sources = [options[key] for key in ("match", "notMatch") if isinstance(options.get(key), str)]
    return [notice for notice in map(engine_notice, sources) if notice is not None]
