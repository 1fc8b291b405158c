"""The fixture engine on large public specs (../shared/corpus): valid, bounded, no crash."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from contract_core import load_spec
from mock_server.fixtures import FixtureEngine
from tests.conftest import corpus_params
from tests.oracle import oracle_errors

ORACLE_SAMPLE = 25  # targets per spec checked by the slow pure-Python oracle


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_params())
def test_every_corpus_fixture_is_valid_and_bounded(path: Path) -> None:
    engine = FixtureEngine(load_spec(path))
    targets = [
        (op, t)
        for op in engine.spec.operations
        for t in engine.response_targets(op)
        if t.schema_pointer
    ]
    assert targets
    bodies = []
    for op, target in targets:  # the engine validates each one itself (jsonschema-rs) or raises
        body = engine.fixture(op, target, seed=1).body
        assert len(json.dumps(body, separators=(",", ":"))) <= engine.budget.max_bytes
        bodies.append((target, body))
    for target, body in random.Random(path.name).sample(bodies, min(ORACLE_SAMPLE, len(bodies))):
        if engine.spec.version == "3.0" or "nullable" not in json.dumps(
            engine.spec.resolve(target.schema_pointer)
        ):
            # openapi-schema-validator resolves discriminator mappings to bare names ('message') as
            # references and fails on them; the mapping is not a constraint, so we drop that noise.
            errors = [
                e
                for e in oracle_errors(engine.spec, target.schema_pointer, body)
                if "be resolved" not in e
            ]
            assert errors == [], target
