"""A pet registry (`specs/registry.yaml`) that already holds 20 pets of other users, ids 1 to 20.

A correct CRUD server: what a conformance run may not lose. Every request it answers is logged as
(method, path, status), so tests can see which records were changed or deleted, and by whom.
"""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

from contract_core import load_spec
from contract_core.validation import SchemaValidator
from tests.conformance.pets import problem

SPEC = Path(__file__).parent / "specs" / "registry.yaml"
OTHERS = range(1, 21)
FIRST_NEW_ID = 1001  # far from the small integers Hypothesis favours


def others_pets() -> dict[int, dict[str, Any]]:
    return {i: {"id": i, "name": f"Pet {i} of someone else", "tag": "not-yours"} for i in OTHERS}


def create_registry_app() -> Flask:
    app = Flask("registry")
    pets = others_pets()
    ids, lock = itertools.count(FIRST_NEW_ID), threading.Lock()
    validator = SchemaValidator(load_spec(SPEC), "request")
    log: list[tuple[str, str, int]] = []
    app.config.update(pets=pets, log=log)

    @app.after_request
    def remember(response: Response) -> Response:
        with lock:
            log.append((request.method, request.path, response.status_code))
        return response

    def new_pet() -> dict[str, Any] | None:
        body = request.get_json(silent=True)
        valid = request.mimetype == "application/json" and validator.is_valid(
            body, "#/components/schemas/NewPet"
        )
        return body if valid else None

    @app.post("/pets")
    def create() -> Response:
        body = new_pet()
        if body is None:
            return problem(400, "Invalid pet")
        with lock:
            pet = {"id": next(ids), **body}
            pets[pet["id"]] = pet
        return Response(json.dumps(pet), status=201, mimetype="application/json")

    @app.get("/pets")
    def list_pets() -> Response:
        with lock:
            return Response(json.dumps({"data": list(pets.values())}), mimetype="application/json")

    @app.get("/pets/<pet_id>")
    def read(pet_id: str) -> Response:
        pet = pets.get(_id(pet_id))
        if pet is None:
            return _missing(pet_id)
        return Response(json.dumps(pet), mimetype="application/json")

    @app.put("/pets/<pet_id>")
    def replace(pet_id: str) -> Response:
        key, body = _id(pet_id), new_pet()
        if key not in pets:
            return _missing(pet_id)
        if body is None:
            return problem(400, "Invalid pet")
        with lock:
            pets[key] = {"id": key, **body}
        return Response(json.dumps(pets[key]), mimetype="application/json")

    @app.delete("/pets/<pet_id>")
    def delete(pet_id: str) -> Response:
        with lock:
            if pets.pop(_id(pet_id), None) is None:
                return _missing(pet_id)
        return Response(status=204)

    return app


def _id(text: str) -> int:
    return int(text) if text.isdigit() else -1


def _missing(pet_id: str) -> Response:
    return problem(400 if _id(pet_id) < 1 else 404, "No such pet")


def snapshot(pets: dict[int, dict[str, Any]]) -> bytes:
    """The other users' records, byte for byte."""
    return json.dumps([pets.get(i) for i in OTHERS], sort_keys=True).encode()
