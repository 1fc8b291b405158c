"""Spectral's core functions: cases ported from Spectral's own tests, plus properties.

Ported from stoplightio/spectral packages/functions/src/__tests__/{truthy,falsy,defined,casing,
pattern,length,enumeration,xor,alphabetical,schema,unreferencedReusableObject}.test.ts and
packages/rulesets/src/oas/functions/__tests__/typedEnum.test.ts. Spectral's test helper runs the
function with `given: $`, so the target is the whole document at path [] ("The document ...").
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_spectools.rulesets.functions import (
    CORE_FUNCTIONS,
    MISSING,
    FunctionContext,
    check_options,
    engine_notices,
)
from contract_spectools.rulesets.functions.context import JsonPath, lookup
from contract_spectools.rulesets.functions.expansion import cut, expanded_size, schema_reach
from contract_spectools.rulesets.functions.regex import compile_pattern

CASING_TYPES = ["flat", "camel", "pascal", "kebab", "cobol", "snake", "macro"]


def run(
    name: str,
    value: Any,
    options: Any = None,
    *,
    document: Any = None,
    path: JsonPath = (),
    ruleset_dir: Path = Path("."),
) -> list[tuple[str, JsonPath]]:
    """Spectral's tester: options are checked first (a bad one fails the test), then the function runs."""
    assert check_options(name, options) is None
    doc = value if document is None else document
    context = FunctionContext(doc, path, path, "my-rule", ruleset_dir)
    return [(r.message, r.path) for r in CORE_FUNCTIONS[name](value, options, context)]


# --- truthy / falsy / defined / undefined (truthy.test.ts, falsy.test.ts, defined.test.ts) ---------


@pytest.mark.parametrize("value", [True, 1, [], {}])
def test_truthy_values_pass_truthy_and_fail_falsy(value: Any) -> None:
    assert run("truthy", value) == []
    assert run("falsy", value) == [("The document must be falsy", ())]


@pytest.mark.parametrize("value", [False, None, 0, ""])
def test_falsy_values_fail_truthy_and_pass_falsy(value: Any) -> None:
    assert run("truthy", value) == [("The document must be truthy", ())]
    assert run("falsy", value) == []


@pytest.mark.parametrize("name", ["truthy", "falsy", "defined", "undefined", "typedEnum"])
@pytest.mark.parametrize("options", [{}, 2])
def test_functions_without_options_refuse_any(name: str, options: Any) -> None:
    assert check_options(name, options) == f'"{name}" function does not accept any options'


@pytest.mark.parametrize("value", [True, 0, None])
def test_defined_accepts_present_values(value: Any) -> None:
    document = {"foo": value}
    assert run("defined", value, document=document, path=("foo",)) == []
    assert run("undefined", value, document=document, path=("foo",)) == [
        ('"foo" property must be undefined', ())
    ]


@pytest.mark.parametrize("absent", [MISSING, None])
def test_a_missing_field_is_undefined_whether_the_runner_passes_missing_or_none(
    absent: Any,
) -> None:
    assert run("defined", absent, document={}, path=("foo",)) == [
        ('"foo" property must be defined', ())
    ]
    assert run("undefined", absent, document={}, path=("foo",)) == []
    assert run("truthy", absent, document={}, path=("foo",)) == [
        ('"foo" property must be truthy', ())
    ]


def test_a_missing_field_is_named_from_its_closest_existing_parent() -> None:
    """Spectral reports `paths./.get` and names `"get.description" property` (overrides scenarios)."""
    document = {"paths": {"/": {"get": {}}}}
    path = ("paths", "/", "get", "description")
    assert run("truthy", MISSING, document=document, path=path) == [
        ('"get.description" property must be truthy', ())
    ]


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=3),
        lambda inner: (
            st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=2), inner, max_size=2)
        ),
        max_leaves=4,
    )
)
def test_truthy_and_falsy_are_complementary_on_present_fields(value: Any) -> None:
    document = {"x": value}
    results = [
        bool(run(name, value, document=document, path=("x",))) for name in ("truthy", "falsy")
    ]
    assert results in ([True, False], [False, True])


# --- casing (casing.test.ts) ------------------------------------------------------------------------

