"""contract_core.collector: the pause, and what it leaves behind for the collector."""

from __future__ import annotations

import gc
import weakref

from contract_core.collector import collector_paused


class _Node:
    link: _Node | None = None


def test_what_a_pause_allocated_joins_the_oldest_generation() -> None:
    with collector_paused():
        made = [[index] for index in range(1000)]
    assert gc.isenabled()
    assert any(obj is made for obj in gc.get_objects(generation=2))
    assert not any(obj is made for obj in gc.get_objects(generation=0))


def test_cyclic_garbage_from_a_pause_is_still_collected() -> None:
    with collector_paused():
        node = _Node()
        node.link = node
        gone = weakref.ref(node)
        del node
    gc.collect()
    assert gone() is None


def test_a_frozen_heap_stays_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            _ = [[index] for index in range(1000)]
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
