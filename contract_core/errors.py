"""The one exception hierarchy of the kit: every error carries where it happened as data."""

from __future__ import annotations


class ContractError(Exception):
    """Root of every error the kit raises on purpose."""


class DetailedError(ContractError):
    """An error whose details are the attributes its `__init__` sets; its repr names them.

    These were dataclasses; each class a `@dataclass` builds costs ~300 us of import time, and
    `contract lint` starts up on nine of them, so their `__init__` and repr are written out here.
    """

    def __repr__(self) -> str:
        details = ", ".join(
            f"{name}={value!r}" for name, value in vars(self).items() if name[0] != "_"
        )
        return f"{type(self).__qualname__}({details})"


class SpecLoadError(DetailedError):
    """The spec file cannot be read, parsed or is not an OpenAPI 3.x document."""

    def __init__(self, path: str, detail: str, line: int | None = None) -> None:
        self.path = path
        self.detail = detail
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"cannot load spec {where}: {self.detail}"


class UnresolvableReference(DetailedError):
    """A `$ref` points at nothing in the document."""

    def __init__(self, ref: str, pointer: str) -> None:
        self.ref = ref
        self.pointer = pointer

    def __str__(self) -> str:
        return (
            f"unresolvable $ref {self.ref!r} at {self.pointer or '/'}: "
            "fix the reference or add the component it names"
        )


class InfiniteRecursion(DetailedError):
    """A cycle of references whose every exit is required: no finite instance exists."""

    def __init__(self, cycle: tuple[str, ...]) -> None:
        self.cycle = cycle

    def __str__(self) -> str:
        return (
            f"no finite instance: required cycle {' -> '.join(self.cycle)}; "
            "make one property on the cycle optional, nullable, or an array with minItems 0"
        )


class InvalidSchema(DetailedError, ValueError):
    """A schema the validator cannot compile (`type: strin`, a `format` that is a list).

    Also a ValueError: the validator keeps a schema that does not compile out of its group by
    catching ValueError, which jsonschema-rs raises.
    """

    def __init__(self, pointer: str, detail: str) -> None:
        self.pointer = pointer
        self.detail = detail

    def __str__(self) -> str:
        return f"invalid schema at {self.pointer}: {self.detail}; fix it in the spec"


class UnreadableBody(DetailedError):
    """A request body that cannot be read in the media type it names (not UTF-8, a broken multipart)."""

    def __init__(self, media_type: str, detail: str) -> None:
        self.media_type = media_type
        self.detail = detail

    def __str__(self) -> str:
        return f"the {self.media_type} body cannot be read: {self.detail}"


class LocatedError(DetailedError):
    """A file the kit reads is wrong at `path:line`: the message is `path:line: detail`."""

    def __init__(self, path: str, line: int | None, detail: str) -> None:
        self.path = path
        self.line = line
        self.detail = detail

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.detail}"


class ConfigError(DetailedError):
    """contract.toml (or `[tool.contract]` in pyproject.toml) cannot be used; `where` is `file:line`."""

    def __init__(self, where: str, detail: str) -> None:
        self.where = where
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.where}: {self.detail}"


class TrafficFileError(DetailedError):
    """A traffic file (HAR or NDJSON) cannot be read: verify's input, the mock's --replay."""

    def __init__(self, path: str, detail: str, fix: str, line: int | None = None) -> None:
        self.path = path
        self.detail = detail
        self.fix = fix
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"cannot read traffic {where}: {self.detail}; {self.fix}"