CASING_CASES = {
    "flat": (
        ["foo_test", "Foo", "123", "1d", "foo-bar"],
        ["foo", "foobar"],
        ["foo9bar", "foo24baz", "foo1"],
    ),
    "camel": (
        ["foo_test", "Foo", "1fooBarBaz", "123", "foo-bar"],
        ["foo", "fooBar", "fooBarBaz", "coordinateX"],
        ["foo1", "foo24Bar", "fooBar0Baz323"],
    ),
    "pascal": (
        ["foo_test", "123", "1fooBarBaz", "fooBarBaz1", "fooBar", "foo1", "foo-bar"],
        ["Foo", "FooBar", "FooBarBaz", "CoordinateZ"],
        ["Foo1", "FooBarBaz1"],
    ),
    "kebab": (
        [
            "foo_test",
            "Foo1",
            "123",
            "fooBarBaz1",
            "fooBar",
            "foO",
            "foo-baR",
            "1foo-bar",
            "foo--bar",
            "foo-",
            "-foo",
        ],
        ["foo", "foo-bar", "foo-bar-baz"],
        ["foo-bar1", "foo1-2bar"],
    ),
    "cobol": (
        ["foo_test", "Foo1", "123", "fooBarBaz1", "FOo", "FOO-BAr", "FOO--BAR", "FOO-", "-FOO"],
        ["FOO", "FOO-BAR", "FOO-BAR-BAZ"],
        ["FOO-BAR1", "FOO2-3BAR1"],
    ),
    "snake": (
        ["Foo1", "123", "fooBarBaz1", "FOo", "FOO-BAR", "foo__bar", "1foo_bar1", "foo_", "_foo"],
        ["foo", "foo_bar", "foo_bar_baz"],
        ["foo_bar1", "foo2_4bar1"],
    ),
    "macro": (
        [
            "foo_test",
            "Foo1",
            "123",
            "fooBarBaz1",
            "FOo",
            "FOO-BAR",
            "FO__BAR",
            "1FOO_BAR1",
            "FOO___BAR1",
            "FOO_",
            "_FOO",
        ],
        ["FOO", "FOO_BAR", "FOO_BAR_BAZ"],
        ["FOO_BAR1", "FOO2_4BAR1", "FOO2_4_2"],
    ),
}


@pytest.mark.parametrize("kind", CASING_TYPES)
def test_casing_types_as_spectral_tests_them(kind: str) -> None:
    invalid, valid, with_digits = CASING_CASES[kind]
    failure = [(f"must be {kind} case", ())]
    for text in invalid:
        assert run("casing", text, {"type": kind}) == failure, text
        assert run("casing", text, {"type": kind, "disallowDigits": True}) == failure, text
    for text in valid:
        assert run("casing", text, {"type": kind}) == [], text
        assert run("casing", text, {"type": kind, "disallowDigits": True}) == [], text
    for text in with_digits:
        assert run("casing", text, {"type": kind}) == [], text
        assert run("casing", text, {"type": kind, "disallowDigits": True}) == failure, text


@pytest.mark.parametrize("value", [False, 1, ""])
def test_casing_ignores_non_strings_and_the_empty_string(value: Any) -> None:
    assert run("casing", value, {"type": "camel"}) == []


@pytest.mark.parametrize("char", ["/", "*", "-"])
@pytest.mark.parametrize("leading", [True, False])
@pytest.mark.parametrize("no_digits", [True, False])
def test_casing_with_a_custom_separator(char: str, leading: bool, no_digits: bool) -> None:
    options = {
        "type": "flat",
        "disallowDigits": no_digits,
        "separator": {"char": char, "allowLeading": leading},
    }
    failure = [("must be flat case", ())]
    assert run("casing", f"flat{char}flat", options) == []
    assert run("casing", f"flat{char}Nope", options) == failure
    assert run("casing", f"flat01{char}flat", options) == (failure if no_digits else [])
    assert run("casing", f"{char}flat{char}flat", options) == ([] if leading else failure)


@pytest.mark.parametrize("kind", CASING_TYPES)
def test_casing_accepts_a_lone_leading_separator(kind: str) -> None:
    options = {
        "type": kind,
        "disallowDigits": True,
        "separator": {"allowLeading": True, "char": "/"},
    }
    assert run("casing", "/", options) == []
    assert run("casing", "//", options) == [(f"must be {kind} case", ())]


def test_casing_advanced_scenarios() -> None:
    header = {"type": "pascal", "disallowDigits": True, "separator": {"char": "-"}}
    assert run("casing", "X-MyAmazing-Header", header) == []
    path = {
        "type": "camel",
        "disallowDigits": True,
        "separator": {"char": "/", "allowLeading": True},
    }
    assert run("casing", "/path/to/myResource", path) == []


@given(st.lists(st.from_regex(r"[a-z][a-z0-9]{1,5}", fullmatch=True), min_size=1, max_size=4))
def test_words_joined_in_camel_case_pass_camel(words: list[str]) -> None:
    # words of two letters or more: Spectral's camel takes a lone capital only at the end ("coordinateX")
    text = words[0] + "".join(word[0].upper() + word[1:] for word in words[1:])
    assert run("casing", text, {"type": "camel"}) == []


@given(st.lists(st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True), min_size=1, max_size=4))
def test_words_joined_in_kebab_snake_and_macro_pass(words: list[str]) -> None:
    assert run("casing", "-".join(words), {"type": "kebab"}) == []
    assert run("casing", "_".join(words), {"type": "snake"}) == []
    assert run("casing", "_".join(words).upper(), {"type": "macro"}) == []


# --- pattern (pattern.test.ts) and its bounded time ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "options"),
    [
        ("abc", {"match": "[abc]+"}),
        ("abc", {"match": "/[abc]+/"}),
        ("aBc", {"match": "/[abc]+/im"}),
        ("abc", {"match": "/[abc]+/gi"}),
        (
            "abc",
            {"match": "/[abc]+/gi"},
        ),  # Spectral's cache case: a `g` pattern must not keep lastIndex
        ("def", {"notMatch": "/[abc]+/i"}),
        ("def", {"match": "[def]+", "notMatch": "[abc]+"}),
        (2, {"match": "^x"}),  # not a string: not judged
    ],
)
def test_pattern_passes(value: Any, options: dict[str, str]) -> None:
    assert run("pattern", value, options) == []


