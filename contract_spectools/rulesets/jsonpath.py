"""JSONPath as Spectral's `given` reads it (jsonpath-plus): `$`, `.name`, `['name']`, `..`, `*`, `[n]`,
`[a,b]`, slices, filters `?(...)` with JavaScript expressions, and `~` (the property name).

Hand-written because the filters are JavaScript (see `filters.py`): a Python JSONPath library would
need its own filter language in the rulesets, which is exactly what a team's existing ruleset is not.

`..` visits a node shared by several `$ref`s once (the resolved document shares the target of a
reference): what a rule finds inside it is reported where it is written, once, so walking it again
under each reference would only multiply the work (Spectral's time on large specs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from contract_core.records import Struct
from contract_spectools.rulesets.filters import (
    Expression,
    FilterSyntaxError,
    Scope,
    compile_filter,
    matches,
    property_keys,
    required_members,
)

Path = tuple[str | int, ...]
# for `isinstance` in the walks: a tuple is checked in half the time of `dict | list`
CONTAINERS = (dict, list)


class JsonPathSyntaxError(ValueError):
    """A path that does not parse; the message says where."""


class Match(NamedTuple):
    """A node and its path. A named tuple, not a dataclass: a walk of a large spec builds a few
    hundred thousand, and a tuple is built in a third of the time."""

    value: Any
    path: Path


# `_new_tuple(Match, (value, path))` in the walks: `Match(value, path)` goes through the named
# tuple's own `__new__`, a Python function, and takes twice as long as the tuple it builds
_new_tuple = tuple.__new__


class _Name(Struct, frozen=True):
    name: str


class _Wildcard(Struct, frozen=True):
    pass


class _Index(Struct, frozen=True):
    index: int


class _Slice(Struct, frozen=True):
    start: int | None
    stop: int | None
    step: int | None


class _Filter(Struct, frozen=True):
    expression: Expression


Selector = _Name | _Wildcard | _Index | _Slice | _Filter


class _Segment(Struct, frozen=True):
    selectors: tuple[Selector, ...]
    descendant: bool = False


class _PropertyName(Struct, frozen=True):
    """`~`: the match's property name instead of its value."""


class _Parent(Struct, frozen=True):
    """`^`: the match's parent (jsonpath-plus), each parent once."""


Step = _Segment | _PropertyName | _Parent


class JsonPath:
    """A compiled path; `find` lists the matches in document order."""

    def __init__(self, text: str):
        self.text = text
        self.steps = _parse(text)

    def __repr__(self) -> str:
        return f"JsonPath({self.text!r})"

    def find(
        self,
        root: Any,
        tick: Callable[[], None] = lambda: None,
        indexes: DescentIndexes | None = None,
    ) -> list[Match]:
        """The matches; `indexes` (of this `root`) serve a `$..` from one node without a new walk."""
        current = [Match(root, ())]
        for step in self.steps:
            if isinstance(step, _PropertyName):
                current = [_new_tuple(Match, (m.path[-1], m.path)) for m in current if m.path]
            elif isinstance(step, _Parent):
                current = _parents(current, root)
            elif step.descendant and indexes is not None:
                current = indexes.descend(step.selectors, current, root, tick)
            elif not step.descendant:
                current = _select_all(step.selectors, current, root)
            else:
                current = list(_apply(step, current, root, tick))
        return current


class DescentIndexes:
    """The `..` index of one document's root, built on first use (the rules of a ruleset mostly
    descend from it), and the walks from other nodes (`$.paths..x`, `$..properties..x`,
    `$.paths[*][*]..content`), each served by the root's index once and kept for the next rule."""

    def __init__(self) -> None:
        self._built: dict[tuple[int, Path], DescentIndex] = {}
        self._walks: dict[tuple[tuple[int, Path], ...], list[Match]] = {}

    def of(self, start: Match, tick: Callable[[], None]) -> DescentIndex:
        key = (id(start.value), start.path)
        if key not in self._built:
            self._built[key] = DescentIndex(start, tick)
        return self._built[key]

    def descend(
        self,
        selectors: tuple[Selector, ...],
        starts: list[Match],
        root: Any,
        tick: Callable[[], None],
    ) -> list[Match]:
        """What `_apply` finds for a `..` segment from `starts` (from several, in the same order)."""
        if len(starts) == 1 and not starts[0].path:
            return list(self.of(starts[0], tick).select(selectors, root, tick))
        key = tuple((id(start.value), start.path) for start in starts)
        if key not in self._walks:  # `..content`, `..headers` from the same operations: one walk
            self._walks[key] = self.of(Match(root, ()), tick).walk(starts, tick)
        return _select_all(selectors, self._walks[key], root)


