"""schema (Spectral packages/functions/src/schema/index.ts) on jsonschema-rs, drafts 4 to 2020-12.

The kit's one validator (contract_core.validation) validates instances against a spec's schemas in
the OpenAPI dialect; this function validates spec nodes against a ruleset's own JSON Schema in the
draft the ruleset names, with `$ref`s to files beside the ruleset: a different input, so it
compiles its own jsonschema-rs validators.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jsonschema_rs

from contract_core.errors import ContractError
from contract_spectools.rulesets.functions.context import (
    FunctionContext,
    FunctionResult,
    is_missing,
)
from contract_spectools.rulesets.functions.expansion import LIMIT, cut, expanded_size, schema_reach
from contract_spectools.rulesets.functions.printing import property_prefix
from contract_spectools.rulesets.functions.schema_messages import in_ajv_order, spectral_messages

VALIDATORS: dict[str, Any] = {
    "draft4": jsonschema_rs.Draft4Validator,
    "draft6": jsonschema_rs.Draft6Validator,
    "draft7": jsonschema_rs.Draft7Validator,
    "draft2019-09": jsonschema_rs.Draft201909Validator,
    "draft2020-12": jsonschema_rs.Draft202012Validator,
}
# spectral-formats' detectDialect: the `$schema` URI names the draft; none means draft 7 (Ajv's default)
_DIALECT_MARKS = (
    ("json-schema.org/draft-04/", "draft4"),
    ("json-schema.org/draft-06/", "draft6"),
    ("json-schema.org/draft-07/", "draft7"),
    ("json-schema.org/draft/2019-09/", "draft2019-09"),
    ("json-schema.org/draft/2020-12/", "draft2020-12"),
)


class SchemaCompileError(ContractError):
    """The ruleset's schema cannot be compiled (a bad keyword value, a `$ref` that resolves nowhere)."""


def schema(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if options is None:
        return []
    if is_missing(value, context):
        return [FunctionResult(property_prefix(context.document, context.path) + "must exist")]
    try:
        validator, reach = _prepared(options, context.ruleset_dir)
    except SchemaCompileError as error:
        return [FunctionResult(str(error))]
    size = expanded_size(value, reach)
    if size > LIMIT:
        return [FunctionResult(_too_large(context, size))]
    if validator.is_valid(value):  # reads the shared value lazily: no copy
        return []
    # an error copies its instance out as a tree: hand over only as much as the schema reads
    checked = value if reach is None else cut(value, reach)
    all_errors = options.get("allErrors") is True
    errors = in_ajv_order(validator.iter_errors(checked))
    chosen = errors if all_errors else errors[:1]
    dialect, base = _dialect(options), context.ruleset_dir

    def check(subschema: Any, item: Any) -> list[Any]:
        return in_ajv_order(compiled(subschema, dialect, base).iter_errors(item))

    found = spectral_messages(
        chosen, checked, options["schema"], context.path, all_errors=all_errors, check=check
    )
    # Spectral drops a result equal to another (same message and place); two anyOf branches can give one
    return [FunctionResult(message, path) for message, path in dict.fromkeys(found)]


def _too_large(context: FunctionContext, size: int) -> str:
    """Never a silent pass: the value is reported as unchecked, with its size."""
    prefix = property_prefix(context.document, context.path)
    return (
        f"{prefix}is too large to check against the schema ({size} nodes once $refs are expanded)"
    )


def dialect_of(schema_document: Any) -> str:
    """The draft a schema's `$schema` names (Spectral's `dialect: auto`)."""
    uri = schema_document.get("$schema") if isinstance(schema_document, Mapping) else None
    if isinstance(uri, str):
        for mark, dialect in _DIALECT_MARKS:
            if mark in uri:
                return dialect
    return "draft7"


# per rule's options (held, so that its id is not reused): its validator and reach, worked out
# once instead of on each of the thousands of nodes a rule checks on a large spec
_PREPARED: dict[tuple[int, Path], tuple[Mapping[str, Any], Any, int | None]] = {}
_PREPARED_KEPT = 512


def _prepared(options: Mapping[str, Any], base: Path) -> tuple[Any, int | None]:
    """The options' validator and `schema_reach`; raises SchemaCompileError (not kept)."""
    key = (id(options), base)
    entry = _PREPARED.get(key)
    if entry is None or entry[0] is not options:
        if len(_PREPARED) >= _PREPARED_KEPT:
            _PREPARED.clear()  # bounded: a long-lived process loads many rulesets
        validator = compiled(options["schema"], _dialect(options), base)
        entry = _PREPARED[key] = (options, validator, schema_reach(options["schema"]))
    return entry[1], entry[2]


def compiled(schema_document: Any, dialect: str, base: Path) -> Any:
    """One validator per (schema, draft, ruleset folder), compiled on first use."""
    # the standard json, not orjson: a key per rule is no work, and orjson's import costs every
    # `contract lint --ruleset` 3.5 ms of start-up
    key = json.dumps(schema_document, sort_keys=True)
    return _compile(key, dialect, base)


@lru_cache(maxsize=512)
def _compile(key: str, dialect: str, base: Path) -> Any:
    try:
        return VALIDATORS[dialect](
            json.loads(key),
            validate_formats=True,  # Spectral adds ajv-formats: `format: email` is checked
            retriever=_read_local,
            base_uri=base.resolve().as_uri() + "/",
        )
    except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError) as error:
        raise SchemaCompileError(str(error).split("\n", 1)[0]) from error


def _read_local(uri: str) -> Any:
    """A `$ref` to a file next to the ruleset (JSON or YAML); nothing is fetched from the network."""
    import yaml  # imported here: PyYAML costs 7 ms of start-up and only a schema's file `$ref` needs it

    parsed = urlparse(uri)
    if parsed.scheme != "file":
        raise ValueError(f"{uri}: only files next to the ruleset are read, not remote schemas")
    return yaml.safe_load(Path(unquote(parsed.path)).read_text(encoding="utf-8"))


def _dialect(options: Mapping[str, Any]) -> str:
    chosen = options.get("dialect", "auto")
    return dialect_of(options["schema"]) if chosen == "auto" else str(chosen)