def test_pattern_messages() -> None:
    assert run("pattern", "abc", {"match": "^x"}) == [('"abc" must match the pattern "^x"', ())]
    assert run("pattern", "abc", {"notMatch": "b"}) == [
        ('"abc" must not match the pattern "b"', ())
    ]
    assert run("pattern", "abc", {"match": "^x", "notMatch": "b"}) == [
        ('"abc" must match the pattern "^x"', ()),
        ('"abc" must not match the pattern "b"', ()),
    ]


def test_pattern_is_linear_on_a_catastrophic_regex() -> None:
    started = time.perf_counter()
    assert run("pattern", "a" * 40 + "!", {"match": "^(a+)+$"}) == [
        ('"' + "a" * 40 + '!" must match the pattern "^(a+)+$"', ())
    ]
    assert time.perf_counter() - started < 0.5
    assert engine_notices("pattern", {"match": "^(a+)+$"}) == []


def test_pattern_with_lookahead_runs_on_the_bounded_fallback_and_is_reported() -> None:
    assert run("pattern", "abc", {"match": "^(?=a)\\w+$"}) == []
    assert run("pattern", "Abc", {"notMatch": "^(?!A)"}) == []
    assert run("pattern", "abab", {"match": "^(ab)\\1$"}) == []
    notices = engine_notices("pattern", {"match": "^(?=a)\\w+$", "notMatch": "x"})
    assert len(notices) == 1 and "RE2" in notices[0] and "(?=a)" in notices[0]


def test_a_backtracking_fallback_pattern_is_cut_off_and_said_so() -> None:
    started = time.perf_counter()
    # `^(a|a)+$` (the pattern without its lookahead) matches, so only the fallback can answer
    [(message, path)] = run("pattern", "a" * 30, {"match": "^(a|a)+(?!)$"})
    assert time.perf_counter() - started < 3
    assert "could not be checked against the pattern" in message and path == ()


@pytest.mark.parametrize(
    ("source", "value", "matches"),
    [
        ("[^]", "\n", True),  # JavaScript's any character
        ("a[]", "a", False),  # and its empty class
        ("\\u0041", "A", True),
        ("(?<n>a)\\k<n>", "aa", True),  # a named backreference (the fallback engine)
        ("(?<n>a)\\k<n>", "ab", False),
        ("^a$(?<=a)", "a\n", False),  # `$` is the end of the text, not before a final newline
        ("/^a$(?<=a)/m", "a\nb", True),
        ("^a$", "a\n", False),
        ("/^B/y", "AB", False),  # sticky: from the first character only
        ("/a.b/s", "a\nb", True),
    ],
)
def test_pattern_reads_javascript_syntax(source: str, value: str, matches: bool) -> None:
    assert (run("pattern", value, {"match": source}) == []) is matches


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (
            None,
            '"pattern" function has invalid options specified. Example valid options: { "match": "^Stoplight" }, '
            '{ "notMatch": "Swagger" }, { "match": "Stoplight", "notMatch": "Swagger" }',
        ),
        (
            {},
            '"pattern" function has invalid options specified. Example valid options: { "match": "^Stoplight" }, '
            '{ "notMatch": "Swagger" }, { "match": "Stoplight", "notMatch": "Swagger" }',
        ),
        ({"foo": True}, '"pattern" function does not support "foo" option'),
        (
            {"match": 2},
            '"pattern" function and its "match" option must be string or RegExp instance',
        ),
        (
            {"notMatch": None},
            '"pattern" function and its "notMatch" option must be string or RegExp instance',
        ),
        (
            {"match": 4, "notMatch": 10},
            '"pattern" function and its "match" option must be string or RegExp instance; '
            '"pattern" function and its "notMatch" option must be string or RegExp instance',
        ),
        (
            {"match": "/[abc]+/invalid"},
            '"pattern" function and its "match" option: '
            "Invalid flags supplied to RegExp constructor 'invalid'",
        ),
    ],
)
def test_pattern_option_errors(options: Any, reason: str) -> None:
    assert check_options("pattern", options) == reason


# --- length (length.test.ts) -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["123", 3, [1, 2, 3], {"one": 1, "two": 2, "three": 3}])
def test_length_bounds(value: Any) -> None:
    assert run("length", value, {"max": 2}) == [("The document must be shorter than 2", ())]
    assert run("length", value, {"min": 4}) == [("The document must be longer than 4", ())]
    assert run("length", value, {"min": 3, "max": 3}) == []