class DescentIndex:
    """Every container under one node (each shared one once, in document order: `_descendants`),
    and which containers hold each key: built once, it serves each rule's `..` from that node (many
    rules, one walk), and turns `..name`, `..[?(@property === 'name')]` and `..[?(@.in == 'query')]`
    into look-ups.

    It also knows each container's subtree: the run of the list that its walk found below it
    (`end`), and whether a walk from that container alone would find exactly that run (`closed`:
    nothing below it leads back to a container the walk met earlier, which a fresh walk from it
    would visit again, under new paths). That lets the root's index serve a `..` from other nodes."""

    def __init__(self, start: Match, tick: Callable[[], None] = lambda: None):
        self.containers: list[Match] = []
        self.position: dict[int, int] = {}  # id(container) -> its place in `containers`
        self.kids: list[list[tuple[str | int, Any]]] = []  # each one's containers: key, value
        self.parents: list[int] = []  # the place of the container whose walk found each (-1: none)
        self.by_key: defaultdict[str, list[Match]] = defaultdict(list)
        reaches: list[int] = []  # the lowest place each one's children are at (or its own)
        # locals, not attributes, in the loop: it runs once per container of the document
        containers, position, kids_of, parents, by_key = (
            self.containers,
            self.position,
            self.kids,
            self.parents,
            self.by_key,
        )
        stack = [(start.value, start.path, -1)] if isinstance(start.value, CONTAINERS) else []
        while stack:
            value, path, parent = stack.pop()
            known = position.get(identity := id(value))
            if known is not None:  # met before: not walked again
                reaches[parent] = min(reaches[parent], known)
                continue
            tick()
            here = len(containers)
            position[identity] = here
            match = _new_tuple(Match, (value, path))
            containers.append(match)
            parents.append(parent)
            reaches.append(here)
            if isinstance(value, dict):
                for key in value:
                    by_key[key].append(match)
                kids = [(k, c) for k, c in value.items() if isinstance(c, CONTAINERS)]
            else:
                kids = [(k, c) for k, c in enumerate(value) if isinstance(c, CONTAINERS)]
            kids_of.append(kids)
            if kids:
                stack.extend([(c, (*path, k), here) for k, c in reversed(kids)])
        self.end, self.closed = _subtrees(parents, reaches)

    def walk(self, starts: list[Match], tick: Callable[[], None]) -> list[Match]:
        """`_descendants` of each start in turn with one `seen` set, as `_apply` walks them, but a
        container whose subtree is `closed` and holds nothing seen yet is not walked again: its
        run of this index's list is what a walk from it would find (the same order and routes),
        cut out at once."""
        seen = bytearray(len(self.containers))  # by place
        walked: list[Match] = []
        for start in starts:
            if not isinstance(start.value, CONTAINERS):
                continue
            stack = [(self.position[id(start.value)], start.path)]
            while stack:
                place, path = stack.pop()
                if seen[place]:
                    continue
                tick()
                last = self.end[place]
                if self.closed[place] and seen.find(1, place, last) == -1:
                    seen[place:last] = b"\x01" * (last - place)
                    walked += self._rebased(path, place, last)
                    continue
                seen[place] = 1
                walked.append(_new_tuple(Match, (self.containers[place].value, path)))
                below = reversed(self.kids[place])
                stack.extend([(self.position[id(child)], (*path, key)) for key, child in below])
        return walked

    def _rebased(self, path: Path, first: int, last: int) -> list[Match]:
        """The containers of the run `[first, last)` at their paths below `path`: the run's first
        container may be met here under another path than this index's (a shared node)."""
        run = self.containers[first:last]
        base = len(run[0].path)
        if run[0].path == path:
            return run
        return [_new_tuple(Match, (m.value, (*path, *m.path[base:]))) for m in run]

    def select(
        self, selectors: tuple[Selector, ...], root: Any, tick: Callable[[], None]
    ) -> Iterator[Match]:
        for selector in selectors:
            keys = self._keys(selector)
            if keys is not None and isinstance(selector, _Name):  # `..name`: the postings are it
                for match in self.by_key.get(selector.name, ()):
                    yield _new_tuple(
                        Match, (match.value[selector.name], (*match.path, selector.name))
                    )
            elif keys is not None:
                for key in sorted(keys):
                    for match in self.by_key.get(key, ()):
                        yield from _select_one(selector, match, root, only=key)
            elif isinstance(selector, _Filter) and required_members(selector.expression):
                yield from self._holders(selector.expression, root, tick)
            else:
                for match in self.containers:
                    tick()
                    yield from _select_one(selector, match, root)

    def _holders(
        self, expression: Expression, root: Any, tick: Callable[[], None]
    ) -> Iterator[Match]:
        """The filter run only on the objects that have the members it requires."""
        postings = [self.by_key.get(name, []) for name in required_members(expression)]
        for candidate in min(postings, key=len):
            parent = self.parents[self.position[id(candidate.value)]]
            tick()
            if parent >= 0 and _filter_accepts(
                expression, self.containers[parent], candidate, root
            ):
                yield candidate

    @staticmethod
    def _keys(selector: Selector) -> frozenset[str] | None:
        if isinstance(selector, _Name) and not selector.name.isdigit():
            return frozenset({selector.name})
        if isinstance(selector, _Filter):
            return property_keys(selector.expression)
        return None


