"""RFC 9457 problem details the mock answers with: stable `type` and `title`, specific `detail`,
and (for invalid requests) every failing field with its JSON pointer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contract_core.validation import SchemaViolation

PROBLEM_BASE = "https://example.org/contract-kit/problems/"
PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: ("invalid-request", "Invalid request"),
    401: ("unauthorized", "Unauthorized"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    414: ("uri-too-long", "URI too long"),
    415: ("unsupported-media-type", "Unsupported media type"),
    500: ("mock-error", "Mock error"),
    503: ("store-unavailable", "Store unavailable"),
    507: ("insufficient-storage", "Insufficient storage"),
}


@dataclass
class Problem(Exception):
    """An error answer, raised anywhere in the mock and rendered once, by `render_problem`."""

    status: int
    detail: str
    errors: list[dict[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    title: str | None = None

    def body(self) -> dict[str, Any]:
        slug, title = TITLES.get(self.status, ("error", "Error"))
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + slug,
            "title": self.title or title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        return body


def invalid_body(violations: list[SchemaViolation]) -> Problem:
    """400 listing every failing field of the body, not only the first."""
    errors = [{"pointer": v.instance_pointer, "detail": v.message} for v in violations]
    count = len(errors)
    return Problem(
        400,
        f"The request body does not match the schema ({count} error{'s' * (count != 1)}).",
        errors,
    )