@given(
    st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]))
    | st.lists(st.integers())
)
def test_length_agrees_with_len(value: Any) -> None:
    size = len(value)
    assert run("length", value, {"min": size, "max": size}) == []
    assert run("length", value, {"min": size + 1}) != []
    assert run("length", value, {"max": size - 1}) != []


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (
            None,
            '"length" function has invalid options specified. Example valid options: '
            '{ "min": 2 }, { "max": 5 }, { "min": 0, "max": 10 }',
        ),
        (
            2,
            '"length" function has invalid options specified. Example valid options: '
            '{ "min": 2 }, { "max": 5 }, { "min": 0, "max": 10 }',
        ),
        ({"min": 2, "foo": True}, '"length" function does not support "foo" option'),
        (
            {"min": "2"},
            '"length" function and its "min" option accepts only the following types: number',
        ),
        (
            {"min": "4", "max": "2"},
            '"length" function and its "min" option accepts only the following types: number; '
            '"length" function and its "max" option accepts only the following types: number',
        ),
    ],
)
def test_length_option_errors(options: Any, reason: str) -> None:
    assert check_options("length", options) == reason


# --- enumeration (enumeration.test.ts) ---------------------------------------------------------------


def test_enumeration() -> None:
    assert run("enumeration", "x", {"values": ["x", "y", "z"]}) == []
    assert run("enumeration", "x", {"values": ["y", "z"]}) == [
        ('"x" must be equal to one of the allowed values: "y", "z"', ())
    ]
    assert run("enumeration", {}, {"values": ["test"]}) == []
    assert run("enumeration", True, {"values": [1]}) == [
        ("true must be equal to one of the allowed values: 1", ())
    ]
    assert run("enumeration", 1.0, {"values": [1]}) == []


def test_enumeration_option_errors() -> None:
    assert check_options("enumeration", {"values": [{}]}) == (
        '"enumeration" and its "values" option support only arrays of primitive values, '
        'i.e. ["Berlin", "London", "Paris"]'
    )
    assert check_options("enumeration", {}) == '"enumeration" function is missing "values" option'


# --- xor and or (xor.test.ts, or.test.ts) ------------------------------------------------------------


def test_xor() -> None:
    """Spectral 6 (spectral-functions 1.11) rewrote xor's messages: none present, or which ones clash."""
    assert run("xor", {"swagger": "2.0"}, {"properties": ["yada-yada", "whatever"]}) == [
        ('At least one of "yada-yada" or "whatever" must be defined', ())
    ]
    assert run("xor", {"a": 1}, {"properties": ["yada-yada", "whatever", "foo"]}) == [
        ('At least one of "yada-yada" or "whatever" or "foo" must be defined', ())
    ]
    assert run("xor", {"title": "t", "version": "1"}, {"properties": ["version", "title"]}) == [
        ('Just one of "title" and "version" must be defined', ())
    ]
    assert run("xor", {"version": "1"}, {"properties": ["version", "title"]}) == []
    assert run("xor", None, {"properties": ["version", "title"]}) == []


def test_or() -> None:
    assert run("or", {"a": 1}, {"properties": ["b", "c"]}) == [
        ('At least one of "b" or "c" must be defined', ())
    ]
    assert run("or", {"c": 1, "b": 2}, {"properties": ["b", "c"]}) == []
    assert run("or", {}, {"properties": ["a", "b", "c", "d", "e"]}) == [
        ('At least one of "a" or "b" or "c" or 2 other properties must be defined', ())
    ]


@pytest.mark.parametrize("name", ["xor", "or"])
@pytest.mark.parametrize("properties", [["foo", {}], ["foo"], []])
def test_xor_and_or_need_two_property_names(name: str, properties: list[Any]) -> None:
    reason = check_options(name, {"properties": properties})
    assert reason is not None
    assert reason.startswith(f'"{name}" requires at least two enumerated "properties", i.e. [')


# --- alphabetical (alphabetical.test.ts) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [
        (False, None, []),
        (["a"], None, []),
        ({"c": 2, "b": "xz"}, None, [('"c" must be placed after "b"', ("c",))]),
        ({"400": {}, "200": {}}, None, [('"400" must be placed after "200"', ("400",))]),
        (["b", "a"], None, [('"b" must be placed after "a"', (0,))]),
        (["a", "ab"], None, []),
        ([10, 1], None, [("10 must be placed after 1", (0,))]),
        (
            [{"a": "10"}, {"b": "1"}],
            None,
            [("The document must be one of the allowed types: number, string", ())],
        ),
        (
            [False, "a", None],
            None,
            [("The document must be one of the allowed types: number, string", ())],
        ),
        (
            [{"a": "10"}, {"a": "1"}],
            {"keyedBy": "a"},
            [("properties must follow the alphabetical order", ())],
        ),
        ([{"a": "1"}, {"a": "2"}, {"a": "2"}], {"keyedBy": "a"}, []),
        ([100, 1], {"keyedBy": "a"}, [("The document must be an object", ())]),
        (["b", "A", "a"], None, [('"b" must be placed after "A"', (0,))]),
        (["a", "A", "b", "B"], None, []),
    ],
)
def test_alphabetical(value: Any, options: Any, expected: list[tuple[str, JsonPath]]) -> None:
    assert run("alphabetical", value, options) == expected


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"foo": True}, '"alphabetical" function does not support "foo" option'),
        (
            2,
            '"alphabetical" function has invalid options specified. Example valid options: '
            'null (no options), { "keyedBy": "my-key" }',
        ),
        (
            {"keyedBy": 2},
            '"alphabetical" function and its "keyedBy" option accepts only the following types: string',
        ),
    ],
)
def test_alphabetical_option_errors(options: Any, reason: str) -> None:
    assert check_options("alphabetical", options) == reason
    assert check_options("alphabetical", None) is None and check_options("alphabetical", {}) is None


