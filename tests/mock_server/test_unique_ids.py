"""A create never overwrites another resource (issue 18): integer ids from a counter within the
schema's bounds, string ids drawn again when taken, and a clear problem once none is left."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from contract_core import load_spec
from mock_server.ids import Numbering, numbering
from mock_server.server import Features, running_mock, shared_database
from tests.mock_server.cli_mock import cli_mock

INT_IDS = Path(__file__).parent / "specs" / "int-ids.yaml"
CRUD = Path(__file__).parent / "specs" / "crud.yaml"
AUTH = {"Authorization": "Bearer t"}


def with_id_schema(tmp_path: Path, source: Path, id_schema: dict[str, object]) -> Path:
    """A copy of `source` whose Pet's id has `id_schema`."""
    document = yaml.safe_load(source.read_text())
    document["components"]["schemas"]["Pet"]["properties"]["id"] = id_schema
    copy = tmp_path / f"{source.stem}-{abs(hash(str(id_schema)))}.yaml"
    copy.write_text(yaml.safe_dump(document))
    return copy


def test_3000_creates_make_3000_pets_and_the_list_shows_them_all() -> None:
    """The issue's measurement: `id: {type: integer, minimum: 1}` drew from 1-1000 and overwrote."""
    with (
        running_mock(INT_IDS, features=Features(stateful=True)) as base,
        httpx.Client(base_url=base) as client,
    ):
        made = [client.post("/pets", json={"name": f"pet {n}"}).json() for n in range(3000)]
        assert len({pet["id"] for pet in made}) == 3000
        assert client.get("/pets").json() == made  # under the store's limit of 10,000
        assert all(client.get(f"/pets/{pet['id']}").json() == pet for pet in made[::97])


def test_the_sixth_create_within_maximum_5_is_refused_and_nothing_is_overwritten(
    tmp_path: Path,
) -> None:
    spec = with_id_schema(tmp_path, INT_IDS, {"type": "integer", "minimum": 1, "maximum": 5})
    with (
        cli_mock(tmp_path, "--spec", str(spec), "--stateful") as mock,
        httpx.Client(base_url=mock.base_url) as client,
    ):
        made = [client.post("/pets", json={"name": f"pet {n}"}).json() for n in range(5)]
        assert [pet["id"] for pet in made] == [1, 2, 3, 4, 5]
        refused = client.post("/pets", json={"name": "one too many"})
        assert refused.status_code == 507
        assert refused.headers["content-type"] == "application/problem+json"
        problem = refused.json()
        assert "every id the schema allows (1..5, 5 ids)" in problem["detail"]
        assert "nothing was overwritten" in problem["detail"]
        assert client.get("/pets").json() == made
        assert client.delete("/__mock/state").status_code == 204  # the documented way out
        assert client.post("/pets", json={"name": "again"}).json()["id"] == 1


def test_string_ids_taken_are_drawn_again_then_refused(tmp_path: Path) -> None:
    spec = with_id_schema(tmp_path, CRUD, {"type": "string", "enum": ["a", "b"]})
    with (
        running_mock(spec, features=Features(stateful=True)) as base,
        httpx.Client(base_url=base, headers=AUTH) as client,
    ):
        first, second = (client.post("/pets", json={"name": n}).json() for n in ("x", "y"))
        assert {first["id"], second["id"]} == {"a", "b"}
        refused = client.post("/pets", json={"name": "z"})
        assert refused.status_code == 507 and "no unused id for /pets" in refused.json()["detail"]
        assert client.get("/pets").json()["data"] == [first, second]


def test_an_id_the_client_sends_that_is_taken_is_a_conflict(tmp_path: Path) -> None:
    document = yaml.safe_load(CRUD.read_text())
    document["components"]["schemas"]["NewPet"]["properties"]["id"] = {"type": "string"}
    spec = tmp_path / "client-ids.yaml"
    spec.write_text(yaml.safe_dump(document))
    with (
        running_mock(spec, features=Features(stateful=True)) as base,
        httpx.Client(base_url=base, headers=AUTH) as client,
    ):
        kept = client.post("/pets", json={"id": "rex", "name": "Rex"})
        assert (kept.status_code, kept.json()["id"]) == (201, "rex")
        again = client.post("/pets", json={"id": "rex", "name": "Impostor"})
        assert again.status_code == 409 and "already holds" in again.json()["detail"]
        assert client.get("/pets/rex").json()["name"] == "Rex"


def test_workers_share_one_id_counter(tmp_path: Path) -> None:
    """Two mocks on one SQLite file (what --workers share): ids never repeat across them."""
    with shared_database() as database:
        features = Features(stateful=True, shared_db=database)
        with (
            running_mock(INT_IDS, features=features) as first,
            running_mock(INT_IDS, features=features) as second,
            httpx.Client() as client,
        ):
            ids = [
                client.post(f"{base}/pets", json={"name": "x"}).json()["id"]
                for base in (first, second) * 20
            ]
            assert sorted(ids) == list(range(1, 41))
            assert len(client.get(f"{first}/pets").json()) == 40


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer", "minimum": 1}, Numbering(1, 1, 2**63 - 1)),
        ({"type": "integer"}, Numbering(1, 1, 2**63 - 1)),
        ({"type": "integer", "minimum": 0, "maximum": 5}, Numbering(0, 1, 5)),
        ({"type": "integer", "minimum": 1, "exclusiveMinimum": True}, Numbering(2, 1, 2**63 - 1)),
        ({"type": "integer", "exclusiveMinimum": 10, "exclusiveMaximum": 13}, Numbering(11, 1, 12)),
        ({"type": "integer", "minimum": 3, "maximum": 20, "multipleOf": 5}, Numbering(5, 5, 20)),
        ({"type": "integer", "minimum": 0.5, "maximum": 9.5}, Numbering(1, 1, 9)),
        ({"type": ["integer", "null"], "minimum": 7}, Numbering(7, 1, 2**63 - 1)),
        ({"type": "string"}, None),
    ],
)
def test_numbering_follows_the_schemas_bounds(
    schema: dict[str, object], expected: Numbering | None
) -> None:
    assert numbering(load_spec(INT_IDS), schema) == expected


@given(
    low=st.integers(-1000, 1000),
    span=st.integers(0, 200),
    step=st.integers(1, 7),
    exclusive=st.booleans(),
)
def test_every_numbered_id_is_valid_and_distinct(
    low: int, span: int, step: int, exclusive: bool
) -> None:
    """Property: the ids handed out are exactly the integers the schema admits, each once."""
    schema = {"type": "integer", "minimum": low, "maximum": low + span, "multipleOf": step}
    if exclusive:
        schema["exclusiveMinimum"] = True
    found = numbering(load_spec(INT_IDS), schema)
    assert found is not None
    handed = []
    for n in range(1, span + 3):
        value = found.nth(n)
        if value is None:
            break
        handed.append(value)
    admitted = [
        v for v in range(low + exclusive, low + span + 1) if v % step == 0
    ]  # the schema's own reading
    assert handed == admitted and len(handed) == found.size
