"""The two walks over a JSON instance agree: `iter_json_objects` (linked paths, for hot checks) finds the
same objects at the same places as `iter_objects` (a pointer per object)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from contract_core import pointer
from contract_core.walk import iter_json_objects, iter_objects, linked_pointer

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
