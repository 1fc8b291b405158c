"""A stand-in for `contract_spectools.rulesets.functions` (truthy, pattern, casing) with its interface,
installed by conftest.py only where that package is not there yet (it is written on another branch)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FunctionContext:
    document: Any
    path: tuple[str | int, ...]
    given_path: tuple[str | int, ...]
    rule: str
    ruleset_dir: Path


@dataclass(frozen=True)
class FunctionResult:
    message: str
    path: tuple[str | int, ...] = ()


def truthy(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    name = context.path[-1] if context.path else "value"
    return [] if value else [FunctionResult(f'"{name}" property must be truthy')]


def pattern(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    options = options or {}
    if not isinstance(value, str):
        return []
    found: list[FunctionResult] = []
    if "match" in options and not re.search(options["match"], value):
        found.append(FunctionResult(f'"{value}" must match the pattern "{options["match"]}"'))
    if "notMatch" in options and re.search(options["notMatch"], value):
        found.append(
            FunctionResult(f'"{value}" must not match the pattern "{options["notMatch"]}"')
        )
    return found


def casing(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    kinds = {"kebab": r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "camel": r"^[a-z][a-zA-Z0-9]*$"}
    kind = (options or {}).get("type", "")
    if isinstance(value, str) and not re.match(kinds[kind], value):
        return [FunctionResult(f'"{value}" must be {kind} case')]
    return []


def boom(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    """Throws on every node: a run must go on (a test-only function)."""
    raise TypeError("cannot read properties of null")


CORE_FUNCTIONS = {"truthy": truthy, "pattern": pattern, "casing": casing, "boom": boom}


def check_options(name: str, options: Any) -> str | None:
    if name == "pattern" and not (
        isinstance(options, dict) and ({"match", "notMatch"} & set(options))
    ):
        return "pattern needs `match` or `notMatch`"
    if name == "casing" and not (
        isinstance(options, dict) and options.get("type") in ("kebab", "camel")
    ):
        return "casing needs `type` (kebab, camel)"
    if name == "truthy" and options is not None:
        return "truthy takes no options"
    return None
