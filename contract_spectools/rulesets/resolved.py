"""The document a rule sees: `$ref`s replaced by their targets (in this file or another), and where
every node is written, so a finding in a referenced schema is reported at the schema's own lines.

Each reference target is resolved once and shared by every `$ref` to it (a DAG, not copies). As in
Spectral's resolver, a `$ref` that closes a cycle (`ref_cycles.py`) stays a `{$ref}` node, and so
does a reference back into a target still being resolved: cycles, within a file or across files,
terminate. A reference that cannot be followed (missing file, bad pointer) stays as written; the
kit's own `unresolved-ref` rule reports it. As Spectral locates a path, a `$ref` with sibling keys
(`{$ref, description}`) at the end of a path that went through no other `$ref` is reported where it
is written, not at its target.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from contract_core import pointer
from contract_core.lines import LineMap
from contract_core.records import Struct, field
from contract_spectools.rulesets.jsonpath import CONTAINERS
from contract_spectools.rulesets.jsonpath import Path as JsonPathTuple
from contract_spectools.rulesets.ref_cycles import RefCycles, Target, ref_graph


class Origin(Struct, frozen=True):
    file: str
    path: JsonPathTuple


_Located = tuple[Any, str, JsonPathTuple, bool, int]


class _File(Struct):
    document: Any
    lines: LineMap


class DocumentView(Struct):
    """The root a rule walks, and where its nodes are written."""

    root: Any
    main_file: str
    files: dict[str, _File]
    origins: dict[int, Origin] = field(default_factory=dict)  # id(container) -> where it is written
    # a path of `root` -> (node, file, path written, a `$ref` followed, how many keys exist)
    _located: dict[JsonPathTuple, _Located] = field(default_factory=dict)

    def locate(self, path: JsonPathTuple) -> tuple[Origin, Any, JsonPathTuple]:
        """Where the node at `path` (of `root`) is written, its value, and the part of `path` past the
        document. As Spectral, a path that leaves the document is reported at its closest existing node."""
        if not path:
            return Origin(self.main_file, ()), self.root, ()
        node, file, at, followed, reached = self._prefix(path[:-1])
        if reached < len(path) - 1:
            return Origin(file, at), node, path[reached:]
        stepped = self._step(node, file, at, followed, path[-1], last=True)
        if stepped is None:
            return Origin(file, at), node, path[-1:]
        node, file, at, _ = stepped
        return Origin(file, at), node, ()

    def _prefix(self, path: JsonPathTuple) -> _Located:
        """Where `path` leads, kept: the findings of a large spec share most of their paths (the
        siblings under one schema), and a step from a kept parent is one look-up."""
        found = self._located.get(path)
        if found is None:
            if not path:
                found = (self.root, self.main_file, (), False, 0)
            else:
                node, file, at, followed, reached = found = self._prefix(path[:-1])
                stepped = None
                if reached == len(path) - 1:
                    stepped = self._step(node, file, at, followed, path[-1], last=False)
                if stepped is not None:
                    found = (*stepped, len(path))
            self._located[path] = found
        return found

    def _step(
        self, node: Any, file: str, at: JsonPathTuple, followed: bool, key: str | int, last: bool
    ) -> tuple[Any, str, JsonPathTuple, bool] | None:
        """One key further (None: the key is not there): into the file and place where the child
        is written once a `$ref` was followed to it."""
        child = _child(node, key)
        if child is _ABSENT:
            return None
        written = (*at, key)
        known = self.origins.get(id(child)) if isinstance(child, CONTAINERS) else None
        if known is None:
            return child, file, written, followed
        moved = known.file != file or known.path != written
        if moved and last and not followed and self._with_siblings(Origin(file, written)):
            return child, file, written, followed
        return child, known.file, known.path, followed or moved

    def _with_siblings(self, written: Origin) -> bool:
        """A `$ref` with sibling keys where it is written. Spectral's traverseObjUntilRef follows a
        `$ref` at the end of a path only when it stands alone, unless the path already went through
        a `$ref` (then it is located in the target, at the target: measured on Spectral 6.16.3)."""
        found = self.files.get(written.file)
        try:
            node = (
                pointer.resolve(found.document, pointer.from_path(written.path)) if found else None
            )
        except (KeyError, IndexError, ValueError):
            return False
        return isinstance(node, dict) and "$ref" in node and len(node) > 1

    def line(self, origin: Origin) -> int | None:
        found = self.files.get(origin.file)
        return found.lines.line_at(origin.path) if found else None


_ABSENT = object()


def _child(node: Any, key: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(str(key), _ABSENT)
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return node[key]
    return _ABSENT


def as_written(document: Any, source: str, lines: LineMap) -> DocumentView:
    return DocumentView(document, source, {source: _File(document, lines)})


def resolved(document: Any, source: str, lines: LineMap) -> DocumentView:
    view = as_written(document, source, lines)
    resolver = _Resolver(view)
    resolver.cycles = RefCycles(ref_graph(source, document, resolver.follow))
    view.root = resolver.node(document, Origin(source, ()))
    return view


class _Resolver:
    def __init__(self, view: DocumentView):
        self.view = view
        self.done: dict[tuple[str, str], Any] = {}
        self.open: set[tuple[str, str]] = set()
        self.cycles = RefCycles({})

    def node(self, node: Any, at: Origin) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                return self.reference(node, ref, at)
            # a scalar is itself, with no Origin built (most nodes are scalars; no call per node)
            built: Any = {
                k: self.node(v, Origin(at.file, (*at.path, k))) if isinstance(v, CONTAINERS) else v
                for k, v in node.items()
            }
        elif isinstance(node, list):
            built = [
                self.node(v, Origin(at.file, (*at.path, i))) if isinstance(v, CONTAINERS) else v
                for i, v in enumerate(node)
            ]
        else:
            return node
        self.view.origins[id(built)] = at
        return built

    def reference(self, node: dict[str, Any], ref: str, at: Origin) -> Any:
        target_file, _, fragment = ref.partition("#")
        file = self.file_of(target_file, at.file) if target_file else at.file
        key = (file or "", fragment)
        if file is None or key in self.open or self.closes_cycle(at, file, fragment):
            return node  # unreadable, or a cycle: the reference stays as written
        if key not in self.done:
            target = self.target(file, fragment)
            if target is _ABSENT:
                return node
            self.open.add(key)
            try:
                self.done[key] = self.node(target, Origin(file, fragment_path(fragment)))
            finally:
                self.open.discard(key)
        return self.done[key]

    def closes_cycle(self, at: Origin, file: str, fragment: str) -> bool:
        target = (file, fragment_path(fragment))
        return self.cycles.closes_cycle(at.file, at.path, target)

    def follow(self, ref: str, beside: str) -> tuple[Target, Any] | None:
        """The target a `$ref` written in `beside` names, and its node (None: it cannot be followed)."""
        target_file, _, fragment = ref.partition("#")
        file = self.file_of(target_file, beside) if target_file else beside
        node = _ABSENT if file is None else self.target(file, fragment)
        if file is None or node is _ABSENT:
            return None
        return (file, fragment_path(fragment)), node

    def target(self, file: str, fragment: str) -> Any:
        try:
            return pointer.resolve_path(self.view.files[file].document, fragment_path(fragment))
        except (KeyError, IndexError, ValueError):
            return _ABSENT

    def file_of(self, reference: str, beside: str) -> str | None:
        """The referenced file's name, read (once) into the view; None when it cannot be read."""
        if "://" in reference:
            return None  # remote references are not fetched
        name = str(Path(beside).parent / reference)
        if name not in self.view.files:
            loaded = _read(Path(name))
            if loaded is None:
                return None
            self.view.files[name] = loaded
        return name


@lru_cache(maxsize=4096)
def fragment_path(fragment: str) -> tuple[str, ...]:
    """A `$ref`'s fragment as a path. Cached: a spec names the same few hundred targets in
    thousands of `$ref`s, and each is split three times on the way."""
    return tuple(pointer.split(fragment or "#"))


def _read(path: Path) -> _File | None:
    import yaml  # imported here: PyYAML costs 7 ms of start-up and only a `$ref` to another file needs it

    try:
        text = path.read_text(encoding="utf-8")
        document = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return None
    return _File(document, LineMap(text))
