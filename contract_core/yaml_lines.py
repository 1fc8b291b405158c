"""A YAML text's tree of lines: where each key and item of each collection is written.

Two readers build the same tree. Plain block YAML, which is how OpenAPI documents and Spectral
rulesets are written (indented keys and `-` items, plain scalars on one line or folded below their
key, `|`/`>` blocks, quoted scalars and flow collections over one line or several), is read line by
line here, without a YAML parser: PyYAML costs 9 ms to import, more than the whole tree of a 46 kB
spec, and a small lint pays it for a handful of lines. Anything else (anchors, aliases and merges,
tags, `?` keys, escaped keys, empty items, directives and document markers, tabs anywhere, line
breaks other than LF and CRLF, nesting deeper than Python's recursion limit) is handed to libyaml's
event stream whole, as is a text the block reader does not understand. It trusts a text the loader
has read: on a broken one its lines are a best guess where libyaml gives none. Tests hold the block
reader to the event reader on every YAML file of the corpus and the tests, on hand-written edge
cases and on generated documents.
"""

from __future__ import annotations

from collections.abc import Iterable

from contract_core.spec import spec_loader

# YAML keys the spec loader reads as booleans, so names as "true"/"false" (`200:` stays "200")
_BOOLEAN_WORDS = frozenset(("True", "TRUE", "False", "FALSE"))
# A plain key cannot start with these: each starts an anchor, alias, tag, flow, quote or directive
_KEY_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Values the block reader hands to libyaml: an anchor, an alias or a tag
_NODE_PROPERTIES = frozenset("&*!")
# What may follow a `:` that ends a key in a flow collection
_ENDS = ("", " ", "\t", ",", "[", "]", "{", "}")


class LineNode:
    """A YAML collection reduced to what locating needs: its line, and its members with the lines naming
    them. Scalars are just their (0-based) line: nothing is inside them."""

    __slots__ = ("items", "line", "members", "merged", "pending")

    def __init__(self, line: int, mapping: bool):
        self.line = line
        self.members: dict[str, tuple[int, LineNode | int]] | None = {} if mapping else None
        self.items: list[LineNode | int] | None = None if mapping else []
        # `<<:` merge-key values, looked into after own keys
        self.merged: list[LineNode | int] = []
        # while reading a mapping: the key awaiting its value
        self.pending: tuple[str | None, int] | None = None

    def child(self, token: str) -> tuple[int, LineNode | int] | None:
        """The member named `token`: the 0-based line that names it (its key, or the item) and its node."""
        if self.members is not None:
            found = self.members.get(token)
            for merged in self.merged if found is None else ():
                found = merged.child(token) if isinstance(merged, LineNode) else None
                if found is not None:
                    break
            return found
        if self.items is not None and token.isdigit() and int(token) < len(self.items):
            item = self.items[int(token)]
            return (item.line if isinstance(item, LineNode) else item), item
        return None

    def add(self, node: LineNode | int, line: int, key_text: str | None) -> None:
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

    def put(self, key: str, line: int, node: LineNode | int) -> None:
        """A mapping's member and its value at once (what `add` does in two calls for the events):
        of two same keys, the first is located, as with the events."""
        assert self.members is not None
        self.members.setdefault(key, (line, node))


def line_tree(text: str) -> LineNode | int | None:
    """The text's tree of lines (raises ValueError when the text is not YAML)."""
    try:
        return block_line_tree(text)
    except (_NotPlainBlock, RecursionError):  # the events are read without recursion
        return event_line_tree(text)


def line_in(tree: LineNode | int | None, tokens: Iterable[str]) -> int | None:
    """The 0-based line of the node at `tokens` (keys and indexes), or of its nearest ancestor the
    tree has; None for no tree."""
    if tree is None:
        return None
    node: LineNode | int = tree
    line = node if isinstance(node, int) else node.line
    for token in tokens:
        found = None if isinstance(node, int) else node.child(token)
        if found is None:
            break
        line, node = found
    return line


# The block reader ---------------------------------------------------------------------------


class _NotPlainBlock(Exception):
    """The text uses YAML the block reader leaves to libyaml."""


class _Frame:
    """An open block collection: the column of its keys or dashes, and its node."""

    __slots__ = ("column", "mapping", "node")

    def __init__(self, column: int, node: LineNode):
        self.column, self.node, self.mapping = column, node, node.members is not None


def block_line_tree(text: str) -> LineNode:
    """The tree of a plain block YAML text; _NotPlainBlock for anything else."""
    return _BlockReader(_lines(text)).read()