# --- casing options (casing.test.ts, validation) ------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (
            {"type": "foo"},
            '"casing" function and its "type" option accept the following values: '
            "flat, camel, pascal, kebab, cobol, snake, macro",
        ),
        ({"type": "macro", "foo": True}, '"casing" function does not support "foo" option'),
        (
            {"type": "pascal", "disallowDigits": False, "separator": {}},
            '"casing" function is missing "separator.char" option',
        ),
        (
            {"type": "pascal", "separator": {"char": "fo"}},
            '"casing" function and its "separator.char" option accepts only char, i.e. "I" or "/"',
        ),
        (
            {"type": "pascal", "separator": {"char": None}},
            '"casing" function and its "separator.char" option accepts only char, i.e. "I" or "/"',
        ),
    ],
)
def test_casing_option_errors(options: Any, reason: str) -> None:
    assert check_options("casing", options) == reason


# --- typedEnum (typedEnum.test.ts) -------------------------------------------------------------------


@pytest.mark.parametrize("enum", [1, {"a": 1}, "nope", MISSING, []])
def test_typed_enum_ignores_schemas_without_an_enum_list(enum: Any) -> None:
    schema = {"type": "integer"} if enum is MISSING else {"type": "integer", "enum": enum}
    assert run("typedEnum", schema) == []


def test_typed_enum_reports_each_value_of_the_wrong_type() -> None:
    assert run("typedEnum", {"enum": [123, 456]}) == []  # no `type`: nothing to judge
    schema = {"type": "integer", "enum": [123, "a string!", 456, "and another one!"]}
    assert run("typedEnum", schema) == [
        ('Enum value "a string!" must be "integer".', ("enum", 1)),
        ('Enum value "and another one!" must be "integer".', ("enum", 3)),
    ]


@pytest.mark.parametrize(
    ("kind", "valid", "invalid"),
    [
        ("string", ["Hello", "world!"], 12),
        ("number", [-2147483648, 17.13], "Hello"),
        ("integer", [-2147483648, 17], 12.3),
        ("boolean", [True, False], 1),
    ],
)
def test_typed_enum_types(kind: str, valid: list[Any], invalid: Any) -> None:
    assert run("typedEnum", {"type": kind, "enum": valid}) == []
    [(message, _)] = run("typedEnum", {"type": kind, "enum": [valid[0], invalid]})
    assert message.startswith("Enum value")


def test_typed_enum_reads_nullable_in_openapi_3_0_only() -> None:
    schema = {"type": "string", "nullable": True, "enum": ["a", None]}
    assert run("typedEnum", schema, document={"openapi": "3.0.3", "s": schema}, path=("s",)) == []
    assert run("typedEnum", schema, document={"openapi": "3.1.0", "s": schema}, path=("s",)) == [
        ('Enum value null must be "string".', ("enum", 1))
    ]


# --- unreferencedReusableObject (unreferencedReusableObject.test.ts) ---------------------------------


def test_unreferenced_reusable_objects() -> None:
    document = {
        "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/schemas/Used"}}}}},
        "components": {
            "schemas": {
                "Used": {},
                "Orphan": {},
                "a/b": {"$ref": "#/components/schemas/Chained"},
                "Chained": {},
            }
        },
    }
    options = {"reusableObjectsLocation": "#/components/schemas"}
    path = ("components", "schemas")
    results = run(
        "unreferencedReusableObject", lookup(document, path), options, document=document, path=path
    )
    assert results == [
        ("Potential orphaned reusable object has been detected", ("Orphan",)),
        ("Potential orphaned reusable object has been detected", ("a/b",)),
    ]
    assert run("unreferencedReusableObject", "Nope", {"reusableObjectsLocation": "#"}) == []


@pytest.mark.parametrize("location", ["#", "#/", "#/~1/d"])
def test_unreferenced_reusable_object_locations(location: str) -> None:
    assert (
        check_options("unreferencedReusableObject", {"reusableObjectsLocation": location}) is None
    )


def test_unreferenced_reusable_object_option_errors() -> None:
    assert check_options("unreferencedReusableObject", {}) == (
        '"unreferencedReusableObject" function is missing "reusableObjectsLocation" option. Example valid options: '
        '{ "reusableObjectsLocation": "#/components/schemas" }, { "reusableObjectsLocation": "#/$defs" }'
    )
    assert check_options("unreferencedReusableObject", {"reusableObjectsLocation": "foo"}) == (
        '"unreferencedReusableObject" and its "reusableObjectsLocation" option support only valid JSON Pointer '
        'fragments, i.e. "#", "#/foo", "#/paths/~1user"'
    )


# --- schema (schema.test.ts) -------------------------------------------------------------------------


