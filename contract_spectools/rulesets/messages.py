"""A rule's `message` template filled as Spectral fills it: `{{error}}`, `{{path}}`, `{{property}}`,
`{{value}}`, `{{description}}`."""

from __future__ import annotations

import json
import re
from typing import Any

from contract_core import pointer
from contract_spectools.rulesets.jsonpath import Path

_PLACEHOLDER = re.compile(r"{{\s*(\w+)\s*}}")


def render_message(
    template: str | None, *, error: str, path: Path, value: Any, description: str
) -> str:
    """Without a `message`, Spectral shows the rule's description, else the function's error."""
    text = template if template is not None else (description or error)
    names = {
        "error": error,
        "path": "#" + pointer.from_path(path),
        "property": str(path[-1]) if path else "",
        "value": print_value(value),
        "description": description,
    }
    return _PLACEHOLDER.sub(lambda m: names.get(m.group(1), m.group(0)), text)


def print_value(value: Any) -> str:
    """As Spectral prints a value: scalars as JSON, containers by kind."""
    if isinstance(value, dict):
        return "Object{}"
    if isinstance(value, list):
        return "Array[]"
    if isinstance(value, str):
        return json.dumps(value)
    return json.dumps(value) if value is not None else "null"
