"""Rules on paths and operations: ids, path parameters, duplicates, equivalent paths, responses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from contract_core.errors import UnresolvableReference
from contract_core.media import base_type
from contract_core.pointer import join
from contract_core.spec import HTTP_METHODS, Spec
from contract_spectools.lint.findings import LintFinding, finding

_TEMPLATE_VARIABLE = re.compile(r"\{([^{}/]+)\}")
_PROBLEM_MEDIA_TYPES = ("application/problem+json", "application/problem+xml")


def iter_path_items(spec: Spec) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(pointer, path, item) for `paths` and `webhooks`, path-item `$ref`s followed when they resolve."""
    for section in ("paths", "webhooks"):
        items = spec.document.get(section)
        if not isinstance(items, dict):
            continue
        for path, raw in items.items():
            at = join("#", section, path)
            item = _deref(spec, raw, at)
            if isinstance(item, dict):
                yield at, path, item


def iter_operations(item: dict[str, Any], at: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, operation) of one path item."""
    for method in HTTP_METHODS:
        if isinstance(item.get(method), dict):
            yield join(at, method), item[method]


def _deref(spec: Spec, node: Any, at: str) -> Any:
    try:
        return spec.deref(node, at)[0]
    except UnresolvableReference:
        return None  # reported by `unresolved-ref`


def check_operations(spec: Spec) -> Iterator[LintFinding]:
    yield from _equivalent_paths(spec)
    yield from _operation_ids(spec)
    # a shared parameter or response is reported once, where it is written
    reported: set[str] = set()
    for at, path, item in iter_path_items(spec):
        templated = at.startswith("#/paths/")
        item_parameters = list(_parameters(spec, item, at))
        yield from _duplicates(item_parameters)
        operations = list(iter_operations(item, at))
        for op_at, operation in operations:
            parameters = list(_parameters(spec, operation, op_at))
            yield from _duplicates(parameters)
            if templated:
                yield from _path_parameters(
                    path, op_at, _merged(item_parameters, parameters), reported
                )
            yield from _responses(spec, op_at, operation, reported)
            yield from _naming(op_at, operation)
        if templated and not operations:
            yield from _path_parameters(path, at, item_parameters, reported)


# operation ids and names -------------------------------------------------------------------------


def _operation_ids(spec: Spec) -> Iterator[LintFinding]:
    first_use: dict[str, str] = {}
    for at, _, item in iter_path_items(spec):
        for op_at, operation in iter_operations(item, at):
            op_id = operation.get("operationId")
            if not isinstance(op_id, str):
                continue
            if op_id in first_use:
                yield finding(
                    "duplicate-operation-id",
                    join(op_at, "operationId"),
                    f"operationId {op_id!r} is already used at {first_use[op_id]}",
                )
            else:
                first_use[op_id] = op_at


def _naming(op_at: str, operation: dict[str, Any]) -> Iterator[LintFinding]:
    if not operation.get("operationId"):
        yield finding("operation-id-missing", op_at, "the operation has no operationId")
    if not operation.get("summary"):
        yield finding("operation-summary-missing", op_at, "the operation has no summary")


# paths and parameters ----------------------------------------------------------------------------


def _equivalent_paths(spec: Spec) -> Iterator[LintFinding]:
    paths = spec.document.get("paths")
    seen: dict[str, str] = {}
    for path in paths if isinstance(paths, dict) else ():
        shape = _TEMPLATE_VARIABLE.sub("{}", path)
        if shape in seen:
            yield finding(
                "equivalent-paths",
                join("#/paths", path),
                f"{path!r} is equivalent to {seen[shape]!r}: only the variable names differ",
            )
        else:
            seen[shape] = path


def _parameters(
    spec: Spec, holder: dict[str, Any], at: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, parameter) of a path item's or operation's `parameters`, references followed."""
    listed = holder.get("parameters")
    for i, raw in enumerate(listed if isinstance(listed, list) else []):
        parameter = _deref(spec, raw, join(at, "parameters", i))
        if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
            yield join(at, "parameters", i), parameter


def _key(parameter: dict[str, Any]) -> tuple[str, str]:
    name, where = parameter["name"], str(parameter.get("in"))
    return (name.lower() if where == "header" else name), where


def _duplicates(parameters: list[tuple[str, dict[str, Any]]]) -> Iterator[LintFinding]:
    first: dict[tuple[str, str], str] = {}
    for at, parameter in parameters:
        key = _key(parameter)
        if key in first:
            yield finding(
                "duplicate-parameter",
                at,
                f"parameter {key[0]!r} in {key[1]} is already declared at {first[key]}",
            )
        else:
            first[key] = at


def _merged(
    item_level: list[tuple[str, dict[str, Any]]], op_level: list[tuple[str, dict[str, Any]]]
) -> list[tuple[str, dict[str, Any]]]:
    """The operation's effective parameters: its own override the path item's with the same name and `in`."""
    overridden = {_key(p) for _, p in op_level}
    return [(at, p) for at, p in item_level if _key(p) not in overridden] + op_level


def _path_parameters(
    path: str, at: str, parameters: list[tuple[str, dict[str, Any]]], reported: set[str]
) -> Iterator[LintFinding]:
    variables = _TEMPLATE_VARIABLE.findall(path)
    declared = {p["name"] for _, p in parameters if p.get("in") == "path"}
    for name in variables:
        if name not in declared:
            yield finding(
                "path-param-undeclared",
                at,
                f"path variable {{{name}}} of {path!r} has no `in: path` parameter",
            )
    for param_at, parameter in parameters:
        if (
            parameter.get("in") == "path"
            and parameter["name"] not in variables
            and param_at not in reported
        ):
            reported.add(param_at)
            yield finding(
                "path-param-unused",
                param_at,
                f"path parameter {parameter['name']!r} does not appear in {path!r}",
            )


# responses ---------------------------------------------------------------------------------------


def _responses(
    spec: Spec, op_at: str, operation: dict[str, Any], reported: set[str]
) -> Iterator[LintFinding]:
    responses = operation.get("responses")
    if not isinstance(responses, dict) or not responses:
        yield finding("no-responses", op_at, "the operation documents no responses")
        return
    codes = [str(code).upper() for code in responses]
    if not any(code[:1] in ("2", "3") for code in codes):
        yield finding(
            "no-success-response",
            join(op_at, "responses"),
            f"no 2xx or 3xx response (documented: {', '.join(codes)})",
        )
    if not any(code[:1] == "4" or code == "DEFAULT" for code in codes):
        yield finding(
            "no-client-error-response",
            join(op_at, "responses"),
            f"no 4xx or default response (documented: {', '.join(codes)})",
        )
    for code, raw in responses.items():
        if str(code)[:1] in ("4", "5") or code == "default":
            yield from _problem_json(spec, join(op_at, "responses", code), raw, reported)


def _problem_json(spec: Spec, at: str, raw: Any, reported: set[str]) -> Iterator[LintFinding]:
    ref = raw.get("$ref") if isinstance(raw, dict) else None
    where = ref if isinstance(ref, str) and ref.startswith("#") else at
    response = _deref(spec, raw, at)
    content = response.get("content") if isinstance(response, dict) else None
    if not isinstance(content, dict) or not content or where in reported:
        return  # no body documented: nothing to say about its media type
    reported.add(where)
    if not any(base_type(str(media)) in _PROBLEM_MEDIA_TYPES for media in content):
        yield finding(
            "error-response-not-problem-json",
            join(where, "content"),
            f"error response offers {', '.join(content)}, not application/problem+json",
        )
