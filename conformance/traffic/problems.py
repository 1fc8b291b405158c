"""The proxy's own answers: RFC 9457 problem bodies, typed like the mock's (same base URI)."""

from __future__ import annotations

from typing import Any

import orjson

from mock_server.problems import PROBLEM_BASE, PROBLEM_JSON


def problem(
    status: int, slug: str, title: str, detail: str, **extra: Any
) -> tuple[int, str, bytes]:
    """(status, media type, body) of a problem answer."""
    body = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return status, PROBLEM_JSON, orjson.dumps(body)