def _subtrees(parents: list[int], reaches: list[int]) -> tuple[list[int], list[bool]]:
    """Each container's subtree as the run `[place, end)` (a walk lists a subtree in one run), and
    whether nothing in it reaches back before it. Children come after parents: one pass back."""
    end = list(range(1, len(parents) + 1))
    lowest = list(reaches)
    for place in range(len(parents) - 1, -1, -1):
        parent = parents[place]
        if parent >= 0:  # comparisons, not max() and min(): this runs per container
            if end[place] > end[parent]:
                end[parent] = end[place]
            if lowest[place] < lowest[parent]:
                lowest[parent] = lowest[place]
    return end, [lowest[place] >= place for place in range(len(parents))]


# --- parsing --------------------------------------------------------------------------------------


def _parse(text: str) -> list[Step]:
    source = text.strip()
    if not source.startswith("$"):
        raise JsonPathSyntaxError(f"a JSONPath starts with '$': {text!r}")
    reader = _Reader(source, 1)
    steps: list[Step] = []
    while not reader.done():
        if source[reader.position] in "] \t\r\n":
            # jsonpath-plus skips a stray `]` (the Italian government's ruleset has `...i))]]`)
            reader.position += 1
            continue
        steps.append(reader.step())
    return steps


class _Reader:
    def __init__(self, text: str, position: int):
        self.text = text
        self.position = position

    def done(self) -> bool:
        return self.position >= len(self.text)

    def error(self, reason: str) -> JsonPathSyntaxError:
        return JsonPathSyntaxError(f"{reason} at character {self.position + 1} of {self.text!r}")

    def step(self) -> Step:
        char = self.text[self.position]
        if char == "~":
            self.position += 1
            return _PropertyName()
        if char == "^":
            self.position += 1
            return _Parent()
        if self.text.startswith("..", self.position):
            self.position += 2
            if self.text.startswith(".", self.position):
                self.position += (
                    1  # jsonpath-plus reads `$.paths...responses` as `$.paths..responses`
                )
            return self.after_dots(descendant=True)
        if char == ".":
            self.position += 1
            return self.after_dots(descendant=False)
        if char == "[":
            return _Segment(self.brackets())
        raise self.error(f"unexpected {char!r}")

    def after_dots(self, *, descendant: bool) -> _Segment:
        if self.done():
            raise self.error("a name, '*' or '[' must follow '.'")
        if self.text[self.position] == "[":
            # jsonpath-plus turns both `.` and `[` into one separator, and two in a row into `..`:
            # `$.[?(@.type)]` and `$.paths.[*]` descend (rulesets rely on it)
            return _Segment(self.brackets(), descendant=True)
        return _Segment((self.dot_name(),), descendant)

    def dot_name(self) -> Selector:
        if self.text[self.position] in "'\"":  # `.'/status'`: a quoted name after a dot
            end = _string_end(self.text, self.position)
            name = self.text[self.position + 1 : end]
            self.position = end + 1
            return _Name(name)
        start = self.position
        while not self.done() and self.text[self.position] not in ".[~^":
            self.position += 1
        name = self.text[start : self.position].strip()
        if not name:
            raise self.error("an empty name")
        return _Wildcard() if name == "*" else _Name(name)

    def brackets(self) -> tuple[Selector, ...]:
        self.position += 1  # "["
        body_start = self.position
        if self.text[self.position :].lstrip().startswith("?("):
            return (self.filter(),)
        end = _closing(self.text, body_start, "[", "]")
        if end is None:
            raise self.error("a '[' without its ']'")
        self.position = end + 1
        return tuple(_selector(part) for part in _split_commas(self.text[body_start:end]))

    def filter(self) -> _Filter:
        opening = self.text.index("(", self.position)
        closing = _closing(self.text, opening + 1, "(", ")")
        if closing is None:
            raise self.error("a filter '?(' without its ')'")
        try:
            expression = compile_filter(self.text[opening + 1 : closing])
        except FilterSyntaxError as exc:
            raise self.error(str(exc)) from None
        self.position = closing + 1
        while not self.done() and self.text[self.position].isspace():
            self.position += 1
        if self.done() or self.text[self.position] != "]":
            raise self.error("a filter must end with ')]'")
        self.position += 1
        return _Filter(expression)


