"""Rule `structure`: the document against the OpenAPI meta-schema, every error, each located.

The meta-schemas are openapi-spec-validator's own (OpenAPI 3.0 / 3.1). We run them with
jsonschema-rs, which is what openapi-spec-validator does when it is installed, but directly, so
that every error keeps its instance path. openapi-spec-validator's other checks (defaults, path
parameters, operationIds, required properties) are rules of their own here, with better locations.
In 3.1 the document meta-schema leaves Schema Objects open, so each schema is also checked against
the JSON Schema 2020-12 meta-schema (the dialect openapi-spec-validator checks them with).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import jsonschema_rs

from contract_core.pointer import join
from contract_core.spec import Spec
from contract_core.walk import iter_document_schemas
from contract_spectools.lint.findings import LintFinding, finding

_DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
_MESSAGE_LIMIT = 240


@cache
def _document_validator(version: str) -> Any:
    return jsonschema_rs.validator_for(_meta_schema(version))


def _meta_schema(version: str) -> Any:
    """openapi-spec-validator's meta-schema file, read without importing the package (0.4 s of pydantic)."""
    package = find_spec("openapi_spec_validator")
    if package is None or not package.submodule_search_locations:
        raise ModuleNotFoundError("openapi-spec-validator is not installed")
    folder = Path(next(iter(package.submodule_search_locations)))
    return json.loads(
        (folder / "resources" / "schemas" / f"v{version}" / "schema.json").read_text(
            encoding="utf-8"
        )
    )


@cache
def _dialect_validator() -> Any:
    return jsonschema_rs.Draft202012Validator({"$ref": _DRAFT_2020_12})


def check_structure(spec: Spec) -> Iterator[LintFinding]:
    for error in _document_validator(spec.version).iter_errors(spec.document):
        yield from _findings(error, "#")
    if spec.version != "3.1":
        return  # the 3.0 meta-schema describes Schema Objects itself
    for at, schema in iter_document_schemas(spec.document):
        if isinstance(schema, dict):
            for error in _dialect_validator().iter_errors(schema):
                yield from _findings(error, at)


def _findings(error: Any, base: str) -> Iterator[LintFinding]:
    for leaf in _leaves(error):
        message = (
            leaf.message
            if len(leaf.message) <= _MESSAGE_LIMIT
            else leaf.message[:_MESSAGE_LIMIT] + "..."
        )
        yield finding("structure", join(base, *(str(t) for t in leaf.instance_path)), message)


def _leaves(error: Any) -> Iterator[Any]:
    """The specific errors behind a `oneOf`/`anyOf` failure: the branch the value was meant for.

    "X is not valid under any of the schemas" says little. The branch that is not just "it is not a
    Reference" and whose errors reach deepest into the value is the one the author was writing.
    """
    branches = [branch for branch in (getattr(error.kind, "context", None) or []) if branch]
    if not branches:
        yield error
        return
    meant = [
        branch for branch in branches if not all(_is_missing_ref(e) for e in branch)
    ] or branches
    best = max(meant, key=lambda branch: (max(len(e.instance_path) for e in branch), -len(branch)))
    for inner in best:
        yield from _leaves(inner)


def _is_missing_ref(error: Any) -> bool:
    return '"$ref" is a required property' in error.message
