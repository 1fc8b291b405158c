"""RFC 6901 pointers: written from a path, they split back into the same tokens."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from contract_core.pointer import escape, from_path, join, split

tokens = st.lists(st.one_of(st.text(), st.integers(min_value=0)), max_size=6)


@given(tokens)
def test_a_path_written_as_a_pointer_splits_back_into_its_tokens(path: list[str | int]) -> None:
    assume(path != [""])  # `#/` is read as the whole document, as users write it
    assert split("#" + from_path(path)) == [str(token) for token in path]


@given(tokens)
def test_each_token_is_escaped_on_its_own(path: list[str | int]) -> None:
    assert from_path(path) == "".join("/" + escape(token) for token in path)
    assert join("#", *path) == "#" + from_path(path)


def test_tilde_and_slash_are_escaped_in_that_order() -> None:
    assert from_path(["a/b", "~1", 0]) == "/a~1b/~01/0"
