"""JSONPath as Spectral's `given` reads it, and the JavaScript filters inside it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_spectools.rulesets.jsonpath import JsonPath, JsonPathSyntaxError

DOC: dict[str, Any] = {
    "paths": {
        "/pets": {
            "get": {"parameters": [{"in": "query", "name": "a"}, {"in": "path"}, None, [1]]},
            "put": {},
            "x-internal": True,
        },
        "/b": {"post": {"type": "x"}},
    },
    "info": {"x-logo": {"type": "y"}},
}


def paths(text: str, doc: Any = DOC) -> list[tuple[str | int, ...]]:
    return [m.path for m in JsonPath(text).find(doc)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$", [()]),
        ("$.info['x-logo']", [("info", "x-logo")]),
        ("$.paths[*][get,put]", [("paths", "/pets", "get"), ("paths", "/pets", "put")]),
        (
            "$.paths[*][?(@property === 'get' || @property == 'put')]",
            [("paths", "/pets", "get"), ("paths", "/pets", "put")],
        ),
        ("$..parameters[?(@.in == 'query')]", [("paths", "/pets", "get", "parameters", 0)]),
        ("$..[?(@.type)]", [("paths", "/b", "post"), ("info", "x-logo")]),
        ("$.paths[*][?(@property.match(/^x-/))]", [("paths", "/pets", "x-internal")]),
        (
            "$.paths['/pets'].get.parameters[1:3]",
            [
                ("paths", "/pets", "get", "parameters", 1),
                ("paths", "/pets", "get", "parameters", 2),
            ],
        ),
        ("$.paths['/pets'].get.parameters[-1]", [("paths", "/pets", "get", "parameters", 3)]),
        ("$.paths[?(@parentProperty === 'paths' && @path.includes('/b'))]", [("paths", "/b")]),
        ("$.paths.*[?(typeof @ === 'boolean')]", [("paths", "/pets", "x-internal")]),
        (
            "$.paths.*.get.parameters[?(@.length === 1)]",
            [("paths", "/pets", "get", "parameters", 3)],
        ),
        (
            "$.paths.*[?(['put', 'post'].includes(@property))]",
            [("paths", "/pets", "put"), ("paths", "/b", "post")],
        ),
        (
            "$.paths.*[?(!@.parameters && @property !== 'x-internal')]",
            [("paths", "/pets", "put"), ("paths", "/b", "post")],
        ),
        ("$.paths[?(Object.keys(@).length > 2)]", [("paths", "/pets")]),
    ],
)
def test_paths_match_as_jsonpath_plus(text: str, expected: list[tuple[str | int, ...]]) -> None:
    assert paths(text) == expected


def test_tilde_gives_property_names() -> None:
    assert [m.value for m in JsonPath("$.paths.*~").find(DOC)] == ["/pets", "/b"]


def test_a_filter_that_throws_on_a_node_is_that_nodes_non_match() -> None:
    # `@.in` of null and of an array index throw in JavaScript (Spectral's crash); here: no match
    assert paths("$..parameters[?(@.in.length > 1)]") == [
        ("paths", "/pets", "get", "parameters", 0),
        ("paths", "/pets", "get", "parameters", 1),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "paths",
        "$.[",
        "$[?(@.a ==)]",
        "$.a[?(@.x)",
        "$..",
        "$[1:2:3:4]",
        "$[?(@foo)]",
        "$[?(@.a = 1)]",
    ],
)
def test_bad_paths_do_not_parse(text: str) -> None:
    with pytest.raises(JsonPathSyntaxError):
        JsonPath(text)


def test_descent_visits_a_shared_node_once() -> None:
    shared: dict[str, Any] = {"x": 1}
    assert paths("$..x", {"a": shared, "b": shared}) == [("a", "x")]


json_trees = st.recursive(
    st.none() | st.integers() | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["x", "y", "z"]), children, max_size=3)
    ),
    max_leaves=20,
)


def every_x(node: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found: list[tuple[str | int, ...]] = []
    if isinstance(node, dict):
        found += [(*path, "x")] if "x" in node else []
        for key, child in node.items():
            found += every_x(child, (*path, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += every_x(child, (*path, index))
    return found


@given(json_trees)
def test_descent_finds_every_key_x(tree: Any) -> None:
    # trees built fresh by Hypothesis share no containers, so every occurrence is found
    assert sorted(map(str, paths("$..x", tree))) == sorted(map(str, every_x(tree)))


@given(json_trees)
def test_wildcard_lists_every_child(tree: Any) -> None:
    expected = len(tree) if isinstance(tree, dict | list) else 0
    assert len(paths("$.*", tree)) == expected
