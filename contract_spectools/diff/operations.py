"""Operations compared pairwise: paths, parameters, request bodies, responses, headers and security.

Operations match by method and path template, with template variable names ignored (`/a/{id}` and
`/a/{key}` route the same requests). Schemas are not compared here: their positions become roots of
the `SchemaComparison`, which compares each schema pair once for all operations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from contract_core.media import base_type
from contract_core.pointer import join
from contract_core.spec import Operation, Spec
from contract_spectools.diff.changes import Affected, Found
from contract_spectools.diff.schemas import SchemaComparison

_TEMPLATE_VARIABLE = re.compile(r"\{[^{}]*\}")


def operation_key(operation: Operation) -> tuple[str, str]:
    return operation.method, _TEMPLATE_VARIABLE.sub("{}", operation.path)


def affected(operation: Operation, direction: str) -> Affected:
    return Affected(operation.label, operation.operation_id, direction)


class OperationComparison:
    """Operation-level changes between two documents; schema positions handed to `schemas`."""

    def __init__(self, base: Spec, revision: Spec, schemas: SchemaComparison):
        self.base, self.revision, self.schemas = base, revision, schemas

    def run(self) -> Iterator[tuple[Found, set[Affected]]]:
        base_ops = {operation_key(op): op for op in self.base.operations}
        revision_ops = {operation_key(op): op for op in self.revision.operations}
        yield from self._removed_and_added(base_ops, revision_ops)
        for key in base_ops.keys() & revision_ops.keys():
            b, r = base_ops[key], revision_ops[key]
            yield from (
                (found, {affected(r, _direction(found.rule))}) for found in self._operation(b, r)
            )

    def _removed_and_added(
        self,
        base_ops: dict[tuple[str, str], Operation],
        revision_ops: dict[tuple[str, str], Operation],
    ) -> Iterator[tuple[Found, set[Affected]]]:
        base_paths = {key[1]: join("#/paths", op.path) for key, op in base_ops.items()}
        revision_paths = {key[1]: join("#/paths", op.path) for key, op in revision_ops.items()}
        removed_paths: dict[str, set[Affected]] = {}
        for key in sorted(base_ops.keys() - revision_ops.keys()):
            op = base_ops[key]
            if key[1] in revision_paths:
                yield (
                    Found(
                        "api-operation-removed",
                        f"{op.label} removed",
                        op.pointer,
                        revision_paths[key[1]],
                    ),
                    {affected(op, "none")},
                )
            else:
                removed_paths.setdefault(op.path, set()).add(affected(op, "none"))
        for path, ops in removed_paths.items():
            yield (
                Found("api-path-removed", f"path {path} removed", join("#/paths", path), "#/paths"),
                ops,
            )
        for key in sorted(revision_ops.keys() - base_ops.keys()):
            op = revision_ops[key]
            rule = "api-operation-added" if key[1] in base_paths else "api-path-added"
            where = base_paths.get(key[1], "#/paths")
            yield Found(rule, f"{op.label} added", where, op.pointer), {affected(op, "none")}

    def _operation(self, b: Operation, r: Operation) -> Iterator[Found]:
        if b.declared_id and r.declared_id and b.operation_id != r.operation_id:
            yield Found(
                "api-operation-id-changed",
                f"operationId {b.operation_id!r} became {r.operation_id!r}",
                join(b.pointer, "operationId"),
                join(r.pointer, "operationId"),
            )
        yield from self._security(b, r)
        yield from self._parameters(b, r)
        yield from self._request_body(b, r)
        yield from self._responses(b, r)

    # Security -------------------------------------------------------------------------------------

    def _security(self, b: Operation, r: Operation) -> Iterator[Found]:
        base, base_at = _security_of(self.base, b)
        revision, revision_at = _security_of(self.revision, r)
        lost = [alt for alt in base if not any(_grants(new, alt) for new in revision)]
        if lost:
            yield Found(
                "api-security-changed",
                f"no longer accepted: {', '.join(_security_text(alt) for alt in lost)}",
                base_at,
                revision_at,
            )
        elif any(new not in base for new in revision):
            yield Found(
                "api-security-alternative-added",
                "a new security alternative is accepted",
                base_at,
                revision_at,
            )

    # Parameters -----------------------------------------------------------------------------------

    def _parameters(self, b: Operation, r: Operation) -> Iterator[Found]:
        base = _parameters_of(self.base, b)
        revision = _parameters_of(self.revision, r)
        for key in base.keys() - revision.keys():
            yield Found(
                "request-parameter-removed",
                f"{_param_text(base[key][0])} removed",
                base[key][1],
                join(r.pointer, "parameters"),
            )
        for key in revision.keys() - base.keys():
            rule = (
                "new-required-request-parameter"
                if _required(revision[key][0])
                else "new-optional-request-parameter"
            )
            yield Found(
                rule,
                f"{_param_text(revision[key][0])} added",
                join(b.pointer, "parameters"),
                revision[key][1],
            )
        for key in base.keys() & revision.keys():
            (bp, b_at), (rp, r_at) = base[key], revision[key]
            if _required(bp) != _required(rp):
                change = "became-required" if _required(rp) else "became-optional"
                yield Found(
                    f"request-parameter-{change}",
                    f"{_param_text(rp)} {change.replace('-', ' ')}",
                    b_at,
                    r_at,
                )
            self._parameter_schema(bp, b_at, rp, r_at, affected(r, "request"))

    def _parameter_schema(
        self, bp: dict[str, Any], b_at: str, rp: dict[str, Any], r_at: str, who: Affected
    ) -> None:
        if "schema" in bp and "schema" in rp:
            self.schemas.add_root(
                (bp["schema"], join(b_at, "schema")), (rp["schema"], join(r_at, "schema")), who
            )
        else:
            self._content(
                bp.get("content"),
                join(b_at, "content"),
                rp.get("content"),
                join(r_at, "content"),
                who,
            )

    # Request body ---------------------------------------------------------------------------------

    def _request_body(self, b: Operation, r: Operation) -> Iterator[Found]:
        base, b_at = _deref(self.base, b.node.get("requestBody"), join(b.pointer, "requestBody"))
        revision, r_at = _deref(
            self.revision, r.node.get("requestBody"), join(r.pointer, "requestBody")
        )
        if base is None and revision is None:
            return
        if base is None:
            rule = "request-body-became-required" if _required(revision) else "request-body-added"
            yield Found(rule, "request body added", b_at, r_at)
            return
        if revision is None:
            yield Found("request-body-removed", "request body removed", b_at, r_at)
            return
        if _required(base) != _required(revision):
            change = "became-required" if _required(revision) else "became-optional"
            yield Found(
                f"request-body-{change}", f"request body {change.replace('-', ' ')}", b_at, r_at
            )
        yield from self._media_types(base, b_at, revision, r_at, "request-body-media-type")
        self._content(
            base.get("content"),
            join(b_at, "content"),
            revision.get("content"),
            join(r_at, "content"),
            affected(r, "request"),
        )

    def _media_types(
        self, base: dict[str, Any], b_at: str, revision: dict[str, Any], r_at: str, stem: str
    ) -> Iterator[Found]:
        base_types, revision_types = _content_of(base), _content_of(revision)
        for media_type in sorted(base_types.keys() - revision_types.keys()):
            yield Found(
                f"{stem}-removed",
                f"media type {media_type} removed",
                join(b_at, "content", base_types[media_type]),
                join(r_at, "content"),
            )
        for media_type in sorted(revision_types.keys() - base_types.keys()):
            yield Found(
                f"{stem}-added",
                f"media type {media_type} added",
                join(b_at, "content"),
                join(r_at, "content", revision_types[media_type]),
            )

    def _content(self, base: Any, b_at: str, revision: Any, r_at: str, who: Affected) -> None:
        base_types = _content_of({"content": base})
        revision_types = _content_of({"content": revision})
        for media_type in base_types.keys() & revision_types.keys():
            b_media, r_media = base[base_types[media_type]], revision[revision_types[media_type]]
            if (
                isinstance(b_media, dict)
                and isinstance(r_media, dict)
                and "schema" in b_media
                and "schema" in r_media
            ):
                self.schemas.add_root(
                    (b_media["schema"], join(b_at, base_types[media_type], "schema")),
                    (r_media["schema"], join(r_at, revision_types[media_type], "schema")),
                    who,
                )

    # Responses ------------------------------------------------------------------------------------

    def _responses(self, b: Operation, r: Operation) -> Iterator[Found]:
        base = _responses_of(b)
        revision = _responses_of(r)
        for status in sorted(base.keys() - revision.keys()):
            rule = (
                "response-success-status-removed"
                if _is_success(status)
                else "response-non-success-status-removed"
            )
            yield Found(
                rule,
                f"response {status} removed",
                join(b.pointer, "responses", base[status]),
                join(r.pointer, "responses"),
            )
        for status in sorted(revision.keys() - base.keys()):
            yield Found(
                "response-status-added",
                f"response {status} added",
                join(b.pointer, "responses"),
                join(r.pointer, "responses", revision[status]),
            )
        for status in sorted(base.keys() & revision.keys()):
            yield from self._response(b, r, base[status], revision[status])

    def _response(
        self, b: Operation, r: Operation, b_status: str, r_status: str
    ) -> Iterator[Found]:
        base, b_at = _deref(
            self.base, b.node["responses"][b_status], join(b.pointer, "responses", b_status)
        )
        revision, r_at = _deref(
            self.revision, r.node["responses"][r_status], join(r.pointer, "responses", r_status)
        )
        if not isinstance(base, dict) or not isinstance(revision, dict):
            return
        who = affected(r, "response")
        yield from self._media_types(base, b_at, revision, r_at, "response-media-type")
        self._content(
            base.get("content"),
            join(b_at, "content"),
            revision.get("content"),
            join(r_at, "content"),
            who,
        )
        yield from self._headers(base, b_at, revision, r_at, who)

    def _headers(
        self, base: dict[str, Any], b_at: str, revision: dict[str, Any], r_at: str, who: Affected
    ) -> Iterator[Found]:
        base_headers = _headers_of(self.base, base, b_at)
        revision_headers = _headers_of(self.revision, revision, r_at)
        for name in sorted(base_headers.keys() - revision_headers.keys()):
            header, at = base_headers[name]
            rule = (
                "response-required-header-removed"
                if _required(header)
                else "response-optional-header-removed"
            )
            yield Found(rule, f"header {name} removed", at, join(r_at, "headers"))
        for name in sorted(base_headers.keys() & revision_headers.keys()):
            (bh, bh_at), (rh, rh_at) = base_headers[name], revision_headers[name]
            if _required(bh) and not _required(rh):
                yield Found(
                    "response-header-became-optional",
                    f"header {name} became optional",
                    bh_at,
                    rh_at,
                )
            self._parameter_schema(bh, bh_at, rh, rh_at, who)


def _direction(rule_id: str) -> str:
    return "request" if "request" in rule_id else "response" if "response" in rule_id else "none"


def _deref(spec: Spec, node: Any, at: str) -> tuple[Any, str]:
    """The object at a position and where it is defined (a `$ref`'s target); None when absent."""
    if node is None:
        return None, at
    target, ref = spec.deref(node, at)
    return target, ref or at


def _required(node: Any) -> bool:
    return isinstance(node, dict) and (node.get("required") is True or node.get("in") == "path")


def _parameters_of(spec: Spec, op: Operation) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
    """Effective parameters by (location, name): the operation's override the path item's."""
    found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    item_at = op.pointer.rsplit("/", 1)[0]
    variables = [v.strip("{}") for v in _TEMPLATE_VARIABLE.findall(op.path)]
    for holder, at in ((op.path_item, item_at), (op.node, op.pointer)):
        for i, raw in enumerate(holder.get("parameters") or []):
            parameter, where = _deref(spec, raw, join(at, "parameters", i))
            if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
                found[_parameter_key(parameter, variables)] = (parameter, where)
    return found


def _parameter_key(parameter: dict[str, Any], variables: list[str]) -> tuple[str, str]:
    """(location, name), headers case-insensitive; a path variable by its place in the template, since
    renaming `{id}` to `{key}` changes no request."""
    name, location = parameter["name"], str(parameter.get("in"))
    if location == "path" and name in variables:
        return location, f"#{variables.index(name)}"
    return location, name.lower() if location == "header" else name


def _param_text(parameter: dict[str, Any]) -> str:
    return f"{parameter.get('in')} parameter {parameter.get('name')!r}"


def _content_of(holder: Any) -> dict[str, str]:
    """Media types by their normalised name (lower case, no parameters) -> the key as written."""
    content = holder.get("content") if isinstance(holder, dict) else None
    if not isinstance(content, dict):
        return {}
    return {base_type(key): key for key in content}


def _responses_of(op: Operation) -> dict[str, str]:
    responses = op.node.get("responses")
    return {str(key).upper(): str(key) for key in responses} if isinstance(responses, dict) else {}


def _is_success(status: str) -> bool:
    return status[:1] in ("2", "3")


def _headers_of(spec: Spec, response: dict[str, Any], at: str) -> dict[str, tuple[Any, str]]:
    headers = response.get("headers")
    if not isinstance(headers, dict):
        return {}
    return {
        name.lower(): _deref(spec, header, join(at, "headers", name))
        for name, header in headers.items()
    }


def _security_of(spec: Spec, op: Operation) -> tuple[list[dict[str, frozenset[str]]], str]:
    """The operation's effective security alternatives, schemes named by their definition, not their name
    (renaming a scheme is no change), and where they are declared."""
    declared, at = (
        (op.node["security"], join(op.pointer, "security"))
        if "security" in op.node
        else (spec.document.get("security"), "#/security")
    )
    if not isinstance(declared, list) or not declared:
        return [{}], at
    schemes = (spec.document.get("components") or {}).get("securitySchemes") or {}
    return [
        _requirement(spec, requirement, schemes)
        for requirement in declared
        if isinstance(requirement, dict)
    ], at


def _requirement(
    spec: Spec, requirement: dict[str, Any], schemes: dict[str, Any]
) -> dict[str, frozenset[str]]:
    named = {}
    for name, scopes in requirement.items():
        scheme = (
            spec.deref(schemes.get(name), "#/components/securitySchemes")[0]
            if name in schemes
            else name
        )
        identity = json.dumps(_without_descriptions(scheme), sort_keys=True)
        named[identity] = frozenset(scopes if isinstance(scopes, list) else [])
    return named


def _without_descriptions(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_descriptions(v) for k, v in node.items() if k != "description"}
    return node


def _grants(new: dict[str, frozenset[str]], old: dict[str, frozenset[str]]) -> bool:
    """A client holding `old`'s credentials satisfies the revision's alternative `new`."""
    return all(scheme in old and scopes <= old[scheme] for scheme, scopes in new.items())


def _security_text(alternative: dict[str, frozenset[str]]) -> str:
    if not alternative:
        return "anonymous access"
    names = []
    for identity, scopes in alternative.items():
        scheme = json.loads(identity)
        label = (
            scheme.get("scheme") or scheme.get("name") or scheme.get("type")
            if isinstance(scheme, dict)
            else scheme
        )
        names.append(f"{label}{' ' + str(sorted(scopes)) if scopes else ''}")
    return " + ".join(names)
