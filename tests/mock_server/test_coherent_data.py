"""Fixtures read like real data: times in order, the page's concrete words, no invented types.

Held as properties over many seeds, on our contract and on a spec naming its times other ways.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from contract_core import load_spec
from contract_core.walk import iter_objects
from mock_server import chronology
from mock_server.fakes import REFERENCE_NOW
from mock_server.fixtures import FixtureEngine

SPECS = Path(__file__).parent / "specs"
OURS = FixtureEngine(load_spec())
CHRONOLOGY = FixtureEngine(load_spec(SPECS / "chronology.yaml"))
SEEDS = st.integers(min_value=0, max_value=2**32)


def _fixture(engine: FixtureEngine, operation_id: str, seed: int) -> Any:
    operation = engine.spec.operation(operation_id)
    return engine.fixture(operation, engine.default_target(operation), seed).body


def _at(value: Any) -> datetime:
    moment = chronology.read(value)
    assert moment is not None, value
    return moment


def _objects(body: Any) -> list[dict[str, Any]]:
    return [node for _, node in iter_objects(body, "")]


@given(seed=SEEDS)
def test_audits_are_updated_after_they_are_created_and_before_now(seed: int) -> None:
    audits = [
        o
        for o in _objects(_fixture(OURS, "createApiToken", seed))
        if "created" in o and "at" in o["created"]
    ]
    assert audits  # the 201 carries audits at several depths
    for audit in audits:
        created = _at(audit["created"]["at"])
        assert created <= REFERENCE_NOW
        if "updated" in audit:
            assert created <= _at(audit["updated"]["at"]) <= REFERENCE_NOW, audit


def _last_used_owners(body: Any) -> list[dict[str, Any]]:
    return [
        o
        for o in _objects(body)
        if "audit" in o and (o.get("lastAccessAt") or o.get("lastLoginAt"))
    ]


@given(seed=SEEDS)
def test_last_access_and_login_come_after_the_owners_creation(seed: int) -> None:
    for owner in _last_used_owners(_fixture(OURS, "createApiToken", seed)):
        created = _at(owner["audit"]["created"]["at"])
        for name in ("lastAccessAt", "lastLoginAt"):
            if owner.get(name) is not None:
                assert created <= _at(owner[name]) <= REFERENCE_NOW, owner


def test_the_last_use_property_has_owners_to_check() -> None:
    """The property above is not vacuous: the default fixtures carry such owners."""
    assert any(_last_used_owners(_fixture(OURS, "createApiToken", seed)) for seed in range(5))


PAGE_WORDS = {"type": "Client", "status": "Active", "serviceLevel": "Express"}


def _accounts(body: Any) -> list[dict[str, Any]]:
    return [
        o
        for o in _objects(body)
        if {"serviceLevel", "externalName", "technicalSupportEmail"} & o.keys()
    ]


@given(seed=SEEDS)
def test_the_pages_concrete_words_are_what_fixtures_carry(seed: int) -> None:
    body = _fixture(OURS, "createApiToken", seed)
    for account in _accounts(body):
        shown = {k: account[k] for k in PAGE_WORDS if k in account}
        assert shown == {k: PAGE_WORDS[k] for k in shown}
    for buyer in [o for o in _objects(body) if "taxId" in o]:
        assert buyer.get("status", "Active") == "Active"


def test_the_word_property_has_accounts_to_check() -> None:
    accounts = [a for seed in range(5) for a in _accounts(_fixture(OURS, "createApiToken", seed))]
    assert any(PAGE_WORDS.keys() <= a.keys() for a in accounts)


def test_the_pages_concrete_words_are_examples_in_the_contract() -> None:
    schemas = OURS.spec.document["components"]["schemas"]
    account = schemas["Account"]["properties"]
    assert {k: account[k].get("example") for k in ("type", "status", "serviceLevel")} == {
        "type": "Client",
        "status": "Active",
        "serviceLevel": "Express",
    }
    assert schemas["Buyer"]["properties"]["status"]["example"] == "Active"


@given(seed=SEEDS)
def test_buyer_error_parameters_is_null_as_on_the_page(seed: int) -> None:
    errors = [
        o for o in _objects(_fixture(OURS, "createApiToken", seed)) if "message" in o and "id" in o
    ]
    assert all(error.get("parameters") is None for error in errors)
    parameters = OURS.spec.document["components"]["schemas"]["BuyerError"]["properties"][
        "parameters"
    ]
    assert parameters["nullable"] is True and "type" not in parameters


@given(seed=SEEDS)
def test_any_spec_gets_its_times_in_order_by_their_names(seed: int) -> None:
    for session in _fixture(CHRONOLOGY, "listSessions", seed):
        created = _at(session["createdAt"])
        assert created <= _at(session["updatedAt"]) <= REFERENCE_NOW
        assert created <= _at(session["lastSeenAt"]) <= REFERENCE_NOW
        record = session["record"]
        assert record["created_at"] <= record["modified_at"] <= REFERENCE_NOW.timestamp()
        assert record["created_at"] <= record["last_login_at"] <= REFERENCE_NOW.timestamp()
        changes = session["history"]["changes"]
        assert _at(changes["created"]["at"]) <= _at(changes["updated"]["at"]) <= REFERENCE_NOW
        assert (
            _at(changes["created"]["at"]).date() <= _at(session["history"]["lastAccessDate"]).date()
        )
        if "pinned" in session:  # pinned by an enum: left as the schema says (and still valid)
            assert session["pinned"] == {
                "createdAt": "2025-12-01T00:00:00.000Z",
                "updatedAt": "2025-01-01T00:00:00.000Z",
            }


def test_time_names_are_ranked_generically() -> None:
    ranks = {
        name: chronology.rank(name)
        for name in (
            "created",
            "createdAt",
            "created_at",
            "creationTimestamp",
            "dateCreated",
            "updated",
            "updatedAt",
            "modified_at",
            "lastModified",
            "lastLoginAt",
            "last_seen_at",
            "lastAccessDate",
            "at",
            "expiresAt",
            "creator",
            "lastName",
        )
    }
    assert ranks == {
        "created": "creation",
        "createdAt": "creation",
        "created_at": "creation",
        "creationTimestamp": "creation",
        "dateCreated": "creation",
        "updated": "update",
        "updatedAt": "update",
        "modified_at": "update",
        "lastModified": "update",
        "lastLoginAt": "last use",
        "last_seen_at": "last use",
        "lastAccessDate": "last use",
        "at": None,
        "expiresAt": None,
        "creator": None,
        "lastName": None,
    }
