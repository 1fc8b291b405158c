"""Python's cycle collector paused while a large document is loaded and checked.

Loading a 4 MB spec builds about a million objects, and the linters then allocate hundreds of
thousands of short-lived lists, tuples and matches, none of them in cycles. Each allocation burst
set off a collection, and the full ones walked the whole loaded document again: the kit's rules
on Stripe 19 ms of 240, OpenAI 68 ms of 545; a ruleset's run on a 4 MB spec about a fifth; with SPS
Commerce's ruleset OpenAI went 2.5 s → 2.0 s. Paused rather than frozen (`gc.freeze`, which the
long-running mock and proxy use): this is library code, and the pause ends with the call, after
which the cyclic garbage the run made is collected as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block; a caller that paused the collector keeps it paused."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        _promote_young_objects()
        gc.enable()


def _promote_young_objects() -> None:
    """Everything allocated in the pause joins the oldest generation unscanned: the first young
    collection after the pause would otherwise walk all of it (the loaded spec, every finding: 3 ms
    of a 46 kB spec's lint), only to keep it. Cyclic garbage among it waits for a full collection."""
    if gc.get_freeze_count():
        return  # a process froze its heap (the mock's start-up, mock_server/heap.py): left frozen
    gc.freeze()  # every tracked object -> the permanent generation
    gc.unfreeze()  # the permanent generation -> the oldest one


def skip_final_collection() -> None:
    """The process is about to exit: skip the full collection Python runs as it ends.

    That collection walks every object still alive (the loaded spec, the rules, every finding:
    12 ms of a 125 ms `contract lint` of a 46 kB spec) only for the OS to free them all at once.
    Frozen objects are left out of it. The cost: objects held only by a reference cycle are not
    finalised, so call this only from a command that leaves no file, socket or thread to one.
    """
    gc.freeze()
