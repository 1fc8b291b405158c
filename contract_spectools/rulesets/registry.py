"""The core functions (truthy, pattern, schema...) as the loader and the runner reach them.

They live in `contract_spectools.rulesets.functions`, found by name at run time so the loader and
the runner depend only on the interface it exports: `CORE_FUNCTIONS`, `check_options`,
`FunctionContext` and `FunctionResult`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

FUNCTIONS_MODULE = "contract_spectools.rulesets.functions"


@dataclass(frozen=True)
class CoreFunctions:
    functions: Mapping[str, Callable[..., list[Any]]]
    check_options: Callable[[str, Any], str | None]
    context: Callable[
        ..., Any
    ]  # FunctionContext(document=, path=, given_path=, rule=, ruleset_dir=)


@cache
def core_functions() -> CoreFunctions:
    module = importlib.import_module(FUNCTIONS_MODULE)
    return CoreFunctions(module.CORE_FUNCTIONS, module.check_options, module.FunctionContext)
