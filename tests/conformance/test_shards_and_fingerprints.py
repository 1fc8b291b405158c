"""Properties of shards and fingerprints: what CI matrices and baselines rely on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.engine.shards import Shard, parse_shard, shard_labels
from conformance.errors import InvalidOption
from conformance.reporting.fingerprint import fingerprint, wildcard

labels = st.lists(st.text(min_size=1, max_size=12), max_size=40)


@given(labels, st.integers(min_value=1, max_value=12))
def test_shards_partition_the_operations(operations: list[str], count: int) -> None:
    shares = [shard_labels(operations, Shard(index, count)) for index in range(1, count + 1)]
    assert sorted(label for share in shares for label in share) == sorted(set(operations))
    sizes = [len(share) for share in shares]
    assert max(sizes) - min(sizes) <= 1  # balanced: no CI job waits on a fat shard


@given(labels, st.integers(min_value=1, max_value=6), st.randoms())
def test_a_shard_does_not_depend_on_listing_order(
    operations: list[str], count: int, random
) -> None:
    shuffled = list(operations)
    random.shuffle(shuffled)
    assert shard_labels(operations, Shard(1, count)) == shard_labels(shuffled, Shard(1, count))


@pytest.mark.parametrize("text", ["0/3", "4/3", "1", "a/b", "1/0"])
def test_bad_shards_are_refused(text: str) -> None:
    with pytest.raises(InvalidOption):
        parse_shard(text)


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=4))
def test_array_positions_do_not_change_a_fingerprint(indices: list[int]) -> None:
    at = "".join(f"/items/{i}" for i in indices) + "/id"
    assert fingerprint("GET /x", "response_schema", at) == fingerprint(
        "GET /x", "response_schema", "/items/0" * len(indices) + "/id"
    )
    assert wildcard(at) == "/items/*" * len(indices) + "/id"


def test_operation_check_and_field_do_change_a_fingerprint() -> None:
    base = fingerprint("GET /x", "response_schema", "/a")
    assert (
        len(
            {
                base,
                fingerprint("GET /y", "response_schema", "/a"),
                fingerprint("GET /x", "other", "/a"),
                fingerprint("GET /x", "response_schema", "/b"),
            }
        )
        == 4
    )
