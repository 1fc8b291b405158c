"""A finding's identity across runs: operation, check and body pointer with array indices normalised.

Never message text, seed or generated values, so the same defect found with another seed, at
another array position, or quoted with another value, is the same finding. Baselines, the
deduplication of findings within a run, and `contract verify` all key on it.
"""

from __future__ import annotations

import hashlib


def wildcard(at: str | None) -> str:
    """`/modules/3/id` -> `/modules/*/id`: the same defect at another array position is the same defect."""
    if not at:
        return ""
    return "/".join("*" if token.isdigit() else token for token in at.split("/"))


def fingerprint(operation: str, check: str, pointer: str | None) -> str:
    text = f"{operation}\n{check}\n{wildcard(pointer)}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]
