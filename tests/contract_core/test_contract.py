"""The compiled view: one per Spec, shared by every component of a process, `$ref`s followed once."""

from __future__ import annotations

from typing import Any

import pytest

from contract_core import load_spec, parse_spec
from contract_core.contract import Contract, raise_unresolved
from contract_core.errors import UnresolvableReference
from contract_core.paths import PathMatcher

SPEC = """
openapi: 3.1.0
info: {title: pets, version: "1"}
servers: [{url: /v2}]
security: [{bearer: []}]
paths:
  /pets/{petId}:
    parameters:
      - {name: petId, in: path, schema: {type: string}}
      - {name: verbose, in: query, schema: {type: boolean}}
    get:
      parameters:
        - {$ref: "#/components/parameters/Verbose"}
        - {name: ids, in: query, explode: false, schema: {type: array, items: {type: [integer, "null"]}}}
        - {name: broken, in: query, schema: {$ref: "#/components/schemas/Nowhere"}}
        - {$ref: "#/components/parameters/Nowhere"}
      responses:
        "200": {$ref: "#/components/responses/Pet"}
        "404": {$ref: "#/components/responses/Nowhere"}
        default: {description: an error}
    put:
      security: []
      requestBody: {$ref: "#/components/requestBodies/Pet"}
      responses:
        "204": {description: updated}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  parameters:
    Verbose: {name: verbose, in: query, required: true, schema: {type: integer}}
  requestBodies:
    Pet:
      required: true
      content:
        application/json: {schema: {$ref: "#/components/schemas/Pet"}}
        text/plain: {}
  responses:
    Pet:
      description: a pet
      headers:
        Content-Type: {schema: {type: string}}
        X-Rate-Limit: {required: true, schema: {type: integer}}
      content:
        application/json: {schema: {$ref: "#/components/schemas/Pet"}, example: {id: p1}}
  schemas:
    Pet: {type: object, properties: {id: {type: string}}}
"""


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract.of(parse_spec(SPEC))


def test_one_view_per_spec_and_one_matcher_in_it(monkeypatch: Any) -> None:
    built = []
    original = PathMatcher.__init__

    def counted(self: PathMatcher, spec: Any) -> None:
        built.append(spec)
        original(self, spec)

    monkeypatch.setattr(PathMatcher, "__init__", counted)
    spec, again = parse_spec(SPEC), parse_spec(SPEC)
    assert Contract.of(spec) is Contract.of(spec) and Contract.of(again) is not Contract.of(spec)
    assert built == [spec, again]


def test_parameters_path_item_ones_overridden_and_refs_followed(contract: Contract) -> None:
    get = contract.operations[0]
    assert get.operation.label == "GET /pets/{petId}"
    by_name = {p.name: p for p in get.parameters}
    assert list(by_name) == ["petId", "verbose", "ids", "broken"]  # a $ref to nowhere is left out
    verbose = by_name["verbose"]
    assert (verbose.required, verbose.kind) == (True, "integer")
    assert verbose.schema_pointer == "#/components/parameters/Verbose/schema"
    ids = by_name["ids"]
    assert (ids.kind, ids.item_kind, ids.explode) == ("array", "integer", False)
    assert by_name["broken"].kind is None and by_name["petId"].required
    assert get.route is not None and get.route.parameters("/pets/p7") == {"petId": "p7"}


def test_responses_headers_and_media_types(contract: Contract) -> None:
    get = contract.operations[0]
    ok = get.response(200)
    assert ok is not None and ok.at == "#/components/responses/Pet"
    assert [h.name for h in ok.headers] == ["X-Rate-Limit"]  # Content-Type is not a header to check
    assert ok.headers[0].documented_at == "#/components/responses/Pet/headers/X-Rate-Limit"
    assert ok.content is not None
    json_media = ok.content["application/json"]
    assert (
        json_media.schema_pointer == "#/components/responses/Pet/content/application~1json/schema"
    )
    assert json_media.node["example"] == {"id": "p1"}
    assert get.response_key(500) == "default" and get.response_key(404) == "404"


def test_a_ref_to_nowhere_compiles_as_nothing_documented_and_keeps_its_error(
    contract: Contract,
) -> None:
    missing = contract.operations[0].response(404)
    assert missing is not None and missing.content is None and missing.headers == ()
    with pytest.raises(UnresolvableReference, match="Nowhere") as raised:
        raise_unresolved(missing)
    assert raised.value.pointer == "#/paths/~1pets~1{petId}/get/responses/404"


def test_request_body_and_effective_security(contract: Contract) -> None:
    get, put = contract.operations
    assert get.body is None and get.security.at == "#/security"
    [[bearer]] = get.security.requirements
    assert (bearer.name, bearer.carrier, bearer.key) == ("bearer", "authorization", "bearer")
    assert put.security.anonymous and put.security.at == "#/paths/~1pets~1{petId}/put/security"
    assert put.body is not None and put.body.required
    assert put.body.at == "#/components/requestBodies/Pet" and put.body.content is not None
    assert [(m.name, m.schema_pointer is not None) for m in put.body.content.values()] == [
        ("application/json", True),
        ("text/plain", False),
    ]


def test_lookups_by_label_and_by_operation(contract: Contract) -> None:
    put = contract.operations[1]
    assert contract.by_label("put /PETS/{PETID}") is put
    assert contract.compiled(put.operation) is put
    assert contract.matcher.match("PUT", "/v2/pets/p1") is not None
    assert contract.schemes["bearer"].node == {"type": "http", "scheme": "bearer"}


def test_the_bundled_contract_compiles() -> None:
    contract = Contract.of(load_spec())
    [create] = contract.operations
    assert create.body is not None and create.responses is not None
    assert "token" in contract.secret_fields
