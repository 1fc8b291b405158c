"""A small CRUD implementation of `specs/pets.yaml`: correct, or losing what it created in one way.

- `forgets`: a created pet is never found again (GET and DELETE answer 404);
- `renames`: reading a pet back returns another name than the one it was created with.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

from contract_core import load_spec
from contract_core.validation import SchemaValidator

SPEC = Path(__file__).parent / "specs" / "pets.yaml"
LOSSES = ("forgets", "renames")


def problem(status: int, title: str) -> Response:
    return Response(
        json.dumps({"title": title, "status": status}),
        status=status,
        mimetype="application/problem+json",
    )


def create_pets_app(loss: str | None = None) -> Flask:
    app = Flask("pets")
    pets: dict[str, dict[str, Any]] = {}
    ids, lock = itertools.count(1), threading.Lock()
    validator = SchemaValidator(load_spec(SPEC), "request")
    app.config["stats"] = {"times": []}

    @app.before_request
    def count() -> None:
        with lock:
            app.config["stats"]["times"].append(time.monotonic())

    @app.post("/pets")
    def create() -> Response:
        body = request.get_json(silent=True)
        if request.mimetype != "application/json" or not validator.is_valid(
            body, "#/components/schemas/NewPet"
        ):
            return problem(400, "Invalid pet")
        with lock:
            pet = {"id": f"pet_{next(ids)}", **body}
            pets[pet["id"]] = pet
        return Response(json.dumps(pet), status=201, mimetype="application/json")

    @app.get("/pets")
    def list_pets() -> Response:
        with lock:
            return Response(json.dumps({"data": list(pets.values())}), mimetype="application/json")

    @app.get("/pets/<pet_id>")
    def read(pet_id: str) -> Response:
        pet = pets.get(pet_id)
        if pet is None or loss == "forgets":
            return problem(404, "No such pet")
        shown = {**pet, "name": pet["name"] + " (renamed)"} if loss == "renames" else pet
        return Response(json.dumps(shown), mimetype="application/json")

    @app.delete("/pets/<pet_id>")
    def delete(pet_id: str) -> Response:
        with lock:
            if pets.pop(pet_id, None) is None or loss == "forgets":
                return problem(404, "No such pet")
        return Response(status=204)

    return app