class _BlockReader:
    """Reads plain block YAML line by line into a tree of lines (see the module's docstring)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.root: LineNode | None = None
        self.stack: list[_Frame] = []
        # a key or a `-` that ended its line, its value on later lines: its collection and column,
        # and the key and its line (None for a `-`)
        self.awaiting: tuple[_Frame, int, str | None, int] | None = None
        self.scalar_column = -1  # lines deeper than this continue the last scalar (-1: none)
        self.next_line = 0  # lines before it were read as part of a quoted scalar or a flow

    def read(self) -> LineNode:
        number = 0
        for number, line in enumerate(self.lines):
            content = line.lstrip(" ")
            if number < self.next_line or not content or content[0] == "#":
                continue
            column = len(line) - len(content)
            if column > self.scalar_column >= 0:
                continue  # a scalar's next line: a folded plain scalar or a `|`/`>` block
            self.scalar_column = -1
            if column == 0 and content.startswith(("---", "...")):
                raise _NotPlainBlock  # a document marker
            self._line(number, column, content.rstrip(" "))
        if self.awaiting is not None:  # a last key with nothing after it: null
            if not self.awaiting[0].mapping:
                raise _NotPlainBlock  # an empty last item: libyaml marks it where the text ends
            self._attach(number)
        if self.root is None:
            raise _NotPlainBlock  # a scalar document, or none
        return self.root

    def _line(self, number: int, column: int, content: str) -> None:
        dash = content == "-" or content.startswith("- ")
        split = (None, content) if dash else _split_key(content)
        if self.awaiting is not None and self._awaited_value(number, column, dash, split):
            return
        if self.root is None:
            self.root = self._open(number, column, mapping=not dash)
        self._close_deeper(column, dash)
        frame = self.stack[-1] if self.stack else None
        if frame is None or frame.column != column or frame.mapping == dash:
            raise _NotPlainBlock  # an indentation, or keys and items mixed, left to libyaml
        if dash:
            self._item(frame, number, column, content)
        else:
            self._member(frame, number, column, split)

    def _awaited_value(
        self, number: int, column: int, dash: bool, split: tuple[str | None, str]
    ) -> bool:
        """Attach the value of the key or `-` that ended its line: null, a collection that starts on
        this line, or a scalar that is this line (True: the line is read)."""
        assert self.awaiting is not None
        parent, key_column = self.awaiting[:2]
        indentless = dash and parent.mapping and column == key_column  # `key:` then `- item`
        if column <= key_column and not indentless:
            if not parent.mapping:
                raise _NotPlainBlock  # an empty item: libyaml marks it where the next token is
            self._attach(number)  # null (a member is located by its key)
            return False
        if dash or split[0] is not None:
            self._attach(self._open(number, column, mapping=not dash))
            return False  # the line is the collection's first item or key
        self._attach(self._scalar(number, split[1], key_column))
        return True

    def _attach(self, node: LineNode | int) -> None:
        """`node` as the awaited value."""
        assert self.awaiting is not None
        parent, _, key, key_line = self.awaiting
        self.awaiting = None
        if key is None:
            parent.node.add(node, key_line, None)
        else:
            parent.node.put(key, key_line, node)

    def _open(self, number: int, column: int, mapping: bool) -> LineNode:
        node = LineNode(number, mapping)
        self.stack.append(_Frame(column, node))
        return node

    def _close_deeper(self, column: int, dash: bool) -> None:
        """Close the collections this line is not inside (an indentless sequence ends at a key)."""
        stack = self.stack
        while stack and (
            stack[-1].column > column
            or (stack[-1].column == column and not stack[-1].mapping and not dash)
        ):
            stack.pop()

    def _member(
        self, frame: _Frame, number: int, column: int, split: tuple[str | None, str]
    ) -> None:
        key, value = split
        if key is None or key == "<<":
            raise _NotPlainBlock  # a scalar where a key belongs, or a merge key
        if key in _BOOLEAN_WORDS:
            key = key.lower()
        if not value or value[0] == "#":
            self.awaiting = (frame, column, key, number)
        else:
            frame.node.put(key, number, self._scalar(number, value, column))

    def _item(self, frame: _Frame, number: int, column: int, content: str) -> None:
        value = content[1:].lstrip(" ")
        inner = column + len(content) - len(value)
        if value == "-" or value.startswith("- "):  # `- - item`: a sequence in an item
            frame.node.add(self._open(number, inner, mapping=False), number, None)
            self._item(self.stack[-1], number, inner, value)
        elif not value or value[0] == "#":
            self.awaiting = (frame, column, None, number)
        elif (split := _split_key(value))[0] is not None:
            # `- key: value`: a mapping whose keys stand at the first key's column
            frame.node.add(self._open(number, inner, mapping=True), number, None)
            self._member(self.stack[-1], number, inner, split)
        else:
            frame.node.add(self._scalar(number, value, column), number, None)

    def _scalar(self, number: int, value: str, column: int) -> LineNode | int:
        """The node of a value that starts on its line: a scalar, or a flow collection. Lines below
        that are deeper than `column` continue it; a quoted scalar or a flow collection may go on over
        lines of any depth, which are read here."""
        first = value[0]
        if first in _NODE_PROPERTIES or first in "%@`,]}" or (first in "?:" and value[1:2] in " "):
            raise _NotPlainBlock  # `?x` and `:x` are plain scalars, `? x` an explicit key
        self.scalar_column = column
        if first not in "[{\"'":
            return number  # plain, or a `|`/`>` block
        flow = _FlowReader(self.lines, number, len(self.lines[number].rstrip(" ")) - len(value))
        node = flow.node()
        flow.end_of_line()
        self.next_line = flow.number + 1
        return node


def _lines(text: str) -> list[str]:
    """The text's lines as YAML counts them; _NotPlainBlock for line breaks other than LF and CRLF."""
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            raise _NotPlainBlock
        text = text.replace("\r\n", "\n")
    if "\x85" in text or "\u2028" in text or "\u2029" in text or "\ufeff" in text:
        raise _NotPlainBlock  # YAML 1.1's other line breaks, a byte order mark
    if "\t" in text:
        raise _NotPlainBlock  # YAML separates with tabs where this reader expects spaces only
    return text.split("\n")


