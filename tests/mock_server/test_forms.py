"""Form bodies: bracket keys nest, values take the schema's types."""

from __future__ import annotations

from contract_core import parse_spec
from contract_core.forms import coerce, parse_form, with_absent_containers
from contract_core.validation import SchemaValidator
from mock_server.responder import Responder

SPEC = parse_spec("""
openapi: 3.0.3
info: {title: forms, version: "1"}
paths:
  /charges:
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [amount]
              properties:
                amount: {type: integer, format: int64}
                capture: {type: boolean}
                rate: {type: number}
                card: {type: object, properties: {number: {type: string}, exp_month: {type: integer}}}
                expand: {type: array, items: {type: string}}
                customer: {anyOf: [{type: string}, {type: object}]}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  amount: {type: integer}
                  capture: {type: boolean}
""")


def test_bracket_keys_nest_and_number_into_lists() -> None:
    parsed = parse_form(
        b"a=1&card[number]=42&card[exp][m]=1&expand[]=x&expand[]=y&items[1][p]=b&items[0][p]=a&e="
    )
    assert parsed == {
        "a": "1",
        "card": {"number": "42", "exp": {"m": "1"}},
        "expand": ["x", "y"],
        "items": [{"p": "a"}, {"p": "b"}],
        "e": "",
    }


def test_values_take_the_schema_types() -> None:
    schema = SPEC.resolve(
        "#/paths/~1charges/post/requestBody/content/application~1x-www-form-urlencoded/schema"
    )
    sent = coerce(
        SPEC,
        parse_form(b"amount=100&capture=true&rate=1.5&card[exp_month]=7&expand[]=a&customer=cus_1"),
        schema,
    )
    assert sent == {
        "amount": 100,
        "capture": True,
        "rate": 1.5,
        "card": {"exp_month": 7},
        "expand": ["a"],
        "customer": "cus_1",
    }


def test_a_form_is_validated_and_reflected() -> None:
    responder = Responder(SPEC)
    plan = next(iter(responder.plans.values()))
    sent = responder.parse_body(
        plan, "application/x-www-form-urlencoded", b"amount=7&capture=false"
    )
    body = responder.respond(plan, sent, {}).body
    assert b'"amount":7' in body and b'"capture":false' in body


def test_int64_is_a_range() -> None:
    validator = SchemaValidator(SPEC, "request")
    pointer = "#/paths/~1charges/post/requestBody/content/application~1x-www-form-urlencoded/schema"
    too_big = validator.violations({"amount": 2**63}, pointer)
    assert [v.instance_pointer for v in too_big] == ["/amount"]
    assert validator.is_valid({"amount": 2**63 - 1}, pointer)


FORM = "#/paths/~1charges/post/requestBody/content/application~1x-www-form-urlencoded/schema"
CONTAINERS = parse_spec("""
openapi: 3.0.3
info: {title: containers, version: "1"}
paths: {}
components:
  schemas:
    Body:
      type: object
      required: [shipping, tags, either, note]
      properties:
        shipping:
          type: object
          required: [address]
          properties: {name: {type: string}, address: {type: object, properties: {city: {type: string}}}}
        tags: {type: array, items: {type: string}}
        either: {anyOf: [{type: string, format: binary}, {type: array, items: {type: string}}]}
        note: {type: string}
        level: {type: string, enum: [low, high], nullable: true}
""")


def test_repeated_fields_are_an_array_and_one_field_a_one_item_array() -> None:
    schema = SPEC.resolve(FORM)
    assert coerce(SPEC, parse_form(b"amount=1&expand=a&expand=b"), schema)["expand"] == ["a", "b"]
    assert coerce(SPEC, parse_form(b"amount=1&expand=a"), schema)["expand"] == ["a"]
    long_digits = "0" * 4500  # too long to be a number, still a fine string item
    assert coerce(SPEC, parse_form(f"amount=1&expand={long_digits}".encode()), schema)[
        "expand"
    ] == [long_digits]


def test_absent_required_containers_are_empty_ones() -> None:
    """Absence is how `[]` and `{}` look in a form; in multipart only `[]` (objects travel as JSON)."""
    schema = CONTAINERS.resolve("#/components/schemas/Body")
    assert with_absent_containers(CONTAINERS, {}, schema) == {
        "shipping": {},
        "tags": [],
        "either": [],
    }
    assert with_absent_containers(CONTAINERS, {}, schema, ("array",)) == {"tags": [], "either": []}
    assert with_absent_containers(CONTAINERS, {"tags": ["x"]}, schema)["tags"] == ["x"]
    nested = with_absent_containers(CONTAINERS, {"shipping": {"name": "n"}}, schema)["shipping"]
    assert nested == {"name": "n", "address": {}}  # `shipping[name]=n` is all a form carries of it


def test_the_word_null_is_null_only_where_no_string_is_allowed() -> None:
    schema = CONTAINERS.resolve("#/components/schemas/Body")
    assert coerce(CONTAINERS, {"level": "null", "note": "null"}, schema) == {
        "level": None,
        "note": "null",
    }
