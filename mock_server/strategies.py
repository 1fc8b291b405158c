"""Hypothesis strategies drawing from the fixture engine: random valid instances, cycles pruned.

hypothesis-jsonschema cannot generate recursive schemas at all, so the strategy drives our engine
with Hypothesis' own `randoms()`: every choice the engine makes is a Hypothesis draw, so examples
shrink and replay like any other strategy.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from contract_core.dialect import Direction
from mock_server.fixtures import FixtureEngine


def instances(
    engine: FixtureEngine, schema_pointer: str, direction: Direction = "response"
) -> st.SearchStrategy[Any]:
    """Valid instances of the schema at `schema_pointer` (a JSON pointer into the engine's spec)."""
    return st.randoms(use_true_random=False).map(
        lambda rng: engine.generate(schema_pointer, rng, direction)
    )


def response_bodies(
    engine: FixtureEngine,
    operation_id: str,
    status: str | None = None,
    media_type: str | None = None,
) -> st.SearchStrategy[Any]:
    """Bodies of one documented response of an operation (the success response by default)."""
    operation = engine.spec.operation(operation_id)
    target = engine.default_target(operation, status, media_type)
    if target.schema_pointer is None:
        return st.none()
    return instances(engine, target.schema_pointer, "response")