def _split_key(content: str) -> tuple[str | None, str]:
    """A `key: value` line's key and value, or (None, content) when the line is no key."""
    first = content[0]
    if first in "\"'":
        end = _quote_end(content, 0)
        after = "" if end is None else content[end + 1 :].lstrip(" ")
        if end is None or not after.startswith(":"):
            return None, content  # a quoted scalar (a key is on one line)
        if after[1:2] not in ("", " ") or (first == '"' and "\\" in content[1:end]):
            raise _NotPlainBlock  # `"key":value` (flow style's), or a key with escapes
        key = content[1:end]
        return (key.replace("''", "'") if first == "'" else key), after[1:].lstrip(" ")
    if first in _KEY_INDICATORS and not (first == "-" and content[1:2] not in ("", " ")):
        if first in "[{|>":
            return None, content  # a flow collection or a block scalar
        raise _NotPlainBlock
    end = content.find(": ")
    if end < 0:
        if not content.endswith(":"):
            return None, content
        end = len(content) - 1
    if " #" in content[:end]:
        return None, content  # a plain scalar with a comment that holds ": "
    return content[:end].rstrip(" "), content[end + 1 :].lstrip(" ")


def _quote_end(line: str, start: int) -> int | None:
    """The index of the quote closing the one at `start`, or None when it is not on this line."""
    quote, index = line[start], start + 1
    while (index := line.find(quote, index)) >= 0:
        if quote == "'" and line[index + 1 : index + 2] == "'":
            index += 2  # '' is a quote inside a single-quoted scalar
        elif quote == '"' and _escaped(line, index):
            index += 1
        else:
            return index
    return None


def _escaped(line: str, index: int) -> bool:
    """Whether the character at `index` follows an odd run of backslashes."""
    start = index
    while start > 0 and line[start - 1] == "\\":
        start -= 1
    return (index - start) % 2 == 1