def test_schema_draft_4_and_6() -> None:
    draft4 = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "number",
        "maximum": 2,
        "exclusiveMaximum": True,
    }
    assert run("schema", 2, {"schema": draft4}) == [("Number must be < 2", ())]
    assert run("schema", 2, {"schema": draft4, "dialect": "auto"}) == [("Number must be < 2", ())]
    draft6 = {"$schema": "http://json-schema.org/draft-06/schema#", "type": "string"}
    assert run("schema", 2, {"schema": draft6}) == [("Value type must be string", ())]


@pytest.mark.parametrize("dialect", ["draft7", "draft2019-09", "draft2020-12"])
def test_schema_later_drafts(dialect: str) -> None:
    assert run("schema", "", {"schema": {"type": "number"}, "dialect": dialect}) == [
        ("Value type must be number", ())
    ]


def test_schema_messages_in_spectral_words() -> None:
    array = {"type": "array", "items": {"type": "string"}, "maxItems": 1}
    assert run("schema", {"foo": "bar"}, {"schema": array}) == [("Value type must be array", ())]
    assert run("schema", ["1", "2"], {"schema": array}) == [
        ("Object must not have more than 1 items", ())
    ]
    nested = {
        "type": "object",
        "properties": {
            "foo": {
                "type": "object",
                "properties": {"bar": {"type": "string"}},
                "additionalProperties": False,
            }
        },
    }
    assert run("schema", {"abc": "s", "foo": {"bar": 0}}, {"schema": nested}) == [
        ('"bar" property type must be string', ("foo", "bar"))
    ]
    assert run("schema", {"abc": "s", "foo": {"baz": "test"}}, {"schema": nested}) == [
        ('Property "baz" is not expected to be here', ("foo",))
    ]
    assert run("schema", "not an email", {"schema": {"type": "string", "format": "email"}}) == [
        ('String must match format "email"', ())
    ]
    assert (
        run("schema", "email@example.com", {"schema": {"type": "string", "format": "email"}}) == []
    )
    assert run("schema", "baz", {"schema": {"enum": ["foo", "bar"]}}) == [
        ('String must be equal to one of the allowed values: "foo", "bar". Did you mean "bar"?', ())
    ]
    assert run(
        "schema", {}, {"schema": {"required": ["a"]}}, document={"info": {}}, path=("info",)
    ) == [('"info" property must have required property "a"', ())]


def test_schema_all_errors_or_the_first() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    assert len(run("schema", {"a": 1, "b": 2}, {"schema": schema})) == 1
    assert len(run("schema", {"a": 1, "b": 2}, {"schema": schema, "allErrors": True})) == 2


def test_schema_on_a_missing_field() -> None:
    assert run("schema", MISSING, {"schema": {}}, document={}, path=("foo",)) == [
        ('"foo" property must exist', ())
    ]


def test_schema_refs_to_files_next_to_the_ruleset(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "name.yaml").write_text("type: string\nminLength: 2\n")
    (tmp_path / "id.json").write_text(json.dumps({"type": "integer"}))
    schema = {"properties": {"name": {"$ref": "./schemas/name.yaml"}, "id": {"$ref": "id.json"}}}
    options = {"schema": schema, "allErrors": True}
    results = run("schema", {"name": "x", "id": "7"}, options, ruleset_dir=tmp_path)
    assert sorted(results) == [
        ('"id" property type must be integer', ("id",)),
        ('"name" property must not have fewer than 2 characters', ("name",)),
    ]
    missing = run("schema", {}, {"schema": {"$ref": "nowhere.json"}}, ruleset_dir=tmp_path)
    assert len(missing) == 1 and "nowhere.json" in missing[0][0]


@pytest.mark.parametrize(
    "options",
    [
        {"schema": {"type": 2}},
        {"schema": {"allOf": None}},
        {"schema": {"type": "string", "pattern": "?"}},
        {"schema": "object"},
        {"schema": {}, "dialect": "draft3"},
        {},
    ],
)
def test_schema_options_that_are_not_a_schema_are_refused(options: Any) -> None:
    reason = check_options("schema", options)
    assert reason is not None and reason.startswith('"schema" function')


def test_every_core_function_is_known_to_check_options() -> None:
    assert check_options("nope", None) == '"nope" is not a core function'
    assert set(CORE_FUNCTIONS) == {
        "truthy", "falsy", "defined", "undefined", "pattern", "casing", "enumeration", "length",
        "alphabetical", "xor", "or", "schema", "typedEnum", "unreferencedReusableObject",
    }  # fmt: skip


# --- cases checked against Spectral 6 itself (spectral-core 1, spectral-functions 1.11.1) ------------

