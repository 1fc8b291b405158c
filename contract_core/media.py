"""Media types as the kit reads them: parameters (`; charset=…`) ignored, case folded."""

from __future__ import annotations

from collections.abc import Container


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
    return media in ("application/yaml", "application/x-yaml", "text/yaml") or media.endswith(
        "+yaml"
    )


def documented_range(documented: Container[str], media_type: str) -> str | None:
    """The `content` key that documents a sent (base, lower-case) media type, most specific first
    (OpenAPI 3: the type itself, then its range `text/*`, then `*/*`); None when none does."""
    main = media_type.split("/")[0]
    return next((key for key in (media_type, f"{main}/*", "*/*") if key in documented), None)