class _FlowReader:
    """A quoted scalar or a flow collection (`[...]`, `{...}`), over one line or several, into its
    node: a flow collection's members are located as a block collection's are."""

    def __init__(self, lines: list[str], number: int, index: int):
        self.lines, self.number, self.index = lines, number, index

    def node(self) -> LineNode | int:
        """The node that starts at the cursor (after blanks), the cursor then just past it."""
        self.skip_blanks()
        first, number = self.lines[self.number][self.index], self.number
        if first == "[":
            return self.collection(LineNode(number, mapping=False), "]")
        if first == "{":
            return self.collection(LineNode(number, mapping=True), "}")
        self.scalar()
        return number

    def collection(self, node: LineNode, closer: str) -> LineNode:
        self.index += 1
        while self.peek() != closer:
            number = self.number
            if node.members is None:
                node.add(self.node(), number, None)
                if self.peek() == ":":
                    raise _NotPlainBlock  # `[key: value]`: a pair in a flow sequence
            else:
                self.member(node)
            if self.peek() == ",":
                self.index += 1
            elif self.peek() != closer:
                raise _NotPlainBlock
        self.index += 1
        return node

    def member(self, node: LineNode) -> None:
        self.skip_blanks()
        start, number = self.index, self.number
        self.scalar()
        # a plain key ends where `:` follows it, spaces before that not included
        key = (
            self.lines[number][start : self.index].rstrip(" \t") if self.number == number else None
        )
        if key is None or "\\" in key or key[:1] == "?":
            raise _NotPlainBlock  # a key over several lines, with escapes, or explicit
        if key[:1] in "\"'":
            key = key[1:-1].replace("''", "'") if key[0] == "'" else key[1:-1]
        node.add(number, number, key.lower() if key in _BOOLEAN_WORDS else key)
        if self.peek() == ":":
            self.index += 1
            value_number = self.number
            empty = self.peek() in (",", "}")
            node.add(value_number if empty else self.node(), value_number, None)
        else:
            node.add(number, number, None)  # `{key}`: a null value

    def scalar(self) -> None:
        """Past a quoted or plain scalar that starts at the cursor."""
        line = self.lines[self.number]
        first = line[self.index]
        if first in "\"'":
            self.past_quote(first)
            return
        if first in _NODE_PROPERTIES or first in "[]{},#?|>%@`":
            raise _NotPlainBlock
        while True:  # a plain scalar: to the next indicator (on this line, or a later one)
            line = self.lines[self.number]
            while self.index < len(line):
                char = line[self.index]
                if char in ",[]{}" or (
                    char == ":" and line[self.index + 1 : self.index + 2] in _ENDS
                ):
                    return
                if char == "#" and (self.index == 0 or line[self.index - 1] in " \t"):
                    return  # a comment: after a blank, or at the start of a line
                self.index += 1
            if self.number + 1 >= len(self.lines):
                raise _NotPlainBlock
            self.number, self.index = self.number + 1, 0

    def past_quote(self, quote: str) -> None:
        end = _quote_end(self.lines[self.number], self.index)
        while end is None:  # the scalar goes on: its closing quote is on a later line
            self.number += 1
            if self.number >= len(self.lines):
                raise _NotPlainBlock
            line = self.lines[self.number]
            end = _quote_end(quote + line, 0)  # a quote at the line's start closes it
            end = None if end is None else end - 1
        self.index = end + 1

    def peek(self) -> str:
        self.skip_blanks()
        return self.lines[self.number][self.index]

    def skip_blanks(self) -> None:
        """The cursor onto the next character that is not a space, a line break or a comment."""
        while True:
            line = self.lines[self.number]
            while self.index < len(line) and line[self.index] in " \t":
                self.index += 1
            if self.index < len(line) and line[self.index] != "#":
                return
            if self.number + 1 >= len(self.lines):
                raise _NotPlainBlock  # the text ends inside the collection
            self.number, self.index = self.number + 1, 0

    def end_of_line(self) -> None:
        """Only a comment may follow a block value's closing quote or bracket on its line."""
        rest = self.lines[self.number][self.index :].strip(" \t")
        if rest and rest[0] != "#":
            raise _NotPlainBlock


# The event reader ---------------------------------------------------------------------------


def event_line_tree(text: str) -> LineNode | int | None:
    """The tree from libyaml's events: any YAML (raises ValueError when the text is not YAML)."""
    import yaml  # imported here: PyYAML costs 9 ms of start-up, and plain block YAML never needs it

    try:
        return _event_tree(text)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from exc


def _event_tree(text: str) -> LineNode | int | None:
    """The text's tree of lines, from libyaml's events (raises yaml.YAMLError on a broken text)."""
    import yaml  # loaded by `event_line_tree`

    # Once per event (130,000 in a 3 MB spec): the classes are looked up once, the parser is asked
    # directly (yaml.parse wraps it in a generator), and the most frequent events are tested first.
    scalar, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    starts, ends = (
        (yaml.MappingStartEvent, yaml.SequenceStartEvent),
        (yaml.MappingEndEvent, yaml.SequenceEndEvent),
    )
    root: LineNode | int | None = None
    stack: list[LineNode] = []
    anchors: dict[str, LineNode | int] = {}
    parser = spec_loader()(text)
    try:
        while (event := parser.get_event()) is not None:
            mark = event.start_mark
            # typed optional (for events built by hand); the parsers mark every event
            if mark is None:
                raise yaml.YAMLError(f"{type(event).__name__} without a position")
            if isinstance(event, scalar):
                node: LineNode | int = mark.line
                key_text: str | None = event.value
                if key_text in _BOOLEAN_WORDS:  # a key as the spec loader reads it
                    key_text = key_text.lower()
            elif isinstance(event, ends):
                stack.pop()
                continue
            elif isinstance(event, starts):
                node, key_text = LineNode(mark.line, isinstance(event, starts[0])), None
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
            if isinstance(node, LineNode):
                stack.append(node)
    finally:
        parser.dispose()
    return root
