"""The mock's long-lived objects, kept out of the garbage collector's full collections.

Start-up builds ~67,000 container objects that live as long as the process: the compiled contract,
the validated fixtures, the reply plans, Connexion's routes. CPython's collector walked them all on
every full (generation-2) collection, which the mock's own churn triggers every ~14,000 answers:
28-55 ms of CPU with the event loop stopped, and 160 ms of wall time when other processes share the
cores. At 50 connections every request under way waited it out (the tail of issue 18).

`gc.freeze()` moves every object tracked at that moment to the permanent generation, which no
collection visits (the interpreter's own remedy, meant for exactly this: a heap built once at
start-up). Collections then walk only what requests allocate; a full one took ~6 ms.

Not for `running_mock` (in-process, under a test runner): freezing is process-wide and would pin the
host's objects too.
"""

from __future__ import annotations

import gc


def freeze_long_lived() -> None:
    """Collect the start-up garbage, then freeze what is left: it lives as long as the process."""
    gc.collect()  # garbage frozen now would never be freed
    gc.freeze()


def is_frozen() -> bool:
    """Did this process freeze its heap (`contract mock`, not an in-process `running_mock`)?"""
    return gc.get_freeze_count() > 0


def refreeze() -> None:
    """After a swap (`--watch`): let the replaced version be collected, then freeze the new one.

    One full collection over everything (a pause of tens of ms, once per reload) rather than keeping
    every replaced version frozen, and so never freed, for the life of the process."""
    gc.unfreeze()
    freeze_long_lived()
