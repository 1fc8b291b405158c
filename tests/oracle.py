"""An independent validation oracle: openapi-core's own schema validators (openapi-schema-validator).

The kit validates with jsonschema-rs on a converted copy of the spec; tests check its output with
the pure-Python validators openapi-core uses, which read OpenAPI's dialect (`nullable` …) natively.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from openapi_schema_validator import (
    OAS30Validator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from contract_core import Spec

_URI = "urn:oracle:spec"


# id(spec) -> (spec, its registry): the Spec is kept with its registry, or a later Spec could be
# given a freed one's id and read the other document's schemas
_REGISTRIES: dict[int, tuple[Spec, Registry]] = {}


def _registry(spec: Spec) -> Registry:
    found = _REGISTRIES.get(id(spec))
    if found is not None and found[0] is spec:
        return found[1]
    specification = DRAFT4 if spec.version == "3.0" else DRAFT202012
    resource = Resource.from_contents(spec.document, default_specification=specification)
    registry = Registry().with_resource(_URI, resource)
    _REGISTRIES[id(spec)] = (spec, registry)
    return registry


def oracle_errors(
    spec: Spec, schema_pointer: str, instance: Any, direction: str = "response"
) -> list[str]:
    """Messages of every error openapi-schema-validator finds (formats checked)."""
    if spec.version == "3.0":
        cls, formats = OAS30Validator, oas30_format_checker
    else:
        cls, formats = OAS31Validator, oas31_format_checker
    schema = {"$ref": _URI + quote(schema_pointer, safe="#/~!$&'()*+,;=:@-._")}
    validator = cls(schema, registry=_registry(spec), format_checker=formats)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(instance)
    ]
