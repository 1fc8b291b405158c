"""Spec pairs for the diff tests, built from the data files beside this module."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from contract_core.lines import parse_spec_with_lines
from contract_spectools.diff import DiffResult, diff_documents
from contract_spectools.diff.inputs import Document

HERE = Path(__file__).parent
CATALOGUE = yaml.safe_load((HERE / "catalogue.yaml").read_text(encoding="utf-8"))
_OK = {"200": {"description": "ok"}}
_SHARED_COMPONENTS = {
    "requestBodies": {"Thing": {"content": {"application/json": {"schema": {"type": "object"}}}}},
    "parameters": {"Q": {"name": "q", "in": "query", "schema": {"type": "string"}}},
}


def document_for(case: dict[str, Any], side: str) -> dict[str, Any]:
    """The whole OpenAPI document a case's side (`base`, `breaking`, `safe`) stands for."""
    body = copy.deepcopy(case[side])
    head = {"openapi": case.get("openapi", "3.0.3"), "info": {"title": "catalogue", "version": "1"}}
    where = case["where"]
    if where == "document":  # security cases need an operation to apply to
        return {**head, "paths": {"/things": {"get": {"responses": copy.deepcopy(_OK)}}}, **body}
    if where == "operation":
        return {
            **head,
            "paths": {"/things": {"post": body}},
            "components": copy.deepcopy(_SHARED_COMPONENTS),
        }
    operation: dict[str, Any] = {"operationId": "createThing", "responses": copy.deepcopy(_OK)}
    thing = {"$ref": "#/components/schemas/Thing"}
    if where == "request":
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": thing}},
        }
    elif where == "response":
        operation["responses"] = {
            "200": {"description": "ok", "content": {"application/json": {"schema": thing}}}
        }
    elif where == "parameter":
        operation["parameters"] = [{"name": "q", "in": "query", "schema": thing}]
    return {
        **head,
        "paths": {"/things": {"post": operation}},
        "components": {"schemas": {"Thing": body}},
    }


def document(data: dict[str, Any] | str, name: str = "spec.yaml") -> Document:
    # JSON: a spec too, and fast
    text = data if isinstance(data, str) else json.dumps(data, indent=1)
    spec, lines = parse_spec_with_lines(text, name)
    return Document(spec, lines, name, name)


def diff(base: dict[str, Any] | str, revision: dict[str, Any] | str) -> DiffResult:
    return diff_documents(document(base, "base.yaml"), document(revision, "revision.yaml"))


def case_id(case: dict[str, Any]) -> str:
    return f"{case['rule']}-{case['where']}-{case.get('openapi', '3.0')}"
