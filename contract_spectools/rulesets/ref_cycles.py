"""Which `$ref`s close a cycle: Spectral's resolver leaves those as written, so `..` does not go
through them and a finding on one is reported where it is written.

The targets of a document's references form a graph: a target points to every target that a
`$ref` written inside it names. A `$ref` written inside target C that names target T closes a
cycle when T leads back to C, that is when C and T are in one strongly connected component. With
`A.properties.b -> B` and `B.properties.a -> A`, both `$ref`s stay (as Spectral leaves them), while
an operation's `$ref` to `A` is followed: nothing leads back into the operation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Target = tuple[str, tuple[str, ...]]  # (file, the target's path, each step as a string)
# a `$ref` (and the file it is written in) -> its target and the target's node; None: not followed
Follow = Callable[[str, str], tuple[Target, Any] | None]


class RefCycles:
    def __init__(self, edges: dict[Target, set[Target]]):
        self.component = _components(edges)

    def closes_cycle(self, file: str, written_at: tuple[str | int, ...], target: Target) -> bool:
        """Whether the `$ref` written at `written_at` in `file`, naming `target`, closes a cycle: a
        target strictly enclosing it is in `target`'s component (a `$ref` that is itself a target,
        `A: {$ref: B}`, is followed, as Spectral does)."""
        wanted = self.component.get(target)
        if wanted is None:
            return False
        steps = tuple(map(str, written_at))
        enclosing = ((file, steps[:length]) for length in range(len(steps)))
        return any(self.component.get(place) == wanted for place in enclosing)


def ref_graph(file: str, document: Any, follow: Follow) -> dict[Target, set[Target]]:
    """Each target reached from the document -> the targets the `$ref`s written inside it name.
    Each target's subtree is walked once."""
    edges: dict[Target, set[Target]] = {}
    pending = list(_references(document, file, follow))
    while pending:
        target, node = pending.pop()
        if target in edges:
            continue
        found = list(_references(node, target[0], follow))
        edges[target] = {name for name, _ in found}
        pending.extend(found)
    return edges


def _references(node: Any, file: str, follow: Follow) -> Iterator[tuple[Target, Any]]:
    """The targets of the `$ref`s written in `node` (not through them), with their nodes."""
    stack = [node]
    while stack:
        current = stack.pop()
        ref = current.get("$ref") if isinstance(current, dict) else None
        if isinstance(ref, str):
            followed = follow(ref, file)
            if followed is not None:
                yield followed
        elif isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _components(edges: dict[Target, set[Target]]) -> dict[Target, int]:
    """Tarjan's strongly connected components, without recursion (reference chains run deep).
    About 30 lines: not worth a graph library as a dependency."""
    state = _Tarjan(edges)
    for start in edges:
        if start not in state.index:
            state.run(start)
    return state.component


class _Tarjan:
    def __init__(self, edges: dict[Target, set[Target]]):
        self.edges = edges
        self.index: dict[Target, int] = {}
        self.low: dict[Target, int] = {}
        self.stack: list[Target] = []
        self.on_stack: set[Target] = set()
        self.component: dict[Target, int] = {}

    def enter(self, node: Target) -> Iterator[Target]:
        self.index[node] = self.low[node] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(node)
        return iter(self.edges.get(node, ()))

    def run(self, start: Target) -> None:
        work = [(start, self.enter(start))]
        while work:
            node, children = work[-1]
            child = next((c for c in children if self.descend(node, c)), None)
            if child is not None:
                work.append((child, self.enter(child)))
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                self.low[parent] = min(self.low[parent], self.low[node])
            if self.low[node] == self.index[node]:
                self.close(node)

    def descend(self, node: Target, child: Target) -> bool:
        """True for a child not yet visited; a visited one on the stack lowers `node`'s link."""
        if child not in self.index:
            return True
        if child in self.on_stack:
            self.low[node] = min(self.low[node], self.index[child])
        return False

    def close(self, root: Target) -> None:
        while True:
            member = self.stack.pop()
            self.on_stack.discard(member)
            self.component[member] = self.index[root]
            if member == root:
                return
