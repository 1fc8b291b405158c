"""The kit's shared core: spec loading, `$ref` walking, cycle analysis and schema validation.

The mock server, the fixture engine, conformance and the linter all build on this package; it
depends on none of them.
"""

# first: msgspec and jsonschema-rs loaded before any module imports them the plain way
from contract_core import thirdparty  # noqa: F401
from contract_core.errors import (
    ContractError,
    InfiniteRecursion,
    SpecLoadError,
    UnresolvableReference,
)
from contract_core.spec import Operation, Spec, bundled_spec_path, load_spec, parse_spec

__all__ = [
    "ContractError",
    "InfiniteRecursion",
    "Operation",
    "Spec",
    "SpecLoadError",
    "UnresolvableReference",
    "bundled_spec_path",
    "load_spec",
    "parse_spec",
]
