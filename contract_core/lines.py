"""Where a JSON pointer stands in the spec's text: its 1-based line, for YAML and JSON files.

Only tools that report locations (the linter, the differ) need this, and only for the few pointers
they report, so the map is built lazily: a YAML text is read once as libyaml's event stream (marks
only: no scalar typing, which is what makes building a document slow) into a tree of lines; JSON
objects are scanned on demand, skipping unneeded values with the C decoder. A pointer that does not
exist in the text (a missing key) answers with the line of its nearest existing ancestor.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from functools import cached_property

from contract_core.errors import ContractError, SpecLoadError, UnresolvableReference
from contract_core.pointer import split

# The loader's own YAML flavour and checks, so that a document built here equals `parse_spec`'s.
from contract_core.spec import Spec, parse_spec, spec_loader
from contract_core.walk import iter_refs

_JSON_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
# YAML keys the spec loader reads as booleans, so names as "true"/"false" (`200:` stays "200")
_BOOLEAN_WORDS = frozenset(("True", "TRUE", "False", "FALSE"))


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
    def _yaml_root(self) -> _LineNode | int | None:
        """The text's tree of lines; ValueError when the text is not YAML."""
        import yaml  # imported here: PyYAML costs 7 ms of start-up and a JSON text's lines never need it

        try:
            return _line_tree(self.text)
        except yaml.YAMLError as exc:
            raise ValueError(str(exc)) from exc

    def _yaml_line(self, tokens: list[str]) -> int | None:
        node = self._yaml_root
        if node is None:
            return None
        line = node.line if isinstance(node, _LineNode) else node
        for token in tokens:
            found = node.child(token) if isinstance(node, _LineNode) else None
            if found is None:
                break
            line, node = found
        return line + 1

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


class _LineNode:
    """A YAML collection reduced to what locating needs: its line, and its members with the lines naming
    them. Scalars are just their (0-based) line: nothing is inside them."""

    __slots__ = ("items", "line", "members", "merged", "pending")

    def __init__(self, line: int, mapping: bool):
        self.line = line
        self.members: dict[str, tuple[int, _LineNode | int]] | None = {} if mapping else None
        self.items: list[_LineNode | int] | None = None if mapping else []
        # `<<:` merge-key values, looked into after own keys
        self.merged: list[_LineNode | int] = []
        # while reading a mapping: the key awaiting its value
        self.pending: tuple[str | None, int] | None = None

    def child(self, token: str) -> tuple[int, _LineNode | int] | None:
        """The member named `token`: the 0-based line that names it (its key, or the item) and its node."""
        if self.members is not None:
            found = self.members.get(token)
            for merged in self.merged if found is None else ():
                found = merged.child(token) if isinstance(merged, _LineNode) else None
                if found is not None:
                    break
            return found
        if self.items is not None and token.isdigit() and int(token) < len(self.items):
            item = self.items[int(token)]
            return (item.line if isinstance(item, _LineNode) else item), item
        return None

    def add(self, node: _LineNode | int, line: int, key_text: str | None) -> None:
        """Attach the next node read inside this one (a key, a value or an item)."""
        if self.items is not None:
            self.items.append(node)
        elif self.pending is None:
            self.pending = (key_text, line)
        else:
            key, key_line = self.pending
            self.pending = None
            if key == "<<":
                self.merged.append(node)
            elif key is not None and self.members is not None:  # a mapping: `items` is None
                self.members.setdefault(key, (key_line, node))


def _line_tree(text: str) -> _LineNode | int | None:
    """The text's tree of lines, from libyaml's events (raises yaml.YAMLError on a broken text)."""
    import yaml  # imported here: PyYAML costs 7 ms of start-up and a JSON text's lines never need it

    # Once per event (130,000 in a 3 MB spec): the classes are looked up once, the parser is asked
    # directly (yaml.parse wraps it in a generator), and the most frequent events are tested first.
    scalar, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    starts, ends = (
        (yaml.MappingStartEvent, yaml.SequenceStartEvent),
        (yaml.MappingEndEvent, yaml.SequenceEndEvent),
    )
    root: _LineNode | int | None = None
    stack: list[_LineNode] = []
    anchors: dict[str, _LineNode | int] = {}
    parser = spec_loader()(text)
    try:
        while (event := parser.get_event()) is not None:
            mark = event.start_mark
            # typed optional (for events built by hand); the parsers mark every event
            if mark is None:
                raise yaml.YAMLError(f"{type(event).__name__} without a position")
            if isinstance(event, scalar):
                node: _LineNode | int = mark.line
                key_text: str | None = event.value
                if key_text in _BOOLEAN_WORDS:  # a key as the spec loader reads it
                    key_text = key_text.lower()
            elif isinstance(event, ends):
                stack.pop()
                continue
            elif isinstance(event, starts):
                node, key_text = _LineNode(mark.line, isinstance(event, starts[0])), None
            elif isinstance(event, alias_event):  # the anchored node again: attached, never entered
                node = anchors.get(event.anchor or "", mark.line)
                if stack:
                    stack[-1].add(node, mark.line, None)
                else:
                    root = node
                continue
            else:
                continue  # stream and document events
            if event.anchor:
                anchors[event.anchor] = node
            if stack:
                stack[-1].add(node, mark.line, key_text)
            else:
                root = node
            if isinstance(node, _LineNode):
                stack.append(node)
    finally:
        parser.dispose()
    return root
