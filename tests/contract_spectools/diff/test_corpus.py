"""The differ on the large public specs: every one against itself is no change, and against a copy where
one property of a widely shared schema changes type, exactly one change that lists every operation
that reaches it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from contract_spectools.diff import diff_documents
from contract_spectools.diff.inputs import read_document
from tests.conftest import corpus_params
from tests.contract_spectools.diff.cases import document


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_params())
def test_corpus_spec_against_itself_is_no_change(path: Path) -> None:
    spec = read_document(str(path))
    assert diff_documents(spec, spec).changes == []


@pytest.mark.corpus
@pytest.mark.parametrize(
    "path", [p for p in corpus_params() if "stripe" in str(p.values[0])] or corpus_params()[:1]
)
def test_one_type_change_in_stripe_is_one_change(path: Path) -> None:
    base = json.loads(Path(path).read_text(encoding="utf-8"))
    revision = copy.deepcopy(base)
    revision["components"]["schemas"]["charge"]["properties"]["amount"]["type"] = "string"
    changes = diff_documents(
        document(base, "base.json"), document(revision, "revision.json")
    ).changes
    assert [(c.rule, c.revision_pointer) for c in changes] == [
        ("response-property-type-changed", "#/components/schemas/charge/properties/amount")
    ]
    # charges are embedded (expandable) in most of Stripe's responses
    assert len(changes[0].affects) > 100


def _with_schemas_renamed(spec: dict) -> dict:
    """`spec` with every schema component renamed and every reference to it rewritten."""
    text = json.dumps(spec).replace('"#/components/schemas/', '"#/components/schemas/Renamed')
    renamed = json.loads(text)
    schemas = renamed.get("components", {}).get("schemas", {})
    renamed["components"]["schemas"] = {
        f"Renamed{name}": schema for name, schema in schemas.items()
    }
    return renamed


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_params())
def test_renaming_every_schema_component_is_no_change(path: Path) -> None:
    """Nothing is equal by pointer any more, so every pair of the recursive graph is compared."""
    base = read_document(str(path))
    if not base.spec.document.get("components", {}).get("schemas"):
        pytest.skip("no schema components")
    revision = document(_with_schemas_renamed(base.spec.document), "renamed.json")
    assert [
        (c.rule, c.revision_pointer, c.message) for c in diff_documents(base, revision).changes
    ][:5] == []
