"""`[conform.data]` into Schemathesis' cases: the hooks that put the listed values into the parts
of a case generated as valid (see `draw_known_data` for why hooks, and these two)."""

from __future__ import annotations

from typing import Any

from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase

from conformance.engine.known_data import KnownData, basis_of, fill_parameters, filled_body


def draw_known_data(schema: Any, known: KnownData) -> None:
    """Positive cases take the listed values ([conform.data]) where they have those fields.

    Why hooks, and these two: Schemathesis 4's documented way to put real data into generated cases
    is its `map_*` hooks (guides/extending: "Replace random generated data with realistic values").
    `map_case` is the one that runs in every phase that generates (coverage, fuzzing, stateful), and
    sees the whole case, so one function covers parameters and body; the examples phase applies no
    `map_*` hook, but hands its cases to `before_add_examples`, which may edit them. Both are
    registered on this schema's own dispatcher, not globally, so that nothing outlives the run (pytest
    mode and the tests run many in one process). After a hook edits a case, Schemathesis revalidates
    the edited parts, so a case stays positive (our values were checked against their schemas when
    the file was read) and its curl reproduction shows what was sent. Editing the request in the
    transport instead would send values that the case, its checks and its reproduction do not know.

    Only positive parts change: a negative case keeps the invalid value it was made to send. In the
    stateful phase, parameters come from the previous response's links (the resource just created):
    there only body fields are filled.
    """
    if not known:
        return

    def map_case(context: Any, case: Any) -> Any:
        fill_case(case, known)
        return case

    def before_add_examples(context: Any, examples: list[Any]) -> None:
        for case in examples:
            fill_case(case, known)

    schema.hooks.register_hook_with_name(map_case, "map_case")
    schema.hooks.register_hook_with_name(before_add_examples, "before_add_examples")


# (location, the name of the case's container and of the operation's parameters there)
_PARAMETER_CONTAINERS = (
    (ParameterLocation.PATH, "path_parameters"),
    (ParameterLocation.QUERY, "query"),
    (ParameterLocation.HEADER, "headers"),
    (ParameterLocation.COOKIE, "cookies"),
)


def fill_case(case: Any, known: KnownData) -> None:
    """The known values of the case's operation, in the parts of the case generated as valid."""
    label = case.operation.label
    parameters, pointers = known.parameters(label), known.body_pointers(label)
    if not parameters and not pointers:
        return
    meta = case.meta
    basis = basis_of([case.path_parameters, case.query, case.body])
    if parameters and not (meta is not None and meta.phase.name == TestPhase.STATEFUL):
        for location, name in _PARAMETER_CONTAINERS:
            # only the operation's own parameters: a `-H` header of the same name is not one
            documented = {p.name for p in getattr(case.operation, name)}
            listed = {k: v for k, v in parameters.items() if k in documented}
            container = getattr(case, name)
            if listed and _valid_part(meta, location) and fill_parameters(container, listed, basis):
                setattr(case, name, container)  # marks the part for revalidation
    if pointers and _valid_part(meta, ParameterLocation.BODY):
        body, changed = filled_body(case.body, pointers, basis)
        if changed:
            case.body = body


def _valid_part(meta: Any, location: ParameterLocation) -> bool:
    """Whether this part of the case was generated valid (explicit examples carry no metadata)."""
    if meta is None:
        return True
    component = meta.components.get(location)
    mode = component.mode if component is not None else meta.generation.mode
    return bool(mode.is_positive)
