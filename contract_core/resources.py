"""Resources inferred from paths alone: a documented `POST C` and a documented `C/{param}` make a
collection and its item (`/pets`, `/pets/{petId}`; nested ones such as `/users/{id}/pets/{petId}`).

The mock's `--stateful` store keeps what a create returned under this id; conform knows by it which
records a run created itself (the only ones it may change or delete) and what to clean up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from contract_core.spec import Spec

_ITEM_PATH = re.compile(r"(?P<collection>/.*)/\{(?P<param>[^}/]+)\}")


@dataclass(frozen=True)
class Resource:
    collection: str  # path template of the collection, e.g. /users/{id}/pets
    item: str  # its item's template, e.g. /users/{id}/pets/{petId}
    id_param: str


def infer_resources(spec: Spec) -> list[Resource]:
    """Every documented `C/{param}` whose `C` is documented with a POST: a resource no client can
    create (OpenAI's `/models`) is not one (the mock keeps its fixtures rather than 404 every id)."""
    paths = {op.path for op in spec.operations}
    creatable = {op.path for op in spec.operations if op.method == "post"}
    found = []
    for path in sorted(paths):
        match = _ITEM_PATH.fullmatch(path)
        if match and match["collection"] in creatable:
            found.append(Resource(match["collection"], path, match["param"]))
    return found


def resource_id(body: Any, resource: Resource) -> str | None:
    """The created resource's id: the field named like the item's parameter, else `id` (or the like)."""
    name = id_field(body, resource)
    return None if name is None else str(body[name])


def id_field(body: Any, resource: Resource) -> str | None:
    """The name of the created resource's id field (see `resource_id`), or None."""
    if not isinstance(body, dict):
        return None
    names = [resource.id_param, "id", "uid", "uuid", "key"] + (
        ["name"] if "name" in resource.id_param.lower() else []
    )
    for name in names:
        value = body.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return name
    return None
