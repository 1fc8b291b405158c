"""Media types as the kit reads them: parameters (`; charset=…`) ignored, case folded."""

from __future__ import annotations


def base_type(media_type: str | None) -> str:
    """`Application/JSON; charset=utf-8` -> `application/json`."""
    return (media_type or "").split(";")[0].strip().lower()


def is_json(media_type: str | None) -> bool:
    """JSON bodies: `application/json` and every `+json` type (`application/problem+json`, …)."""
    media = base_type(media_type)
    return media == "application/json" or media.endswith("+json")


def is_form(media_type: str | None) -> bool:
    return base_type(media_type) == "application/x-www-form-urlencoded"


def is_multipart(media_type: str | None) -> bool:
    """`multipart/form-data` (and `multipart/mixed`, read the same way)."""
    return base_type(media_type) in ("multipart/form-data", "multipart/mixed")


def is_yaml(media_type: str | None) -> bool:
    """`application/yaml`, `application/x-yaml` and every `+yaml` type (`application/apply-patch+yaml`)."""
    media = base_type(media_type)
    return media in ("application/yaml", "application/x-yaml", "text/yaml") or media.endswith("+yaml")
