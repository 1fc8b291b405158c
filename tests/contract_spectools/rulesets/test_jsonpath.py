"""JSONPath as Spectral's `given` reads it, and the JavaScript filters inside it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_spectools.rulesets.filters import path_text
from contract_spectools.rulesets.jsonpath import (
    DescentIndex,
    DescentIndexes,
    JsonPath,
    JsonPathSyntaxError,
    Match,
    _descendants,
)

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


# `given` paths as published organisations' Spectral rulesets write them (adidas api-guidelines,
# SPS Commerce sps-api-standards, italia api-oas-checker): each must load and run.
PUBLISHED = [
    '$..[parameters][?(@.in == "header" && @.name.match(/Cache-Control/i))]',
    '$.[responses][?(@property[0] == "2"\n      )][headers].[?(@property.match(/Cache-Control|Expires/i))]]',
    '$.servers[?(@["x-sandbox"] != true)]',
    '$.[?(@.type=="number")]\n',
    "$.paths.'/status'.get.responses.200.content.[[schema]]",
    "$.paths.[*].requestBody.content[?(@property.indexOf('json') === -1)]^",
    '$.paths..parameters[*].[?(@property === "name" && (@ === "id" || @.match(/(_id|Id)$/)))]^.schema',
    "$.paths...responses[?(@property.match(/^(4|5)/))].content.*~",
    "$..parameters..[?(@.in == 'body' && (@.example || @.schema.$ref))]",
    "$.paths..responses[?( @property >= 200 && @property < 300 && @property != 204)]",
    "$.paths.*.*.parameters[?(@.in=='query')].required",
]
SPEC: dict[str, Any] = {
    "paths": {
        "/status": {
            "get": {
                "parameters": [{"in": "path", "name": "id", "schema": {"type": "integer"}}],
                "requestBody": {"content": {"text/plain": {}}},
                "responses": {
                    "200": {"headers": {"Expires": {}}, "content": {"a/json": {"schema": {}}}},
                    "404": {"content": {"a/json": {}}},
                },
            }
        }
    },
    "components": {"schemas": {"N": {"type": "number"}}},
}


@pytest.mark.parametrize("text", PUBLISHED)
def test_published_paths_parse_and_run(text: str) -> None:
    JsonPath(text).find(SPEC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # jsonpath-plus reads `.[` as `..[`: the Italian ruleset's "every number schema"
        ('$.[?(@.type=="number")]', [("components", "schemas", "N")]),
        # `^`: the parent of each match, once
        (
            "$.paths.[*].requestBody.content[?(@property.indexOf('json') === -1)]^",
            [("paths", "/status", "get", "requestBody", "content")],
        ),
        (
            '$.paths..parameters[*].[?(@property === "name" && @ === "id")]^.schema',
            [("paths", "/status", "get", "parameters", 0, "schema")],
        ),
        # a quoted name after a dot, `[[x]]`, `...`, and a stray `]`
        (
            "$.paths.'/status'.get.responses.200.content.[[schema]]",
            [("paths", "/status", "get", "responses", "200", "content", "a/json", "schema")],
        ),
        (
            "$.paths...responses[?(@property.match(/^(4|5)/))]",
            [("paths", "/status", "get", "responses", "404")],
        ),
        (
            "$.[responses][?(@property[0] == '2')][headers].[?(@property.match(/Expires/i))]]",
            [("paths", "/status", "get", "responses", "200", "headers", "Expires")],
        ),
        (
            "$.paths..responses[?(@property >= 200 && @property < 300)]",
            [("paths", "/status", "get", "responses", "200")],
        ),
    ],
)
def test_jsonpath_plus_quirks(text: str, expected: list[tuple[str | int, ...]]) -> None:
    assert paths(text, SPEC) == expected


def test_numbers_in_brackets_name_an_objects_keys() -> None:
    """jsonpath-plus looks a number up as a property name (spectral#2158): status codes by number."""
    doc = {"responses": {"200": {}, "202": {"content": 1}, "204": {}}, "list": ["a", "b"]}
    assert paths("$.responses[202,204].content", doc) == [("responses", "202", "content")]
    assert paths("$.responses[202,204]", doc) == [("responses", "202"), ("responses", "204")]
    assert paths("$.responses[200]", doc) == [("responses", "200")]
    assert paths("$.list[1,0]", doc) == [("list", 1), ("list", 0)]


INDEXED = [
    "$..x",
    "$.x..x",
    "$.y..[?(@property === 'z')]",
    "$..[?(@property === 'x')]",
    "$..[?(@property == 'x' || @property === 'y')].z",
    "$..[?(@property === 'y' && @.x)]",
    "$..*",
    "$..[?(@.x)]",
    "$..[?(@.x == 1 && @.y)]",
    "$..[?(@.z === 'a' || @.x)]",
    "$.y..[?(@.x != null)]",
    "$..[0]",
    "$..[1,0].x",
]


@given(json_trees, st.sampled_from(INDEXED))
def test_the_descent_index_finds_what_the_walk_finds(tree: Any, text: str) -> None:
    path = JsonPath(text)
    walked = {m.path for m in path.find(tree)}
    indexed = {m.path for m in path.find(tree, indexes=DescentIndexes())}
    assert indexed == walked


def _with_shared(node: Any, shared: list[Any], picks: list[int]) -> Any:
    """`node` with leaves replaced by the `shared` containers: each leaf takes the next pick, and
    a pick below 3 names a shared container (in turn), 3 and over keeps the leaf."""
    if isinstance(node, dict):
        return {key: _with_shared(child, shared, picks) for key, child in node.items()}
    if isinstance(node, list):
        return [_with_shared(child, shared, picks) for child in node]
    pick = picks.pop() if picks else 3
    return shared[pick % len(shared)] if shared and pick < 3 else node


CONTAINERS = json_trees.filter(lambda tree: isinstance(tree, dict | list))
PICKS = st.lists(st.integers(0, 4), min_size=2, max_size=10)


@st.composite
def json_dags(draw: st.DrawFn) -> Any:
    """Documents whose containers may be shared, at any depth, as a resolved document shares a
    `$ref`'s target among every reference to it (and a target may hold another target)."""
    shared: list[Any] = []
    for tree in draw(st.lists(CONTAINERS, min_size=1, max_size=3)):
        shared.append(_with_shared(tree, shared, draw(PICKS)))
    return _with_shared(draw(CONTAINERS), shared, draw(PICKS))


def every_route(node: Any, path: tuple[str | int, ...] = ()) -> list[Match]:
    """Each container at each of its paths (a shared one once per route to it)."""
    if not isinstance(node, dict | list):
        return []
    items = node.items() if isinstance(node, dict) else enumerate(node)
    return [Match(node, path)] + [m for k, c in items for m in every_route(c, (*path, k))]


@settings(max_examples=150)  # fast; sharing makes many more cases than a tree
@given(json_dags(), st.data())
def test_a_walk_from_many_starts_is_the_plain_walk(document: Any, data: st.DataObject) -> None:
    # DescentIndex.walk cuts closed subtrees out of the root's list: the same nodes, paths and
    # order as `_descendants` from each start with one `seen` set, shared nodes included
    routes = every_route(document)
    starts = data.draw(st.lists(st.sampled_from(routes), max_size=5)) if routes else []
    seen: set[int] = set()
    plain = [m for start in starts for m in _descendants(start, seen, lambda: None)]
    index = DescentIndex(Match(document, ()))
    walked = index.walk(starts, lambda: None)
    assert [(id(m.value), m.path) for m in walked] == [(id(m.value), m.path) for m in plain]


MANY_STARTS = [
    "$.*..x",
    "$..x..y",
    "$..*..z",
    "$.*.*..[?(@property === 'y')]",
    "$.*..[?(@property === 'x' || @property === 'y')]",
    "$..y..[?(@.x == 1 && @.y)]",
    "$.x..*",
    "$.*..[x,z]",
]


@settings(max_examples=100)
@given(json_dags(), st.sampled_from(MANY_STARTS))
def test_indexed_descents_find_what_the_walk_finds_in_order(document: Any, text: str) -> None:
    path = JsonPath(text)
    walked = [(id(m.value), m.path) for m in path.find(document)]
    indexed = [(id(m.value), m.path) for m in path.find(document, indexes=DescentIndexes())]
    assert indexed == walked


@given(json_trees)
def test_path_reads_the_candidates_normalized_path(tree: Any) -> None:
    # `@path` is built only when a filter reads it: each node's reads as jsonpath-plus writes it
    for match in JsonPath("$..*").find(tree):
        if not match.path:
            continue
        text = json.dumps(path_text(match.path))
        assert match.path in paths(f"$..[?(@path === {text})]", tree)
    if isinstance(tree, dict) and "x" in tree:
        assert paths("$[?(@path === \"$['x']\")]", tree) == [("x",)]
