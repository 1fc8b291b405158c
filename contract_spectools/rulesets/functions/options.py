"""Each core function's options checked when the ruleset loads, in Spectral's words.

The schemas are Spectral's (packages/functions/src/optionSchemas.ts) and the messages its
ajv-errors `errorMessage`s and RulesetFunctionValidationError (core/src/ruleset/function.ts),
so a ruleset that Spectral refuses is refused here with the same reason. Beyond Spectral, a
`pattern` that no engine compiles and a `schema` that is not a JSON Schema are refused at load
too (Spectral finds them mid-run, where the rule throws).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, cast

import jsonschema_rs

from contract_spectools.rulesets.functions.regex import InvalidPattern, compile_pattern
from contract_spectools.rulesets.functions.schema import dialect_of
from contract_spectools.rulesets.functions.schema_messages import ajv_message, in_ajv_order

CASING_TYPES = ["flat", "camel", "pascal", "kebab", "cobol", "snake", "macro"]
_REGEX_OPTION = {"anyOf": [{"type": "string"}]}
_PROPERTIES = {"type": "array", "items": {"type": "string"}, "minItems": 2}
_POINTER_FRAGMENT = r"^#(/([^~/]|~[01])*)*$"

OPTION_SCHEMAS: dict[str, dict[str, Any] | None] = {
    "truthy": None,
    "falsy": None,
    "defined": None,
    "undefined": None,
    "typedEnum": None,
    "alphabetical": {
        "type": ["object", "null"],
        "properties": {"keyedBy": {"type": "string"}},
        "additionalProperties": False,
    },
    "casing": {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"type": "string", "enum": CASING_TYPES},
            "disallowDigits": {"type": "boolean"},
            "separator": {
                "type": "object",
                "required": ["char"],
                "additionalProperties": False,
                "properties": {
                    "char": {"type": "string", "maxLength": 1},
                    "allowLeading": {"type": "boolean"},
                },
            },
        },
        "additionalProperties": False,
    },
    "enumeration": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "values": {"type": "array", "items": {"type": ["string", "number", "null", "boolean"]}}
        },
        "required": ["values"],
    },
    "length": {
        "type": "object",
        "properties": {"min": {"type": "number"}, "max": {"type": "number"}},
        "minProperties": 1,
        "additionalProperties": False,
    },
    "pattern": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"match": _REGEX_OPTION, "notMatch": _REGEX_OPTION},
        "minProperties": 1,
    },
    "schema": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "schema": {"type": "object"},
            "dialect": {
                "enum": ["auto", "draft4", "draft6", "draft7", "draft2019-09", "draft2020-12"]
            },
            "allErrors": {"type": "boolean"},
            "prepareResults": True,
        },
        "required": ["schema"],
    },
    "unreferencedReusableObject": {
        "type": "object",
        "properties": {"reusableObjectsLocation": {"type": "string", "pattern": _POINTER_FRAGMENT}},
        "additionalProperties": False,
        "required": ["reusableObjectsLocation"],
    },
    "xor": {
        "type": "object",
        "properties": {"properties": _PROPERTIES},
        "additionalProperties": False,
        "required": ["properties"],
    },
    "or": {
        "type": "object",
        "properties": {"properties": _PROPERTIES},
        "additionalProperties": False,
        "required": ["properties"],
    },
}


_XOR_LISTS = '["country", "street"], ["one", "two", "three"], etc.'
_OR_LISTS = '["default", "example"], ["title", "summary", "description"], etc.'
_XOR_EXAMPLES = (
    '{ "properties": ["country", "street"] }, { "properties": ["one", "two", "three"] }, etc.'
)
_OR_EXAMPLES = '{ "properties": ["default", "example"] }, { "properties": ["title", "summary", "description"] }, etc.'


def _invalid(name: str, examples: str) -> str:
    return f'"{name}" function has invalid options specified. Example valid options: {examples}'


# ajv-errors' `errorMessage` on the options object, per failing keyword
ROOT_MESSAGES: dict[str, dict[str, str]] = {
    "alphabetical": {
        "type": _invalid("alphabetical", 'null (no options), { "keyedBy": "my-key" }')
    },
    "casing": {
        "type": _invalid(
            "casing", '{ "type": "camel" }, { "type": "pascal", "disallowDigits": true }'
        )
    },
    "enumeration": {
        "type": _invalid(
            "enumeration",
            '{ "values": ["Berlin", "London", "Paris"] }, { "values": [2, 3, 5, 8, 13, 21] }',
        )
    },
    "length": {"type": _invalid("length", '{ "min": 2 }, { "max": 5 }, { "min": 0, "max": 10 }')},
    "pattern": dict.fromkeys(
        ("type", "minProperties"),
        _invalid(
            "pattern",
            '{ "match": "^Stoplight" }, { "notMatch": "Swagger" }, { "match": "Stoplight", "notMatch": "Swagger" }',
        ),
    ),
    "schema": {
        "type": _invalid(
            "schema",
            '{ "schema": { /* any JSON Schema can be defined here */ } , '
            '{ "schema": { "type": "object" }, "dialect": "auto" }',
        )
    },
    "unreferencedReusableObject": {
        "type": _invalid(
            "unreferencedReusableObject",
            '{ "reusableObjectsLocation": "#/components/schemas" }, { "reusableObjectsLocation": "#/$defs" }',
        ),
        "required": '"unreferencedReusableObject" function is missing "reusableObjectsLocation" option. Example valid '
        'options: { "reusableObjectsLocation": "#/components/schemas" }, { "reusableObjectsLocation": "#/$defs" }',
    },
    "xor": {"type": _invalid("xor", _XOR_EXAMPLES)},
    "or": {"type": _invalid("or", _OR_EXAMPLES)},
}

# ajv-errors' `errorMessage` on one option: every error inside that option reads so
OPTION_MESSAGES: dict[str, dict[str, str]] = {
    "casing": {
        "type": f'"casing" function and its "type" option accept the following values: {", ".join(CASING_TYPES)}',
        "separator.char": '"casing" function and its "separator.char" option accepts only char, i.e. "I" or "/"',
    },
    "enumeration": {
        "values": '"enumeration" and its "values" option support only arrays of primitive values, '
        'i.e. ["Berlin", "London", "Paris"]'
    },
    "pattern": {
        "match": '"pattern" function and its "match" option must be string or RegExp instance',
        "notMatch": '"pattern" function and its "notMatch" option must be string or RegExp instance',
    },
    "unreferencedReusableObject": {
        "reusableObjectsLocation": '"unreferencedReusableObject" and its "reusableObjectsLocation" option '
        'support only valid JSON Pointer fragments, i.e. "#", "#/foo", "#/paths/~1user"'
    },
    "xor": {
        "properties": '"xor" requires at least two enumerated "properties", i.e. ' + _XOR_LISTS
    },
    "or": {"properties": '"or" requires at least two enumerated "properties", i.e. ' + _OR_LISTS},
}


@cache
def _validator(name: str) -> Any:
    """The function's options schema, compiled on first use: a ruleset names a few of the core
    functions, and compiling all of them cost every run 1 ms."""
    # check_options asks only for the functions that take options: their schema is a dict
    return jsonschema_rs.Draft7Validator(cast(dict[str, Any], OPTION_SCHEMAS[name]))


def check_options(name: str, options: Any) -> str | None:
    """None when `options` suit the core function `name`, else a one-line reason (Spectral's words)."""
    if name not in OPTION_SCHEMAS:
        return f'"{name}" is not a core function'
    if OPTION_SCHEMAS[name] is None:
        return None if options is None else f'"{name}" function does not accept any options'
    # Spectral lists the errors in Ajv's order, and those an `errorMessage` replaces after the others
    errors = in_ajv_order(_validator(name).iter_errors(options))
    ranked = sorted((_reason(name, error) for error in errors), key=lambda reason: reason[0])
    reasons = list(dict.fromkeys(text for _, text in ranked))
    if reasons:
        return "; ".join(reasons)
    return _deep_check(name, options)


def _reason(name: str, error: Any) -> tuple[bool, str]:
    """(replaced by an `errorMessage`, the reason)."""
    path = tuple(str(segment) for segment in error.instance_path)
    for option, message in OPTION_MESSAGES.get(name, {}).items():
        prefix = tuple(option.split("."))
        if path[: len(prefix)] == prefix:
            return True, message
    kind = error.kind.name
    if not path and kind in ROOT_MESSAGES.get(name, {}):
        return True, ROOT_MESSAGES[name][kind]
    return False, _generic(name, kind, error.kind.as_dict(), path, error.message)


def _generic(
    name: str, kind: str, details: dict[str, Any], path: tuple[str, ...], fallback: str
) -> str:
    """RulesetFunctionValidationError.printMessage."""
    dotted = ".".join(path)
    if kind == "type":
        return (
            f'"{name}" function and its "{dotted}" option accepts only the following types: '
            + ", ".join(details["types"])
        )
    if kind == "required":
        return f'"{name}" function is missing "{".".join((*path, details["property"]))}" option'
    if kind == "additionalProperties":
        return "; ".join(
            f'"{name}" function does not support "{".".join((*path, str(extra)))}" option'
            for extra in details["unexpected"]
        )
    if kind == "enum":
        values = ", ".join(f'"{value}"' for value in details["options"])
        return f'"{name}" function and its "{dotted}" option accepts only the following values: {values}'
    return ajv_message(kind, details, fallback)


def _deep_check(name: str, options: Mapping[str, Any]) -> str | None:
    if name == "pattern":
        return _check_patterns(options)
    if name == "schema":
        return _check_schema(options)
    return None


def _check_patterns(options: Mapping[str, Any]) -> str | None:
    for key in ("match", "notMatch"):
        if key in options:
            try:
                compile_pattern(options[key])
            except InvalidPattern as error:
                return f'"pattern" function and its "{key}" option: {error}'
    return None


def _check_schema(options: Mapping[str, Any]) -> str | None:
    """The `schema` option must be a schema of its draft (checked against the draft's meta-schema)."""
    dialect = options.get("dialect", "auto")
    draft = dialect_of(options["schema"]) if dialect == "auto" else dialect
    document = options["schema"]
    if isinstance(document, dict):
        document = {**document, "$schema": _META_URIS[draft]}
    try:
        jsonschema_rs.meta.validate(document)
    except jsonschema_rs.ValidationError as error:
        detail = str(error).split("\n", 1)[0]
        return f'"schema" function and its "schema" option is not a valid {draft} JSON Schema: {detail}'
    return None


_META_URIS = {
    "draft4": "http://json-schema.org/draft-04/schema#",
    "draft6": "http://json-schema.org/draft-06/schema#",
    "draft7": "http://json-schema.org/draft-07/schema#",
    "draft2019-09": "https://json-schema.org/draft/2019-09/schema",
    "draft2020-12": "https://json-schema.org/draft/2020-12/schema",
}
