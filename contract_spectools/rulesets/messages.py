"""A rule's `message` template filled as Spectral fills it: `{{error}}`, `{{path}}`, `{{property}}`,
`{{value}}`, `{{description}}`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from json.encoder import encode_basestring_ascii
from typing import Any

from contract_core import pointer
from contract_spectools.rulesets.jsonpath import Path

_PLACEHOLDER = re.compile(r"{{\s*(\w+)\s*}}")


def render_message(
    template: str | None,
    *,
    error: str,
    path: Path,
    missing: Path,
    value: Any,
    description: str,
) -> str:
    """Spectral 6's `processTargetResults`: the function's error is itself a template; without a
    `message`, the rule's description (as written), else the error. `path` is where the finding is
    reported (the closest node that exists), `missing` the rest of the path the function named.
    Each name is worked out only when the template reads it: most templates read one or two, and
    a large spec has thousands of findings."""
    if "{{" not in error and (template is None or "{{" not in template):
        return (description or error if template is None else template).strip()  # nothing to fill
    names: dict[str, Callable[[], str]] = {
        "property": lambda: _property(path, missing),
        "error": lambda: error,
        "path": lambda: "#" + pointer.from_path(path),
        "description": lambda: description,
        "value": lambda: print_value(value),
    }
    filled_error = _filled(error, names)
    names["error"] = lambda: filled_error
    if template is None:
        return (description or filled_error).strip()
    return _filled(template, names).strip()


def _filled(template: str, names: dict[str, Callable[[], str]]) -> str:
    if "{{" not in template:
        return template
    return _PLACEHOLDER.sub(
        lambda m: names[m.group(1)]() if m.group(1) in names else m.group(0), template
    )


def _property(path: Path, missing: Path) -> str:
    """The last key of the path; with a missing part, the last existing key and the rest, dotted."""
    if missing:
        return print_dotted((*path[-1:], *missing))
    return str(path[-1]) if path else ""


def print_dotted(path: Path) -> str:
    """Spectral's PrintStyle.Dot: `properties.name.description`, indexes as `[0]`."""
    printed = ""
    for segment in path:
        if isinstance(segment, int):
            printed += f"[{segment}]"
        else:
            printed += f".{segment}" if printed else str(segment)
    return printed


def print_value(value: Any) -> str:
    """As Spectral prints a value: scalars as JSON, containers by kind."""
    if isinstance(value, dict):
        return "Object{}"
    if isinstance(value, list):
        return "Array[]"
    if isinstance(value, str):
        return encode_basestring_ascii(value)  # json.dumps's answer for a string, minus its calls
    return json.dumps(value) if value is not None else "null"
