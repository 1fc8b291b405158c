"""The core functions (truthy, pattern, schema...) as the loader and the runner reach them: only
through the interface `contract_spectools.rulesets.functions` exports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from contract_core.records import Struct
from contract_spectools.rulesets import functions
from contract_spectools.rulesets.oas_functions import BUNDLED_FUNCTIONS


class CoreFunctions(Struct, frozen=True):
    functions: Mapping[str, Callable[..., list[Any]]]
    check_options: Callable[[str, Any], str | None]
    # FunctionContext(document, path, given_path, rule, ruleset_dir): the runner sets the two paths
    # of one context per rule for each target
    context: Callable[..., Any]
    # why a `pattern` runs on the bounded backtracking engine rather than RE2, one line per pattern
    engine_notices: Callable[[str, Mapping[str, Any] | None], list[str]]
    # Spectral's non-core functions the bundled spectral:oas ruleset (and only it) calls
    bundled: Mapping[str, Callable[..., list[Any]]]
    missing: Any  # the value of a target that is not there (JavaScript's undefined)

    def function(self, name: str) -> Callable[..., list[Any]]:
        return self.functions.get(name) or self.bundled[name]


@cache
def core_functions() -> CoreFunctions:
    return CoreFunctions(
        functions.CORE_FUNCTIONS,
        functions.check_options,
        functions.FunctionContext,
        functions.engine_notices,
        BUNDLED_FUNCTIONS,
        functions.MISSING,
    )
