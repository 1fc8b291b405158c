"""enumeration, length and typedEnum (Spectral functions/src/{enumeration,length}.ts, oas/functions/typedEnum.ts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract_spectools.rulesets.functions.context import FunctionContext, FunctionResult
from contract_spectools.rulesets.functions.printing import print_value, property_prefix


def enumeration(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if not _is_primitive(value) or options is None:
        return []  # Spectral's input schema: string, number, null or boolean
    allowed = options["values"]
    if any(js_equal(value, candidate) for candidate in allowed):
        return []
    listed = ", ".join(print_value(candidate) for candidate in allowed)
    return [
        FunctionResult(f"{print_value(value)} must be equal to one of the allowed values: {listed}")
    ]


def length(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    size = _size(value)
    if size is None or options is None:
        return []  # Spectral's input schema: array, object, string or number
    too_short = "min" in options and size < options["min"]
    too_long = "max" in options and size > options["max"]
    if not (too_short or too_long):
        return []
    prefix = property_prefix(
        context.document, context.path
    )  # only for a finding: it walks the document
    results = []
    if too_short:
        results.append(FunctionResult(f"{prefix}must be longer than {print_value(options['min'])}"))
    if too_long:
        results.append(
            FunctionResult(f"{prefix}must be shorter than {print_value(options['max'])}")
        )
    return results


def typed_enum(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if not _typed_enum_input(value):
        return []  # only a schema with both `enum` and `type` is judged
    types = _types(value, context.document)
    check_integer = types == "integer" or (isinstance(types, list) and "integer" in types)
    results = []
    for index, member in enumerate(value["enum"]):
        kind = json_type(member, check_integer)
        if kind == types or (isinstance(types, list) and kind in types):
            continue
        results.append(
            FunctionResult(
                f'Enum value {print_value(member)} must be "{_js_string(types)}".', ("enum", index)
            )
        )
    return results


def js_equal(a: Any, b: Any) -> bool:
    """JavaScript's `===` on primitives: `true` is not `1`, `1` is `1.0`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return (type(a) is type(b) and a == b) or (_is_number(a) and _is_number(b) and a == b)


def json_type(value: Any, check_integer: bool) -> str:
    """typedEnum's getDataType: the JSON type of a value, `integer` only when the schema asks for it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if _is_number(value):
        integral = isinstance(value, int) or value.is_integer()
        return "integer" if check_integer and integral else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _types(schema: Mapping[str, Any], document: Any) -> Any:
    """The schema's `type`, with `null` added where OpenAPI 3.0's `nullable` (or Swagger's `x-nullable`) says so."""
    declared = schema["type"]
    version = document.get("openapi", "") if isinstance(document, Mapping) else ""
    swagger = isinstance(document, Mapping) and document.get("swagger") == "2.0"
    oas30 = isinstance(version, str) and version.startswith("3.0")
    if (schema.get("nullable") is True and oas30) or (schema.get("x-nullable") is True and swagger):
        return [*declared, "null"] if isinstance(declared, list) else [declared, "null"]
    return declared


def _typed_enum_input(value: Any) -> bool:
    if not isinstance(value, Mapping) or not isinstance(value.get("enum"), list):
        return False
    declared = value.get("type")
    if isinstance(declared, list):
        return all(isinstance(item, str) for item in declared)
    return isinstance(declared, str)


def _js_string(types: Any) -> str:
    return ",".join(types) if isinstance(types, list) else str(types)


def _size(value: Any) -> float | None:
    if isinstance(value, Mapping | list):
        return len(value)
    if isinstance(value, str):
        return len(value.encode("utf-16-le")) // 2  # JavaScript counts UTF-16 code units
    if _is_number(value):
        return float(value)
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_primitive(value: Any) -> bool:
    return value is None or isinstance(value, str | bool) or _is_number(value)
