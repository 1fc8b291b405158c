"""The two walks over a JSON instance agree: `iter_json_objects` (linked paths, for hot checks) finds the
same objects at the same places as `iter_objects` (a pointer per object). The schema walk, tuned for
speed, visits what a plain keyword-by-keyword walk visits, in the same order."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from contract_core import pointer
from contract_core.walk import (
    SCHEMA_KEYWORDS,
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
    iter_examples,
    iter_json_objects,
    iter_objects,
    iter_schema_tree,
    iter_subschemas,
    linked_pointer,
)

KEYS = st.text(alphabet="ab/~0", min_size=0, max_size=3)  # `/` and `~` need escaping in a pointer
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=30,
)


@given(JSON)
def test_linked_paths_name_the_same_objects_as_pointers(document: Any) -> None:
    linked = sorted((linked_pointer(path), id(node)) for path, node in iter_json_objects(document))
    assert linked == sorted((at, id(node)) for at, node in iter_objects(document, ""))
    for at, node in iter_json_objects(document):
        assert pointer.resolve(document, linked_pointer(at)) is node


def test_a_scalar_document_has_no_objects() -> None:
    assert list(iter_json_objects("text")) == []
    assert [linked_pointer(p) for p, _ in iter_json_objects({"a/b": [{"~": {}}]})] == [
        "",
        "/a~1b/0",
        "/a~1b/0/~0",
    ]


# schema-like trees: the keywords that hold schemas, other keys, and wrong shapes under both
SCHEMA_KEYS = st.sampled_from(
    [*SCHEMA_MAP_KEYWORDS, *SCHEMA_LIST_KEYWORDS, *SCHEMA_KEYWORDS, "type", "a/b", "~"]
)
SCHEMAS = st.recursive(
    st.none() | st.booleans() | st.text(max_size=2),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(SCHEMA_KEYS, children, max_size=4)
    ),
    max_leaves=30,
)


def _plain_subschemas(schema: Any, at: str) -> list[tuple[str, Any]]:
    """The walk as the keywords read: maps, then lists, then single schemas (or draft-4 item lists)."""
    if not isinstance(schema, dict):
        return []
    found: list[tuple[str, Any]] = []
    for keyword in SCHEMA_MAP_KEYWORDS:
        if isinstance(schema.get(keyword), dict):
            found += [(pointer.join(at, keyword, k), v) for k, v in schema[keyword].items()]
    for keyword in SCHEMA_LIST_KEYWORDS:
        if isinstance(schema.get(keyword), list):
            found += [(pointer.join(at, keyword, i), v) for i, v in enumerate(schema[keyword])]
    for keyword in SCHEMA_KEYWORDS:
        child = schema.get(keyword)
        if isinstance(child, list):
            found += [(pointer.join(at, keyword, i), v) for i, v in enumerate(child)]
        elif isinstance(child, dict):
            found.append((pointer.join(at, keyword), child))
    return found


def _plain_tree(schema: Any, at: str) -> list[tuple[str, Any]]:
    if not isinstance(schema, dict):
        return []
    found = [(at, schema)]
    for here, child in _plain_subschemas(schema, at):
        found += _plain_tree(child, here)
    return found


@settings(max_examples=200)  # cheap; orders of several keywords need more than 25 draws
@given(SCHEMAS)
def test_the_schema_walk_visits_what_a_plain_walk_visits_in_order(schema: Any) -> None:
    def ids(pairs: Any) -> list[tuple[str, int]]:
        return [(at, id(node)) for at, node in pairs]

    assert ids(iter_subschemas(schema, "#")) == ids(_plain_subschemas(schema, "#"))
    assert ids(iter_schema_tree(schema, "#/s")) == ids(_plain_tree(schema, "#/s"))


# documents where content maps (a `schema` beside `example(s)`) stand at every depth, some under keys
# the content-map walk must not enter
CONTENT_KEYS = st.sampled_from(["schema", "example", "examples", "value", "content", "a/b"])
CONTENT = st.recursive(
    st.none() | st.integers(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(CONTENT_KEYS, children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=200)
@given(st.dictionaries(CONTENT_KEYS, CONTENT, max_size=4))
def test_examples_found_from_a_walk_already_made_are_those_a_fresh_walk_finds(
    document: Any,
) -> None:
    def found(**walked: Any) -> list[tuple[str, int, str]]:
        examples = iter_examples(document, lambda _: None, schemas=[], **walked)
        return [(e.pointer, id(e.value), e.schema_pointer) for e in examples]

    assert found(objects=list(iter_objects(document))) == found()
