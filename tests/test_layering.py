"""The layers ARCHITECTURE.md draws, held against every import of the kit.

The table in ARCHITECTURE.md ("| layer | package | may import |") is the rule: this test reads it, so
the page and the check cannot drift apart. Every import counts, including those inside functions and
under `TYPE_CHECKING`: a deferred import still ties the two modules together, which is how a cycle
hid before (`documented.py` <-> `exchange.py`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

KIT_PACKAGES = ("contract_core", "mock_server", "conformance", "contract_spectools", "contract_cli")
ROW = re.compile(r"^\| (L[\d.]+) \| `([\w.]+)` \| (.+) \|$")


def layer_table() -> dict[str, set[str] | None]:
    """package -> the kit packages it may import (None: everything), read from ARCHITECTURE.md."""
    table: dict[str, set[str] | None] = {}
    for line in (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            allowed = match.group(3)
            table[match.group(2)] = (
                None if "everything" in allowed else set(re.findall(r"`([\w.]+)`", allowed))
            )
    return table


def kit_modules() -> dict[str, Path]:
    """Every module of the kit by its dotted name (a package by its own name)."""
    modules = {}
    for package in KIT_PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imported(path: Path, modules: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """The kit modules `path` imports, with the line, anywhere in the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from pkg import name`: the submodule when `name` is one, else the package itself
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                for a in node.names
            ]
        else:
            continue
        for name in names:
            if name.split(".")[0] in KIT_PACKAGES:
                yield name, node.lineno


def owner(module: str, table: dict[str, set[str] | None]) -> str:
    """The table's package that holds `module` (the longest prefix)."""
    candidates = [p for p in table if module == p or module.startswith(p + ".")]
    assert candidates, f"{module} is on no layer of ARCHITECTURE.md: add its package to the table"
    return max(candidates, key=len)


def import_graph() -> dict[str, set[str]]:
    modules = kit_modules()
    return {
        name: {target for target, _ in imported(path, modules)} for name, path in modules.items()
    }


def test_the_table_names_every_package_of_the_kit() -> None:
    table = layer_table()
    assert {"contract_core", "mock_server", "contract_cli"} <= set(table)
    for module in kit_modules():
        owner(module, table)


def test_every_import_points_down_the_layers() -> None:
    table, modules = layer_table(), kit_modules()
    wrong = []
    for name, path in modules.items():
        source = owner(name, table)
        allowed = table[source]
        for target, line in imported(path, modules):
            destination = owner(target, table)
            if allowed is not None and destination != source and destination not in allowed:
                wrong.append(
                    f"{path.relative_to(REPO)}:{line}: {source} imports {destination} ({target})"
                )
    assert wrong == [], "imports against ARCHITECTURE.md's layers:\n" + "\n".join(wrong)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the circles of the import graph (components of two or more)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in graph:
                    continue
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph[succ]))))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        circles.append(sorted(component))
    return circles


def test_no_module_imports_close_a_circle() -> None:
    graph = import_graph()
    # A package's __init__ that hands on its submodules' names is not a circle with them.
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    assert strongly_connected(graph) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_the_circle_finder_finds_circles(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    assert strongly_connected(graph) == expected


def test_the_layer_check_can_fail(tmp_path: Path) -> None:
    """A core module importing the mock is refused by the table as written."""
    table = layer_table()
    allowed = table[owner("contract_core.spec", table)]
    assert allowed is not None and owner("mock_server.app", table) not in allowed


def test_pre_commit_runs_the_checks_make_test_runs() -> None:
    """The repository's pre-commit hooks and `make test` run the same checks."""
    import yaml

    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for check in ("ruff format --check", "ruff check", "mypy", "tests/test_layering.py"):
        assert any(check in entry for entry in entries), f"no pre-commit hook runs {check}"
    for check in ("ruff format --check", "ruff check", "mypy"):
        assert check in makefile, f"make test does not run {check}"


def documented_modules() -> set[str]:
    """The files and folders ARCHITECTURE.md's package tree names, as paths from the repository root."""
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8").split("## The packages", 1)[1]
    tree = text.split("```", 2)[1]
    named: set[str] = set()
    stack: list[str] = []
    for line in tree.splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip())) // 2
        names = re.split(r"\s{2,}", line.strip())[0].split()
        del stack[depth:]
        for name in names:
            named.add("/".join([*stack, name]).rstrip("/"))
        if len(names) == 1 and names[0].endswith("/"):
            stack.append(names[0].rstrip("/"))
    # A folder whose files are listed covers only those: it is not named as a whole.
    return {name for name in named if not any(other.startswith(name + "/") for other in named)}


def test_architecture_names_every_module() -> None:
    named = documented_modules()
    missing = []
    for path in kit_modules().values():
        relative = path.relative_to(REPO)
        if relative.name == "__init__.py":
            continue
        covering = {"/".join(relative.parts[:i]) for i in range(1, len(relative.parts) + 1)}
        if not covering & named:
            missing.append(str(relative))
    assert missing == [], "modules ARCHITECTURE.md's package tree does not name: " + ", ".join(
        missing
    )
