"""`extends: spectral:oas`: the bundled translation of Spectral's core-function rules.

Each rule fires on a copy of one clean OpenAPI 3.1 document broken in one place, at the JSON path
Spectral 6 reports for it (measured with spectral-cli 6.16 on the same documents), and none fires on
the clean one; `recommended` and `all` enable what Spectral's do; `[spectral:oas, off]` runs none.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_spectools.rulesets.errors import RulesetError
from contract_spectools.rulesets.loader import load_ruleset
from contract_spectools.rulesets.runner import Document, run_ruleset
from contract_spectools.rulesets.spectral_oas import BUNDLED

CLEAN: dict[str, Any] = yaml.safe_load(
    """
openapi: 3.1.0
info:
  title: Items
  version: '1'
  description: An API of items.
  contact: {name: Team, url: 'https://team.test', email: team@team.test}
  license: {name: MIT, url: 'https://opensource.org/licenses/MIT'}
servers:
  - url: 'https://api.test/v1'
tags:
  - {name: items, description: Items.}
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, description: The id., schema: {type: string}}
    get:
      operationId: getItem
      description: Gets an item.
      tags: [items]
      responses:
        '200':
          description: The item.
          content:
            application/json:
              schema: {type: array, items: {type: string, enum: [a, b]}}
              examples:
                one: {value: [a]}
webhooks:
  itemAdded:
    post:
      responses:
        '200': {description: Received.}
