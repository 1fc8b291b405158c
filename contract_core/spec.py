"""Load an OpenAPI 3.0/3.1 document once, and answer questions about it.

Every part of the kit (fixture engine, mock, conformance, linter) reads specs through
`load_spec`, so parse errors, version detection and `$ref` resolution behave the same everywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import yaml_rs  # YAML 1.2 in Rust: builds a 3 MB spec ~15x faster than PyYAML's CSafeLoader

from contract_core import pointer
from contract_core.errors import SpecLoadError, UnresolvableReference
from contract_core.records import Struct, field

if TYPE_CHECKING:
    import yaml

_MISSING = object()
Derived = TypeVar("Derived")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
BUNDLED_SPEC_NAME = "api-tokens.yaml"


def bundled_spec_path() -> Path:
    """The contract shipped with the kit (package data, so it works from any folder).

    A plain path next to this module, not `importlib.resources`: the package data is a folder of the
    installed package (pyproject's package-data), and importlib.resources costs 4 ms of start-up.
    """
    return Path(__file__).parent / "specs" / BUNDLED_SPEC_NAME


@cache
def spec_loader() -> type[yaml.SafeLoader]:
    """YAML as OpenAPI tools read it: keys are strings (`200:` is "200") and dates stay strings.

    Built on first use: PyYAML costs 7 ms of start-up, and only YAML line maps and texts yaml-rs
    refuses need it (a JSON spec never does).
    """
    import yaml

    # libyaml's loader where PyYAML was built with it; a base chosen at run time is one mypy cannot follow.
    base = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader
    loader = cast("type[yaml.SafeLoader]", type("_SpecLoader", (base,), {}))
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return loader


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    return {
        _key_text(loader.construct_object(k, deep=True)): loader.construct_object(v, deep=True)
        for k, v in node.value
    }


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return str(key).lower()
    return key if isinstance(key, str) else str(key)


class Operation(Struct, frozen=True):
    """One HTTP operation of the spec."""

    method: str
    path: str
    operation_id: str
    declared_id: bool
    node: dict[str, Any]
    pointer: str
    path_item: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


class Spec(Struct, dict=True):  # a __dict__: `operations` is a cached_property
    """A parsed OpenAPI document plus what is derived from it once."""

    document: dict[str, Any]
    text: str
    source: str
    version: str  # "3.0" or "3.1"
    _resolved: dict[str, Any] = field(default_factory=dict)
    _derived: dict[Callable[..., Any], Any] = field(default_factory=dict)

    def derived(self, build: Callable[[Spec], Derived]) -> Derived:
        """`build(self)`, made on first use and kept with this Spec, so every component of a process reads
        the same one (`contract_core.contract.Contract.of`); a reloaded spec is a new Spec with its own.

        Two threads asking at once may both build, but `setdefault` hands both the one kept.
        """
        found = self._derived.get(build, _MISSING)
        if found is _MISSING:
            found = self._derived.setdefault(build, build(self))
        return cast(Derived, found)  # kept under its builder: the builder's type

    def resolve(self, ref: str, at: str = "") -> Any:
        """The node a local `$ref` names; `at` is where the reference stands, for the error.

        Remembered per reference: the document is not changed after loading, and the mock and
        the fixture engine follow the same references for every request.
        """
        found = self._resolved.get(ref, _MISSING)
        if found is not _MISSING:
            return found
        if not ref.startswith("#"):
            raise UnresolvableReference(ref, at)
        try:
            found = self._resolved[ref] = pointer.resolve(self.document, ref)
        except (KeyError, IndexError, ValueError):
            raise UnresolvableReference(ref, at) from None
        return found

    def deref(self, node: Any, at: str = "") -> tuple[Any, str | None]:
        """Follow `$ref` chains; returns the target and the last reference followed (or None)."""
        last_ref = None
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise UnresolvableReference(ref, at)
            seen.add(ref)
            node, last_ref = self.resolve(ref, at), ref
        return node, last_ref

    @cached_property
    def operations(self) -> list[Operation]:
        found: list[Operation] = []
        used: set[str] = set()
        for path, raw_item in (self.document.get("paths") or {}).items():
            item_pointer = pointer.join("#/paths", path)
            item, _ = self.deref(raw_item, item_pointer)
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                node = item.get(method)
                if not isinstance(node, dict):
                    continue
                declared = node.get("operationId")
                op_id = (
                    declared
                    if isinstance(declared, str) and declared
                    else _synthetic_id(method, path, used)
                )
                used.add(op_id)
                found.append(
                    Operation(
                        method,
                        path,
                        op_id,
                        op_id == declared,
                        node,
                        pointer.join(item_pointer, method),
                        item,
                    )
                )
        return found

    def operation(self, name: str) -> Operation:
        """Find by operationId, or by `METHOD /path`."""
        for op in self.operations:
            if name in (op.operation_id, op.label) or name.upper() == op.label.upper():
                return op
        known = ", ".join(op.operation_id for op in self.operations[:20])
        raise KeyError(f"no operation {name!r} in {self.source}; known: {known}")


def response_key(keys: Iterable[str], status: int) -> str | None:
    """The `responses` key documenting `status`: its code, else its range (`4XX`), else `default`."""
    by_upper = {str(key).upper(): str(key) for key in keys}
    for wanted in (str(status), f"{status // 100}XX", "DEFAULT"):
        if wanted in by_upper:
            return by_upper[wanted]
    return None


def _synthetic_id(method: str, path: str, used: set[str]) -> str:
    """A unique, readable id for an operation the spec left unnamed: `get_v1_users_id`."""
    base = method + "_" + (re.sub(r"[^0-9A-Za-z]+", "_", path).strip("_") or "root")
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def load_spec(path: str | Path | None = None) -> Spec:
    """Read and parse a spec file (the bundled contract when `path` is None)."""
    source = Path(path) if path is not None else bundled_spec_path()
    return parse_spec(read_spec_text(source), str(source))


def read_spec_text(path: Path, source: str | None = None) -> str:
    """The file's text; a SpecLoadError naming `source` (default: the path) when it cannot be read as UTF-8."""
    source = source or str(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecLoadError(source, "no such file") from None
    except IsADirectoryError:
        raise SpecLoadError(source, "is a folder, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecLoadError(source, f"cannot read: {exc}") from exc


def parse_spec(text: str, source: str = "<string>") -> Spec:
    document = _parse_text(text, source)
    if not isinstance(document, dict):
        raise SpecLoadError(source, "the document is not a mapping (expected an OpenAPI object)")
    version = _openapi_version(document, source)
    return Spec(document=document, text=text, source=source, version=version)


def _parse_text(text: str, source: str) -> Any:
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecLoadError(source, f"invalid JSON: {exc.msg}", exc.lineno) from None
    try:
        return _string_keys(yaml_rs.loads(text, parse_datetime=False))
    except (yaml_rs.YAMLDecodeError, ValueError):
        pass  # PyYAML reads it (duplicate keys: the last wins) or says where it breaks, as before
    import yaml  # imported here: PyYAML costs 7 ms of start-up and yaml-rs reads nearly every spec

    try:
        return yaml.load(text, Loader=spec_loader())
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise SpecLoadError(source, f"invalid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise SpecLoadError(source, f"invalid YAML: {exc}") from None


def _string_keys(node: Any) -> Any:
    """Mapping keys as OpenAPI tools read them: `200:` is "200", `true:` is "true" (yaml-rs keeps YAML's types)."""
    if isinstance(node, dict):
        return {_key_text(key): _string_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_string_keys(item) for item in node]
    return node


def _openapi_version(document: dict[str, Any], source: str) -> str:
    declared = document.get("openapi")
    if declared is None and "swagger" in document:
        raise SpecLoadError(source, "Swagger 2.0 is not supported; convert it to OpenAPI 3 first")
    if not isinstance(declared, str) or not re.match(r"^3\.[01]\.\d+", declared):
        raise SpecLoadError(
            source, f"'openapi' must be a 3.0.x or 3.1.x version string, found {declared!r}"
        )
    return declared[:3]
