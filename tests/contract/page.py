"""The source documentation page (a copy of ../shared/seed/create-token.txt), read as data."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

PAGE = Path(__file__).parent / "data" / "create-token.txt"
CIRCULAR = "[Circular Reference]"
PLACEHOLDER = "text"


@cache
def page_text() -> str:
    return PAGE.read_text(encoding="utf-8")


def request_example() -> Any:
    match = re.search(r"--data '(.*)'", page_text())
    assert match, "the page's curl command has no --data"
    return json.loads(match.group(1))


def response_example() -> Any:
    """The 201 example: the JSON document after the curl command, before the status word."""
    text = page_text()
    start = text.index("\n{\n", text.index("--data")) + 1
    end = text.rindex("}") + 1
    return json.loads(text[start:end])


def without_circular_markers(value: Any) -> Any:
    """The example as a real server would send it: the renderer's cut-off markers removed."""
    if isinstance(value, dict):
        return {k: without_circular_markers(v) for k, v in value.items() if v != CIRCULAR}
    if isinstance(value, list):
        return [without_circular_markers(v) for v in value if v != CIRCULAR]
    return value