SPECTRAL_SCHEMA_CASES = [
    (
        {"type": "object", "propertyNames": {"pattern": "^[a-b]+$"}},
        {"n": 1},
        False,
        [('Object must match pattern "^[a-b]+$"', ()), ("Object property name must be valid", ())],
    ),
    (
        {"anyOf": [{"type": "object", "required": ["a"]}, {"type": "object", "required": ["b"]}]},
        "cd",
        True,
        [
            ("Value type must be object", ()),
            (
                "String must match a schema in anyOf. None of the schemas matched, "
                "see the other errors reported for this value",
                (),
            ),
        ],
    ),
    (
        {"if": {"type": "string"}, "then": {"minLength": 3}, "else": {"type": "integer"}},
        0.5,
        True,
        [("Value type must be integer", ()), ('Number must match "else" schema', ())],
    ),
    (
        {"if": {"type": "string"}, "then": {"minLength": 3}},
        "x",
        False,
        [("String must not have fewer than 3 characters", ())],
    ),
    (
        {
            "$schema": "https://json-schema.org/draft/2019-09/schema",
            "dependentRequired": {"a": ["b"]},
        },
        {"a": 1},
        False,
        [("Object must have property b when property a is present", ())],
    ),
    (
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "prefixItems": [{"type": "string"}],
            "items": False,
        },
        ["a", "b"],
        False,
        [("Object must not have more than 1 items", ())],
    ),
    (
        {"type": "array", "items": {"type": "string"}},
        ["a", 2],
        False,
        [("Item at index 1 must be string", (1,))],
    ),
    (
        {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": False},
        {"a": "x", "c": 1},
        False,
        [
            ('Property "c" is not expected to be here', ())
        ],  # Ajv's first error: additionalProperties
    ),
    ({"type": ["string", "null"]}, 1, False, [("Value type must be string,null", ())]),
    ({"const": 1}, 2, False, [("Number must be equal to constant", ())]),
]


@pytest.mark.parametrize(("schema", "value", "all_errors", "expected"), SPECTRAL_SCHEMA_CASES)
def test_schema_reads_as_spectral_reports_it(
    schema: Any, value: Any, all_errors: bool, expected: list[tuple[str, JsonPath]]
) -> None:
    assert sorted(run("schema", value, {"schema": schema, "allErrors": all_errors})) == sorted(
        expected
    )


def test_alphabetical_orders_as_nodes_locale_compare() -> None:
    ordered = ["a", "A", "a b", "a_b", "a-b", "a1", "a10", "a9", "aa", "aA", "Aa", "ab", "b", "B"]
    assert run("alphabetical", ordered) == []
    assert run("alphabetical", ["9", "_x"]) == [('"9" must be placed after "_x"', (0,))]


def test_keys_are_listed_in_javascripts_order() -> None:
    """A JavaScript object lists integer-like keys first; Spectral's messages follow that order."""
    assert run("xor", {"b": 1, "10": 2, "2": 3}, {"properties": ["b", "2", "10"]}) == [
        ('Just one of "2" and "10" and "b" must be defined', ())
    ]
    schema = {"type": "object", "properties": {"a": {}}, "additionalProperties": False}
    assert run("schema", {"c": 1, "1": 2}, {"schema": schema}) == [
        ('Property "1" is not expected to be here', ())
    ]


# --- schema on the resolved view's shared nodes (issue 19, item 6) ----------------------------------


def shared_chain(levels: int) -> dict[str, Any]:
    """N0 ... Nn, each with properties `a` and `b` both the next one (the resolved view shares a
    `$ref` target, so this is 2n+1 dicts standing for a tree of 2^n leaves)."""
    node: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        node = {"type": "object", "properties": {"a": node, "b": node}}
    return {"responses": {"200": {"content": {"application/json": {"schema": node}}}}}


def test_a_schema_reads_only_as_deep_as_it_needs_on_shared_nodes() -> None:
    """Spectral (Ajv) reads a shared node where it is; an error used to copy the value out as a
    tree, doubling per level (11 GB at 22 levels). At 30 levels this is fast and small."""
    operation = shared_chain(30)
    needs_400 = {"properties": {"responses": {"type": "object", "required": ["400"]}}}
    started = time.monotonic()
    found = run(
        "schema", operation, {"schema": needs_400}, document={"get": operation}, path=("get",)
    )
    assert found == [('"responses" property must have required property "400"', ("responses",))]
    assert run("schema", operation, {"schema": {"type": "object"}}) == []
    assert time.monotonic() - started < 2


def test_a_schema_that_reads_everything_reports_a_value_too_large_to_check() -> None:
    """Never a silent pass: a recursive schema on 2^30 leaves is reported, with the expanded size."""
    recursive = {
        "$ref": "#/$defs/x",
        "$defs": {"x": {"additionalProperties": {"$ref": "#/$defs/x"}}},
    }
    operation = shared_chain(30)
    found = run(
        "schema", operation, {"schema": recursive}, document={"get": operation}, path=("get",)
    )
    assert found == [
        (
            '"get" property is too large to check against the schema '
            f"({expanded_size(operation, None)} nodes once $refs are expanded)",
            (),
        )
    ]
    assert expanded_size(operation, None) > 2**31


@pytest.mark.parametrize(
    ("schema", "reach"),
    [
        ({"type": "object"}, 0),
        ({"properties": {"a": {"items": {"type": "string"}}}}, 2),
        ({"allOf": [{"$ref": "#/$defs/d"}], "$defs": {"d": {"additionalProperties": True}}}, 1),
        ({"enum": ["a", 1]}, 0),
        ({"properties": {"a": {"enum": [{"b": 1}]}}}, None),
        ({"items": {"uniqueItems": True}}, None),
        ({"$ref": "other.json"}, None),
        ({"$ref": "#/$defs/d", "$defs": {"d": {"items": {"$ref": "#/$defs/d"}}}}, None),
    ],
)
def test_schema_reach(schema: Any, reach: int | None) -> None:
    assert schema_reach(schema) == reach


