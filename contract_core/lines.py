"""Where a JSON pointer stands in the spec's text: its 1-based line, for YAML and JSON files.

Only tools that report locations (the linter, the differ) need this, and only for the few pointers
they report, so the map is built lazily: a YAML text is read once into a tree of lines
(`contract_core/yaml_lines.py`: plain block YAML line by line, anything else as libyaml's events); JSON
objects are scanned on demand, skipping unneeded values with the C decoder. A pointer that does not
exist in the text (a missing key) answers with the line of its nearest existing ancestor.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

from contract_core.errors import ContractError, SpecLoadError, UnresolvableReference
from contract_core.pointer import split
from contract_core.spec import Spec, parse_spec
from contract_core.walk import iter_refs

if TYPE_CHECKING:
    from contract_core.yaml_lines import LineNode

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
        return self.line_at(split(pointer))

    def line_at(self, path: Iterable[str | int]) -> int | None:
        """`line` for a path of keys and indexes: what a caller holding a path asks (a ruleset's
        thousands of findings), without writing a pointer only to split it again."""
        tokens = [str(token) for token in path]
        try:
            return self._json_line(tokens) if self.is_json else self._yaml_line(tokens)
        except (ValueError, RecursionError):
            return None  # an unparsable text has no lines to give; the loader reports why

    # YAML -----------------------------------------------------------------------------------

    @cached_property
    def _yaml_root(self) -> LineNode | int | None:
        """The text's tree of lines; ValueError when the text is not YAML."""
        from contract_core.yaml_lines import line_tree  # a JSON text never needs it

        return line_tree(self.text)

    def _yaml_line(self, tokens: list[str]) -> int | None:
        from contract_core.yaml_lines import line_in  # loaded by `_yaml_root` already

        line = line_in(self._yaml_root, tokens)
        return None if line is None else line + 1

    # JSON -----------------------------------------------------------------------------------

    @cached_property
    def _newlines(self) -> list[int]:
        return [match.start() for match in re.finditer("\n", self.text)]

    def _json_line(self, tokens: list[str]) -> int | None:
        position = _skip_json_ws(self.text, 0)
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
        cursor = _skip_json_ws(text, position + 1)
        while cursor < len(text) and text[cursor] != closer:
            named_at = cursor
            if opener == "{":
                key, cursor = _DECODER.raw_decode(text, cursor)
                cursor = _skip_json_ws(text, cursor) + 1  # past ":"
                cursor = _skip_json_ws(text, cursor)
                name = str(key)
            else:
                name, index = str(index), index + 1
            children[name] = (named_at, cursor)
            _, cursor = _DECODER.raw_decode(text, cursor)
            cursor = _skip_json_ws(text, cursor)
            if text[cursor : cursor + 1] == ",":
                cursor = _skip_json_ws(text, cursor + 1)
        return children


def _skip_json_ws(text: str, position: int) -> int:
    """The position of the first character at or after `position` that is not JSON whitespace."""
    match = _JSON_WS.match(text, position)
    return match.end() if match is not None else position  # never None: the pattern matches ""


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
    """`parse_spec(text, source)` and the text's LineMap (built only when a line is asked for)."""
    return parse_spec(text, source), LineMap(text)
