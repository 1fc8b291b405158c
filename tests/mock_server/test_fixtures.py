"""The fixture engine: valid by construction (checked by an independent oracle), pruned, bounded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_core import InfiniteRecursion, Spec, load_spec
from contract_core.cycles import RecursionAnalysis
from mock_server.fixtures import Budget, FixtureEngine
from tests.oracle import oracle_errors

SPECS = Path(__file__).parent / "specs"
SYNTHETIC = ["keywords-30.yaml", "keywords-31.yaml", "recursion.yaml", "chronology.yaml"]


def _engine(name: str | None) -> FixtureEngine:
    return FixtureEngine(load_spec(SPECS / name if name else None))


def _targets(engine: FixtureEngine) -> list[tuple[object, object]]:
    return [
        (op, target)
        for op in engine.spec.operations
        for target in engine.response_targets(op)
        if target.schema_pointer is not None
    ]


@pytest.mark.parametrize("name", [None, *SYNTHETIC], ids=["api-tokens", *SYNTHETIC])
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_every_fixture_validates_under_the_oracle(name: str | None, seed: int) -> None:
    engine = ENGINES[name]
    for op, target in _targets(engine):
        fixture = engine.fixture(op, target, seed)
        assert oracle_errors(engine.spec, target.schema_pointer, fixture.body) == [], (
            op.label,
            target,
            seed,
        )


ENGINES = {name: _engine(name) for name in [None, *SYNTHETIC]}


@pytest.mark.parametrize("name", [None, *SYNTHETIC], ids=["api-tokens", *SYNTHETIC])
def test_every_documented_status_and_media_type_is_a_target(name: str | None) -> None:
    """The oracle test above validates a fixture for every target; this proves the targets are every
    documented (operation, status, media type), read here from the document itself, so no documented
    response escapes it (a target without a schema has no body to validate)."""
    engine = ENGINES[name]
    for op in engine.spec.operations:
        targets = {
            (t.status, t.media_type, t.schema_pointer is not None)
            for t in engine.response_targets(op)
        }
        assert targets == _documented_responses(engine.spec, op.node), op.label


def _documented_responses(spec: Spec, operation: dict) -> set[tuple[str, str | None, bool]]:
    """(status, media type, has a schema) for each documented response; (status, None, False) when
    a response has no content."""
    documented = set()
    for status, raw in operation.get("responses", {}).items():
        content = spec.deref(raw)[0].get("content") or {}
        media = {(str(status), m, "schema" in (content[m] or {})) for m in content}
        documented |= media or {(str(status), None, False)}
    return documented


def test_same_seed_same_bytes_different_seed_different_bytes() -> None:
    engine = ENGINES[None]
    op = engine.spec.operation("createApiToken")
    target = engine.default_target(op)
    first = json.dumps(engine.fixture(op, target, 7).body)
    assert first == json.dumps(engine.fixture(op, target, 7).body)
    assert first != json.dumps(engine.fixture(op, target, 8).body)


def test_determinism_across_processes(tmp_path: Path) -> None:
    """Different hash seeds, separate processes: identical output bytes."""
    script = (
        "import json,sys;from contract_core import load_spec;from mock_server.fixtures import FixtureEngine;"
        f"e=FixtureEngine(load_spec({str(SPECS / 'keywords-30.yaml')!r}));"
        "print(json.dumps([e.fixture(op,t,3).body for op in e.spec.operations for t in e.response_targets(op)]));"
        "e=FixtureEngine(load_spec());op=e.spec.operation('createApiToken');"
        "print(json.dumps(e.fixture(op,e.default_target(op),3).body))"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": str(hash_seed), "PATH": ""},
        ).stdout
        for hash_seed in (1, 2)
    ]
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 1000


def test_201_reads_like_the_documentation_page() -> None:
    engine = ENGINES[None]
    op = engine.spec.operation("createApiToken")
    body = engine.fixture(op, engine.default_target(op), 1).body
    group = body["account"]["groups"][0]
    assert {"id", "token", "account", "modules", "audit", "$meta"} <= set(body)
    assert {"users", "buyers", "modules"} <= set(group)
    # Cycles are cut where the page cut them, and named in $meta.omitted.
    assert "account" not in group and "account" in group["$meta"]["omitted"]
    identity = body["audit"]["created"]["by"]
    assert "audit" not in identity and identity["$meta"]["omitted"] == ["audit"]
    user = group["users"][0]
    assert {"currentAccount", "accounts"} <= set(user["$meta"]["omitted"])
    assert "@" in user["email"] and user["href"].endswith(user["id"])
    assert len(json.dumps(body)) < 64 * 1024


def test_meta_omitted_names_exactly_the_fields_left_out() -> None:
    def check(value: object) -> None:
        if isinstance(value, dict):
            meta = value.get("$meta")
            if isinstance(meta, dict):
                for name in meta["omitted"]:
                    assert name not in value
            for child in value.values():
                check(child)
        elif isinstance(value, list):
            for child in value:
                check(child)

    engine = ENGINES[None]
    op = engine.spec.operation("createApiToken")
    for seed in range(5):
        check(engine.fixture(op, engine.default_target(op), seed).body)


def test_keywords_are_honoured() -> None:
    engine = ENGINES["keywords-30.yaml"]
    op = engine.spec.operation("getThing")
    body = engine.fixture(op, engine.default_target(op), 5).body
    assert body["kind"] in ("small", "large") and body["count"] in (10, 15, 20)
    assert 0 < body["price"] < 1 and len(set(body["tags"])) == len(body["tags"]) >= 2
    assert body["example"] == "from-the-spec" and body["defaulted"] == 42
    assert body["shape"]["shapeType"] in ("circle", "square")
    assert "secret" not in body  # writeOnly: never in a response
    body_schema = (
        engine.spec.operation("createThing").pointer
        + "/requestBody/content/application~1json/schema"
    )
    request = engine.instance(body_schema, 5, "request")
    assert "serverOnly" not in request and "secret" in request  # readOnly: never in a request


def test_required_only_cycle_raises_and_names_the_cycle() -> None:
    engine = FixtureEngine(load_spec(SPECS / "required-cycle.yaml"))
    op = engine.spec.operation("getAccount")
    with pytest.raises(InfiniteRecursion) as raised:
        engine.fixture(op, engine.default_target(op), 0)
    assert str(raised.value).startswith(
        "no finite instance: required cycle Account -> UserGroup -> Account"
    )
    # The linter's analysis names the same cycle.
    assert RecursionAnalysis(engine.spec).required_cycles() == [("Account", "UserGroup", "Account")]


def test_budget_bounds_size_and_keeps_validity() -> None:
    engine = FixtureEngine(load_spec(), Budget(max_depth=2, max_nodes=50, max_bytes=2048))
    op = engine.spec.operation("createApiToken")
    target = engine.default_target(op)
    body = engine.fixture(op, target, 0).body
    assert len(json.dumps(body)) <= 2048
    assert oracle_errors(engine.spec, target.schema_pointer, body) == []


def test_unknown_status_is_a_clear_error(spec: Spec) -> None:
    engine = ENGINES[None]
    from mock_server.fixtures import FixtureError

    with pytest.raises(FixtureError, match="no response 299; documented: 201, 400, 401, 413, 415"):
        engine.default_target(engine.spec.operation("createApiToken"), "299")


def test_hypothesis_strategy_yields_valid_varied_instances() -> None:
    from mock_server.strategies import response_bodies

    engine = ENGINES["recursion.yaml"]
    seen: set[str] = set()

    @settings()
    @given(response_bodies(engine, "getHolder"))
    def check(body: dict) -> None:  # type: ignore[type-arg]
        pointer = engine.default_target(engine.spec.operation("getHolder")).schema_pointer
        assert oracle_errors(engine.spec, pointer, body) == []
        seen.add(json.dumps(body, sort_keys=True))

    check()
    assert len(seen) > 5
