"""The one exception hierarchy of the kit: every error carries where it happened as data."""

from __future__ import annotations

from dataclasses import dataclass


class ContractError(Exception):
    """Root of every error the kit raises on purpose."""


@dataclass
class SpecLoadError(ContractError):
    """The spec file cannot be read, parsed or is not an OpenAPI 3.x document."""

    path: str
    detail: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"cannot load spec {where}: {self.detail}"


@dataclass
class UnresolvableReference(ContractError):
    """A `$ref` points at nothing in the document."""

    ref: str
    pointer: str

    def __str__(self) -> str:
        return (
            f"unresolvable $ref {self.ref!r} at {self.pointer or '/'}: "
            "fix the reference or add the component it names"
        )


@dataclass
class InfiniteRecursion(ContractError):
    """A cycle of references whose every exit is required: no finite instance exists."""

    cycle: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"no finite instance: required cycle {' -> '.join(self.cycle)}; "
            "make one property on the cycle optional, nullable, or an array with minItems 0"
        )


@dataclass
class InvalidSchema(ContractError, ValueError):
    """A schema the validator cannot compile (`type: strin`, a `format` that is a list).

    Also a ValueError: the validator keeps a schema that does not compile out of its group by
    catching ValueError, which jsonschema-rs raises.
    """

    pointer: str
    detail: str

    def __str__(self) -> str:
        return f"invalid schema at {self.pointer}: {self.detail}; fix it in the spec"


@dataclass
class UnreadableBody(ContractError):
    """A request body that cannot be read in the media type it names (not UTF-8, a broken multipart)."""

    media_type: str
    detail: str

    def __str__(self) -> str:
        return f"the {self.media_type} body cannot be read: {self.detail}"


@dataclass
class LocatedError(ContractError):
    """A file the kit reads is wrong at `path:line`: the message is `path:line: detail`."""

    path: str
    line: int | None
    detail: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.detail}"


@dataclass
class ConfigError(ContractError):
    """contract.toml (or `[tool.contract]` in pyproject.toml) cannot be used; `where` is `file:line`."""

    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.detail}"


@dataclass
class TrafficFileError(ContractError):
    """A traffic file (HAR or NDJSON) cannot be read: verify's input, the mock's --replay."""

    path: str
    detail: str
    fix: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"cannot read traffic {where}: {self.detail}; {self.fix}"
