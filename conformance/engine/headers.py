"""`Name: value` headers as curl's -H takes them: `-H` and a `header` credential ([conform.auth])."""

from __future__ import annotations

import re

from conformance.errors import InvalidOption


def parse_header(text: str) -> tuple[str, str]:
    """`Name: value` (curl's -H syntax) into a pair."""
    name, sep, value = text.partition(":")
    if not sep or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name.strip()):
        raise InvalidOption("-H", _mask_header(text), "'Name: value'")
    return name.strip(), value.strip()


def _mask_header(text: str) -> str:
    """Never echo a header value back: it may be a credential (and without a colon it is all value)."""
    name, sep, _ = text.partition(":")
    if not sep or not name.strip() or " " in name.strip():
        return "<not shown: may hold a credential>"
    return name.strip()[:40]
