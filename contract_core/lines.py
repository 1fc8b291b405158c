"""Where a JSON pointer stands in the spec's text: its 1-based line, for YAML and JSON files.

Only tools that report locations (the linter) need this, and only for the few pointers they
report, so the map is built lazily: YAML is composed once into nodes (which carry their marks);
JSON objects are scanned on demand, skipping unneeded values with the C decoder. A pointer that
does not exist in the text (a missing key) answers with the line of its nearest existing ancestor.
"""

from __future__ import annotations

import bisect
import json
import re
from functools import cached_property
from typing import Any

import yaml

from contract_core.errors import ContractError, SpecLoadError, UnresolvableReference
from contract_core.pointer import split

# The loader's own YAML flavour and checks, so that a document built here equals `parse_spec`'s.
from contract_core.spec import Spec, _openapi_version, _SpecLoader, parse_spec
from contract_core.walk import iter_refs

_JSON_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class LineMap:
    """1-based line numbers of the nodes of one spec text, looked up by JSON pointer."""

    def __init__(self, text: str):
        self.text = text
        self.is_json = text.lstrip().startswith("{")
        self._json_children: dict[int, dict[str, tuple[int, int]]] = {}

    def line(self, pointer: str) -> int | None:
        """The line of the node at `pointer` (or of its nearest ancestor present in the text)."""
        try:
            return self._json_line(split(pointer)) if self.is_json else self._yaml_line(split(pointer))
        except (ValueError, yaml.YAMLError, RecursionError):
            return None  # an unparsable text has no lines to give; the loader reports why

    # YAML -----------------------------------------------------------------------------------

    @cached_property
    def _yaml_root(self) -> yaml.Node | None:
        return yaml.compose(self.text, Loader=_SpecLoader)

    def _yaml_line(self, tokens: list[str]) -> int | None:
        node = self._yaml_root
        if node is None:
            return None
        line = int(node.start_mark.line)
        for token in tokens:
            found = _yaml_child(node, token)
            if found is None:
                break
            line, node = found
        return line + 1

    # JSON -----------------------------------------------------------------------------------

    @cached_property
    def _newlines(self) -> list[int]:
        return [match.start() for match in re.finditer("\n", self.text)]

    def _json_line(self, tokens: list[str]) -> int | None:
        position = _JSON_WS.match(self.text, 0).end()  # type: ignore[union-attr]  # the pattern matches ""
        where = position
        for token in tokens:
            child = self._json_child(position, token)
            if child is None:
                break
            where, position = child
        return bisect.bisect_right(self._newlines, where) + 1

    def _json_child(self, position: int, token: str) -> tuple[int, int] | None:
        if position not in self._json_children:
            opener = self.text[position : position + 1]
            if opener not in ("{", "["):
                return None
            self._json_children[position] = self._scan_json_container(position, opener)
        return self._json_children[position].get(token)

    def _scan_json_container(self, position: int, opener: str) -> dict[str, tuple[int, int]]:
        """Per member (object key, or array index as a string): where it is named, where its value starts."""
        text, children = self.text, {}
        closer = "}" if opener == "{" else "]"
        index = 0
        cursor = _JSON_WS.match(text, position + 1).end()  # type: ignore[union-attr]
        while cursor < len(text) and text[cursor] != closer:
            named_at = cursor
            if opener == "{":
                key, cursor = _DECODER.raw_decode(text, cursor)
                cursor = _JSON_WS.match(text, cursor).end() + 1  # type: ignore[union-attr]  # past ":"
                cursor = _JSON_WS.match(text, cursor).end()  # type: ignore[union-attr]
                name = str(key)
            else:
                name, index = str(index), index + 1
            children[name] = (named_at, cursor)
            _, cursor = _DECODER.raw_decode(text, cursor)
            cursor = _JSON_WS.match(text, cursor).end()  # type: ignore[union-attr]
            if text[cursor : cursor + 1] == ",":
                cursor = _JSON_WS.match(text, cursor + 1).end()  # type: ignore[union-attr]
        return children


def error_line(exc: ContractError, spec: Spec | None, lines: LineMap) -> int | None:
    """The line a kit error points at: the loader's own, its JSON pointer's, or (an unresolvable
    `$ref` raised where the pointer is unknown) the first place the reference is written."""
    if isinstance(exc, SpecLoadError):
        return exc.line
    pointer = getattr(exc, "pointer", None)
    if isinstance(exc, UnresolvableReference) and not pointer and spec is not None:
        pointer = next((at for at, ref in iter_refs(spec.document) if ref == exc.ref), None)
    return lines.line(pointer) if isinstance(pointer, str) and pointer else None


def parse_spec_with_lines(text: str, source: str = "<string>") -> tuple[Spec, LineMap]:
    """`parse_spec(text, source)` and the text's LineMap, parsing a YAML text once, not twice.

    Same document, same errors as `parse_spec` (on any YAML error it is `parse_spec` that raises).
    """
    lines = LineMap(text)
    if lines.is_json:
        return parse_spec(text, source), lines  # JSON lines are found lazily, without a second parse
    try:
        root = lines._yaml_root
    except yaml.YAMLError:
        return parse_spec(text, source), lines
    loader = _SpecLoader("")
    try:
        document = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    if not isinstance(document, dict):
        return parse_spec(text, source), lines
    return Spec(document=document, text=text, source=source, version=_openapi_version(document, source)), lines


def _yaml_child(node: yaml.Node, token: str) -> tuple[int, yaml.Node] | None:
    """The member named `token`: the 0-based line that names it (its key, or the item) and its node."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and _yaml_key_text(key) == token:
                return int(key.start_mark.line), value
            if isinstance(key, yaml.ScalarNode) and key.value == "<<":  # merge key: look inside
                merged = _yaml_child(value, token)
                if merged is not None:
                    return merged
    elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
        item = node.value[int(token)]
        return int(item.start_mark.line), item
    return None


def _yaml_key_text(key: yaml.ScalarNode) -> Any:
    """Keys as the spec loader reads them: `true:` is "true", `200:` is "200"."""
    value = key.value
    return value.lower() if value in ("True", "TRUE", "False", "FALSE") else value