"""
)
BUNDLED_RULES = set(load_ruleset(BUNDLED).rules)
GET = ("paths", "/items/{id}", "get")
MEDIA = (*GET, "responses", "200", "content", "application/json")


def at(document: dict[str, Any], *path: str | int) -> Any:
    for key in path:
        document = document[key]
    return document


def setting(*path: str | int, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        at(document, *path[:-1])[path[-1]] = value

    return change


def deleting(*path: str | int) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        del at(document, *path[:-1])[path[-1]]

    return change


def run(
    extends: str, document: dict[str, Any], tmp_path: Path, rules: str = ""
) -> set[tuple[str, str]]:
    (tmp_path / "ruleset.yaml").write_text(f"extends: {extends}\n{rules}")
    ruleset = load_ruleset(tmp_path / "ruleset.yaml")
    text = yaml.safe_dump(document, sort_keys=False)
    found = run_ruleset(ruleset, Document(document, text, str(tmp_path / "spec.yaml")))
    return {(f.rule, f.pointer) for f in found if f.rule in BUNDLED_RULES}


OP = "#/paths/~1items~1{id}/get"
AT_MEDIA = f"{OP}/responses/200/content/application~1json"
CALLBACK = {"{$request.body#/url}": {"post": {"callbacks": {}, "responses": {"200": {}}}}}
TWO_TAGS = [{"name": "z", "description": "Z."}, {"name": "items", "description": "I."}]
QUERY = {"name": "q", "in": "query", "schema": {"type": "string"}}
Change = Callable[[dict[str, Any]], None]


def ref_beside(document: dict[str, Any]) -> None:
    """A `description` beside a `$ref`, in OpenAPI 3.0 (3.1 allows it)."""
    document["openapi"] = "3.0.3"
    document["components"] = {"schemas": {"Name": {"type": "string", "enum": ["a", "b"]}}}
    items = {"$ref": "#/components/schemas/Name", "description": "A name."}
    at(document, *MEDIA, "schema")["items"] = items


# (rule, the break, the pointer Spectral 6.16 reports: a missing field at its closest parent)
BROKEN: list[tuple[str, Change, str]] = [
    ("contact-properties", deleting("info", "contact", "email"), "#/info/contact"),
    (
        "duplicated-entry-in-enum",
        setting(*MEDIA, "schema", "items", "enum", value=["a", "a"]),
        f"{AT_MEDIA}/schema/items/enum",
    ),
    ("info-contact", deleting("info", "contact"), "#/info"),
    ("info-description", setting("info", "description", value=""), "#/info/description"),
    ("info-license", deleting("info", "license"), "#/info"),
    ("license-url", deleting("info", "license", "url"), "#/info/license"),
    ("no-eval-in-markdown", setting("info", "description", value="eval(x)"), "#/info/description"),
    (
        "no-script-tags-in-markdown",
        setting("tags", 0, "description", value="<script>x"),
        "#/tags/0/description",
    ),
    ("openapi-tags-alphabetical", setting("tags", value=TWO_TAGS), "#/tags"),
    ("openapi-tags", setting("tags", value=[]), "#/tags"),
    (
        "openapi-tags-uniqueness",
        setting("tags", value=[{"name": "items", "description": "I."}] * 2),
        "#/tags/1/name",
    ),
    ("operation-tag-defined", setting(*GET, "tags", value=["nope"]), f"{OP}/tags/0"),
    ("operation-description", deleting(*GET, "description"), OP),
    (
        "operation-operationId-valid-in-url",
        setting(*GET, "operationId", value="get item"),
        f"{OP}/operationId",
    ),
    ("operation-singular-tag", setting(*GET, "tags", value=["items", "more"]), f"{OP}/tags"),
    ("operation-tags", deleting(*GET, "tags"), OP),
    ("path-declarations-must-exist", setting("paths", "/x/{}", value={}), "#/paths/~1x~1{}"),
    ("path-keys-no-trailing-slash", setting("paths", "/x/", value={}), "#/paths/~1x~1"),
    ("path-not-include-query", setting("paths", "/x?y=1", value={}), "#/paths/~1x?y=1"),
    ("tag-description", deleting("tags", 0, "description"), "#/tags/0"),
    ("no-$ref-siblings", ref_beside, f"{AT_MEDIA}/schema/items/description"),
    ("array-items", deleting(*MEDIA, "schema", "items"), f"{AT_MEDIA}/schema"),
    (
        "array-items",
        setting(*MEDIA, "schema", value={"type": ["array", "null"]}),
        f"{AT_MEDIA}/schema",
    ),
    ("oas3-api-servers", setting("servers", value=[]), "#/servers"),
    (
        "oas3-examples-value-or-externalValue",
        setting(*MEDIA, "examples", "one", value={"summary": "s"}),
        f"{AT_MEDIA}/examples/one",
    ),
    (
        "oas3-parameter-description",
        deleting("paths", "/items/{id}", "parameters", 0, "description"),
        "#/paths/~1items~1{id}/parameters/0",
    ),
    # an operation's own parameters: the alias `#OperationObject.parameters`
    (
        "oas3-parameter-description",
        setting(*GET, "parameters", value=[QUERY]),
        f"{OP}/parameters/0",
    ),
    (
        "oas3-server-not-example.com",
        setting("servers", 0, "url", value="https://example.com/v1"),
        "#/servers/0/url",
    ),
    (
        "oas3-server-trailing-slash",
        setting("servers", 0, "url", value="https://api.test/v1/"),
        "#/servers/0/url",
    ),
    (
        "oas3-callbacks-in-callbacks",
        setting(*GET, "callbacks", value={"done": CALLBACK}),
        f"{OP}/callbacks/done/{{$request.body#~1url}}/post/callbacks",
    ),
    (
        "oas3_1-servers-in-webhook",
        setting("webhooks", "itemAdded", "post", "servers", value=[{"url": "https://h.test"}]),
        "#/webhooks/itemAdded/post/servers",
    ),
    (
        "oas3_1-callbacks-in-webhook",
        setting("webhooks", "itemAdded", "post", "callbacks", value={}),
        "#/webhooks/itemAdded/post/callbacks",
    ),
]

# What Spectral reports beside: no license, no url; a tag not in the document's `tags`.
ALSO = {
    "info-license": {("license-url", "#/info")},
    "openapi-tags": {("operation-tag-defined", f"{OP}/tags/0")},
    "operation-singular-tag": {("operation-tag-defined", f"{OP}/tags/1")},
}


def test_no_bundled_rule_fires_on_the_clean_document(tmp_path: Path) -> None:
    assert run("[[spectral:oas, all]]", CLEAN, tmp_path) == set()


def test_every_bundled_rule_is_tested() -> None:
    assert {rule for rule, _, _ in BROKEN} == BUNDLED_RULES


@pytest.mark.parametrize(
    ("rule", "change", "pointer"), BROKEN, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(BROKEN)]
)
def test_a_bundled_rule_fires_where_spectral_does(
    tmp_path: Path, rule: str, change: Callable[[dict[str, Any]], None], pointer: str
) -> None:
    broken = copy.deepcopy(CLEAN)
    change(broken)
    assert run("[[spectral:oas, all]]", broken, tmp_path) == {(rule, pointer), *ALSO.get(rule, ())}


def test_recommended_enables_what_spectral_recommends(tmp_path: Path) -> None:
    broken = copy.deepcopy(CLEAN)
    del broken["info"]["license"]  # info-license and license-url: not recommended
    del broken["info"]["contact"]  # info-contact: recommended
    assert run("spectral:oas", broken, tmp_path) == {("info-contact", "#/info")}
    assert run("[[spectral:oas, recommended]]", broken, tmp_path) == {("info-contact", "#/info")}
    assert run("[[spectral:oas, all]]", broken, tmp_path) == {
        ("info-contact", "#/info"),
        ("info-license", "#/info"),
        ("license-url", "#/info"),
    }


def test_a_ruleset_turns_one_rule_on_or_off(tmp_path: Path) -> None:
    broken = copy.deepcopy(CLEAN)
    del broken["info"]["license"]
    del broken["info"]["contact"]
    rules = "rules:\n  info-license: error\n  info-contact: off\n"
    assert run("spectral:oas", broken, tmp_path, rules) == {("info-license", "#/info")}


def test_off_runs_none_and_reports_nothing_missing(tmp_path: Path) -> None:
    broken = copy.deepcopy(CLEAN)
    for _, change, _ in BROKEN:
        with contextlib.suppress(KeyError, IndexError):  # an earlier break removed the place
            change(broken)
    assert len(run("[[spectral:oas, all]]", broken, tmp_path)) > 15  # the breaks overlap
    (tmp_path / "off.yaml").write_text("extends: [[spectral:oas, off]]\n")
    ruleset = load_ruleset(tmp_path / "off.yaml")
    found = run_ruleset(ruleset, Document(broken, yaml.safe_dump(broken), "spec.yaml"))
    assert [f for f in found if f.rule in BUNDLED_RULES or f.rule == "ruleset-rule-skipped"] == []


def test_every_spectral_oas_rule_runs(tmp_path: Path) -> None:
    (tmp_path / "all.yaml").write_text("extends: [[spectral:oas, all]]\n")
    found = run_ruleset(
        load_ruleset(tmp_path / "all.yaml"), Document(CLEAN, yaml.safe_dump(CLEAN), "spec.yaml")
    )
    assert [f for f in found if f.rule == "ruleset-rule-skipped"] == []


def test_spectrals_own_functions_are_for_the_bundled_ruleset_only(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "rules:\n  t:\n    given: $\n    then: {function: oasTagDefined}\n"
    )
    with pytest.raises(RulesetError, match="unknown function 'oasTagDefined'"):
        load_ruleset(tmp_path / "r.yaml")


SIBLINGS: dict[str, Any] = {
    "$ref": "#/x",
    "paths": {
        "$ref": "#/x",
        "/a": {"$ref": "#/x", "get": {"$ref": "#/x", "responses": {}}, "put": {}},
    },
    "components": {"schemas": {"A": {"properties": {"$ref": {}, "id": {}}}}},
}
# Spectral 6.16.3 on these documents: each key beside a `$ref`, in the object that holds it, and
# none below a lone one; a property *named* `$ref` is a `$ref` key to Spectral too
SIBLING_POINTERS = {
    "#/paths",
    "#/components",
    "#/paths/~1a",
    "#/paths/~1a/get",
    "#/paths/~1a/put",
    "#/paths/~1a/get/responses",
    "#/components/schemas/A/properties/id",
}


def test_every_key_beside_a_ref_is_reported(tmp_path: Path) -> None:
    found = run("[[spectral:oas, all]]", {"openapi": "3.0.3", **SIBLINGS}, tmp_path)
    siblings = {p for rule, p in found if rule == "no-$ref-siblings"}
    assert siblings == {*SIBLING_POINTERS, "#/openapi"}


def test_openapi_3_1_allows_keys_beside_a_ref(tmp_path: Path) -> None:
    found = run("[[spectral:oas, all]]", {"openapi": "3.1.0", **SIBLINGS}, tmp_path)
    assert {rule for rule, _ in found} & {"no-$ref-siblings"} == set()


def test_keys_beside_a_ref_are_found_as_written_not_resolved(tmp_path: Path) -> None:
    """`resolved: false`: a `$ref` to an object with a `$ref` and siblings reports them once, where
    they are written."""
    document = {
        "openapi": "3.0.3",
        "paths": {"/a": {"$ref": "#/components/x"}},
        "components": {"x": {"$ref": "#/components/y", "summary": "s"}, "y": {}},
    }
    found = run("[[spectral:oas, all]]", document, tmp_path)
    assert {p for rule, p in found if rule == "no-$ref-siblings"} == {"#/components/x/summary"}