JSON = st.recursive(
    st.none() | st.integers() | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=20,
)


def tree_size(value: Any) -> int:
    children = (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    )
    return 1 + sum(tree_size(child) for child in children)


@given(JSON, st.integers(min_value=0, max_value=3))
def test_a_cut_copy_has_the_size_counted_and_validates_alike(value: Any, depth: int) -> None:
    assert (
        expanded_size(value, None) == tree_size(value) == expanded_size([value, value], None) // 2
    )
    copy = cut(value, depth)
    assert tree_size(copy) == expanded_size(value, depth)
    schema = {"items": {"type": "array"}, "additionalProperties": {"minProperties": 1}}
    assert schema_reach(schema) == 1
    assert run("schema", cut(value, 1), {"schema": schema}) == run(
        "schema", value, {"schema": schema}
    )


def _query(name: str, where: str = "query") -> dict[str, str]:
    return {"name": name, "in": where}


PAGINATION = {  # SPS Commerce's sps-missing-pagination-query-parameters (collections.ruleset.yml)
    "type": "array",
    "items": {"type": "object"},
    "contains": {
        "type": "object",
        "properties": {"name": {"const": "limit"}, "in": {"const": "query"}},
    },
    "allOf": [
        {
            "anyOf": [
                {"contains": {"properties": {"name": {"const": name}, "in": {"const": "query"}}}}
                for name in ("offset", "cursor")
            ]
        }
    ],
}


def test_a_failing_contains_reports_each_items_failing_keyword_as_ajv() -> None:
    """Spectral 6.16.3's output for these parameters, recorded: Ajv keeps each item's first failing
    keyword when `contains` fails, inside `anyOf` or not."""
    params = [_query("foo"), _query("limit"), _query("offset", "header")]
    document = {"get": {"parameters": params}}
    found = run(
        "schema", params, {"schema": PAGINATION}, document=document, path=("get", "parameters")
    )
    assert sorted(found) == [
        ('"in" property must be equal to constant', (2, "in")),
        ('"name" property must be equal to constant', (0, "name")),
        ('"name" property must be equal to constant', (1, "name")),
        ('"name" property must be equal to constant', (2, "name")),
        ('"parameters" property must contain at least 1 valid item(s)', ()),
        (
            '"parameters" property must match a schema in anyOf. None of the schemas matched, '
            "see the other errors reported for this value",
            (),
        ),
    ]
    alone = run(
        "schema",
        [_query("foo")],
        {"schema": PAGINATION},
        document={"p": [_query("foo")]},
        path=("p",),
    )
    assert [path for _, path in alone] == [(0, "name"), (), ()]
    good = [_query("limit"), _query("cursor")]
    assert run("schema", good, {"schema": PAGINATION}) == []


FALLBACK_PATTERNS = [
    "(?!https?://localhost)(https?://.*):(\\d*)\\/?(.*)",  # SPS Commerce's
    "^(?=a)\\w+$",
    "^(?!a)",
    "(?<=a)b",
    "(?<!a)b+",
    "^(ab)\\1$",
    "(?<n>a)\\k<n>",
    "a(?=[)(])b",  # parentheses in a class inside the lookahead
    "(?=a)*b",  # a quantified lookahead: no pre-check, the fallback answers alone
    "/^b(?=a)/y",
    "(?=a)a\\s+b",  # `\\s` takes the vertical tab in the fallback, not in RE2
    "[\\s,](?!x)",
    "/^(?!x)A.b/is",
]
# with a lone surrogate (JSON allows "\\ud800"), which RE2 reads from its UTF-8 bytes
_PATTERN_TEXT = st.text(alphabet=st.sampled_from([*"abhtpsABx:/0189()[]lo\x0b \t\n", "\ud800"]))


@pytest.mark.parametrize("source", FALLBACK_PATTERNS)
@given(text=_PATTERN_TEXT)
def test_the_re2_pre_check_never_changes_a_fallback_answer(source: str, text: str) -> None:

    matcher = compile_pattern(source)
    assert matcher.engine == "regex"
    exact = matcher.compiled.compiled()  # the fallback itself, asked directly
    method = exact.match if matcher.sticky else exact.search
    assert matcher.test(text) is (method(text) is not None)


def test_a_miss_the_re2_pre_check_settles_needs_no_fallback() -> None:
    # a fresh matcher (compile_pattern keeps them, and another test asked this one's fallback)
    matcher = compile_pattern.__wrapped__("(?!https?://localhost)(https?://.*):(\\d*)\\/?(.*)")
    assert matcher.compiled.prefilter is not None
    assert matcher.test("http://localhost/api/v1") is False  # no port: no `:` after the scheme
    assert matcher.compiled._compiled is None  # the backtracking engine was not needed
    assert matcher.test("https://api.example.com:8443/v1") is True