def _closing(text: str, position: int, opener: str, closer: str) -> int | None:
    """Where the bracket opened just before `position` closes (quotes and regexes skipped)."""
    depth = 1
    while position < len(text):
        char = text[position]
        if char in "'\"" or (char == "/" and opener == "(" and _starts_regex(text, position)):
            position = _string_end(text, position)
        elif char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return None


def _starts_regex(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before[-1] in "(,=!&|:?[" or before.endswith("match")


def _string_end(text: str, position: int) -> int:
    quote = text[position]
    position += 1
    while position < len(text) and text[position] != quote:
        position += 2 if text[position] == "\\" else 1
    return position


def _split_commas(body: str) -> list[str]:
    parts, start, position = [], 0, 0
    while position < len(body):
        if body[position] in "'\"":
            position = _string_end(body, position)
        elif body[position] == ",":
            parts.append(body[start:position])
            start = position + 1
        position += 1
    parts.append(body[start:])
    return parts


def _selector(part: str) -> Selector:
    part = part.strip()
    if not part:
        raise JsonPathSyntaxError("an empty selector in '[...]'")
    if part == "*":
        return _Wildcard()
    if part.startswith("[") and part.endswith("]"):
        return _selector(part[1:-1])  # `[[schema]]` reads as `[schema]`
    if part[0] in "'\"" and len(part) >= 2 and part[-1] == part[0]:
        return _Name(part[1:-1].replace("\\" + part[0], part[0]))
    if ":" in part:
        return _slice(part)
    if part.lstrip("-").isdigit():
        return _Index(int(part))
    if part.startswith(("(", "?")):
        raise JsonPathSyntaxError(f"unsupported selector {part!r} (script expressions are not run)")
    return _Name(part)  # jsonpath-plus reads a bare word in brackets as a name: [get,put]


def _slice(part: str) -> _Slice:
    pieces = [piece.strip() for piece in part.split(":")]
    if len(pieces) > 3:
        raise JsonPathSyntaxError(f"a slice has at most three parts: {part!r}")
    try:
        numbers = [int(piece) if piece else None for piece in pieces]
    except ValueError:
        raise JsonPathSyntaxError(f"a slice of integers expected: {part!r}") from None
    numbers += [None] * (3 - len(numbers))
    return _Slice(numbers[0], numbers[1], numbers[2])


# --- evaluation -----------------------------------------------------------------------------------


def _apply(
    segment: _Segment, current: list[Match], root: Any, tick: Callable[[], None]
) -> Iterator[Match]:
    if not segment.descendant:
        for match in current:
            yield from _select(segment.selectors, match, root)
        return
    seen: set[int] = set()
    for match in current:
        for node in _descendants(match, seen, tick):
            yield from _select(segment.selectors, node, root)


def _descendants(match: Match, seen: set[int], tick: Callable[[], None]) -> Iterator[Match]:
    """The node and every container below it, each shared one once, in document order (no
    recursion: deep specs). Scalars are left out: a selector only ever picks children of containers."""
    if not isinstance(match.value, CONTAINERS):
        return
    stack: list[tuple[Any, Path]] = [(match.value, match.path)]
    while stack:
        value, path = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        tick()
        yield Match(value, path)
        items = value.items() if isinstance(value, dict) else enumerate(value)
        below = [(child, (*path, key)) for key, child in items if isinstance(child, CONTAINERS)]
        stack.extend(reversed(below))


def _children(match: Match) -> Iterator[Match]:
    value = match.value
    if isinstance(value, dict):
        for key, child in value.items():
            yield _new_tuple(Match, (child, (*match.path, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield _new_tuple(Match, (child, (*match.path, index)))


def _select_all(selectors: tuple[Selector, ...], nodes: list[Match], root: Any) -> list[Match]:
    """`_select` on each node, in order. Names alone (`..content`, `..[get,put]`), `*` and a filter
    are served here: two generators per node of a large walk cost more than the look-up."""
    if selectors == (_Wildcard(),):
        return [
            _new_tuple(Match, (child, (*node.path, key)))
            for node in nodes
            for key, child in _items(node)
        ]
    if len(selectors) == 1 and isinstance(selectors[0], _Filter):
        expression = selectors[0].expression
        return [found for node in nodes for found in _filtered(expression, node, root)]
    names = [s.name for s in selectors if isinstance(s, _Name) and not s.name.isdigit()]
    if len(names) < len(selectors):
        return [found for node in nodes for found in _select(selectors, node, root)]
    return [
        _new_tuple(Match, (node.value[name], (*node.path, name)))
        for node in nodes
        if isinstance(node.value, dict)
        for name in names
        if name in node.value
    ]


def _items(match: Match) -> Iterable[tuple[str | int, Any]]:
    value = match.value
    if isinstance(value, dict):
        return value.items()
    return enumerate(value) if isinstance(value, list) else ()


def _select(selectors: tuple[Selector, ...], match: Match, root: Any) -> Iterator[Match]:
    for selector in selectors:
        yield from _select_one(selector, match, root)


def _select_one(
    selector: Selector, match: Match, root: Any, only: str | None = None
) -> Iterator[Match]:
    """The selector's matches among the children of `match` (`only`: just that key's child)."""
    value = match.value
    if only is not None and isinstance(selector, _Filter):
        child = Match(value[only], (*match.path, only))
        if _filter_accepts(selector.expression, match, child, root):
            yield child
        return
    if isinstance(selector, _Name):
        if isinstance(value, dict) and selector.name in value:
            yield Match(value[selector.name], (*match.path, selector.name))
        elif (
            isinstance(value, list) and selector.name.isdigit() and int(selector.name) < len(value)
        ):
            yield Match(value[int(selector.name)], (*match.path, int(selector.name)))
    elif isinstance(selector, _Wildcard):
        yield from _children(match)
    elif isinstance(selector, _Index):
        yield from _indexed(selector.index, match)
    elif isinstance(selector, _Slice):
        if isinstance(value, list):
            for index in range(len(value))[selector.start : selector.stop : selector.step]:
                yield Match(value[index], (*match.path, index))
    else:
        yield from _filtered(selector.expression, match, root)


def _indexed(index: int, match: Match) -> Iterator[Match]:
    """`[n]`: an array's item, or an object's key "n" (jsonpath-plus looks a number up as a property
    name: `responses[202,204]` selects the status codes, spectral#2158)."""
    value = match.value
    if isinstance(value, list) and -len(value) <= index < len(value):
        yield Match(value[index % len(value)], (*match.path, index % len(value)))
    elif isinstance(value, dict) and str(index) in value:
        yield Match(value[str(index)], (*match.path, str(index)))


def _filtered(expression: Expression, match: Match, root: Any) -> Iterator[Match]:
    for child in _candidates(expression, match):
        if _filter_accepts(expression, match, child, root):
            yield child


def _candidates(expression: Expression, match: Match) -> Iterator[Match]:
    """The children the filter may accept: those its `property_keys` name (never an array's
    item), or the objects holding its `required_members`. Skipping the rest is skipping certain
    falses, and a `..` runs a filter on every child of every container it walks."""
    value = match.value
    keys = property_keys(expression)
    if keys is not None:
        named = [key for key in value if key in keys] if isinstance(value, dict) else []
        yield from (_new_tuple(Match, (value[key], (*match.path, key))) for key in named)
        return
    required = required_members(expression)
    if not required:
        yield from _children(match)
        return
    path = match.path
    for key, child in _items(match):  # a child without the members is skipped before it is built
        if isinstance(child, dict) and required <= child.keys():
            yield _new_tuple(Match, (child, (*path, key)))


def _filter_accepts(expression: Expression, match: Match, child: Match, root: Any) -> bool:
    parent_prop = match.path[-1] if match.path else None
    scope = Scope(child.value, child.path[-1], match.value, parent_prop, child.path, root)
    return matches(expression, scope)


def _parents(current: list[Match], root: Any) -> list[Match]:
    parents: dict[Path, Match] = {}
    for match in current:
        if match.path and match.path[:-1] not in parents:
            parents[match.path[:-1]] = Match(_at(root, match.path[:-1]), match.path[:-1])
    return list(parents.values())


def _at(root: Any, path: Path) -> Any:
    node = root
    for key in path:
        node = node[key]
    return node
