"""Times in a fixture that agree with each other, decided by property names (so it works on any spec):
an object is created first, updated after that, last used (`lastLoginAt`, `lastAccessAt`, …) after its
creation, and nothing of these happens after "now".

Independent draws break that half the time (an audit updated before it was created); a UI that sorts
or diffs such dates shows nonsense. A time is a date-time or date string, a Unix timestamp (integer
seconds), or an event object holding one (`created: {at: …, by: …}`). An object's creation is its own
creation-named property, or one in a child object that is not a resource of its own (no `id`), such
as `audit.created.at`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

CREATION, UPDATE, LAST_USE = "creation", "update", "last use"
_SUFFIX = r"(at|on|date|time|timestamp|datetime)?"
_RANKS = (
    (CREATION, re.compile(rf"(date)?(created|creation|create){_SUFFIX}")),
    (UPDATE, re.compile(rf"(date)?(last)?(updated|modified|update|modification){_SUFFIX}")),
    (LAST_USE, re.compile(r"last[a-z]+(at|on|date|time|timestamp)")),
)
EVENT_TIME_KEYS = ("at", "time", "timestamp", "date", "when")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")
# integers read as Unix seconds: 1973 to 5138, not counters or amounts
_UNIX_RANGE = (10**8, 10**11)
_CONSTRAINTS = (
    "enum",
    "const",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
)

Place = tuple[dict[str, Any], str, Any]  # (the object holding the time, its key, the schema there)


@cache
def rank(name: str) -> str | None:
    """`createdAt`/`created_at`/`creationTimestamp` -> creation; `updated`/`lastModified` -> update;
    `lastLoginAt`/`lastAccessAt`/`last_seen_at` -> last use; anything else -> None."""
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    return next((found for found, pattern in _RANKS if pattern.fullmatch(key)), None)


def read(value: Any) -> datetime | None:
    """The moment a time value stands for, or None when it is not one."""
    if isinstance(value, str) and _ISO.fullmatch(value):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and _UNIX_RANGE[0] <= value < _UNIX_RANGE[1]
    ):
        return datetime.fromtimestamp(value, UTC)
    return None


def write(moment: datetime, like: Any) -> Any:
    """`moment` in the representation of `like` (date-time, date or Unix seconds)."""
    if isinstance(like, int):
        return int(moment.timestamp())
    if "T" not in like:
        return moment.strftime("%Y-%m-%d")
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def order_times(
    obj: dict[str, Any],
    schema_of: Callable[[str], Any],
    deref: Callable[[Any], Any],
    rng: random.Random,
    now: datetime,
) -> None:
    """Move the update and last-use times of `obj` (in place) to fall between its creation and `now`.

    `schema_of(name)` is the schema of property `name`, `deref` resolves a `$ref`: a time whose
    schema constrains it further (enum, pattern, bounds, combinators) is left as drawn.
    """
    creation = _creation(obj)
    if creation is None or creation > now:
        return
    for name in list(obj):
        if rank(name) not in (UPDATE, LAST_USE):
            continue
        place = _place(obj, name, schema_of(name), deref)
        moment = read(place[0][place[1]]) if place else None
        if (
            place is None
            or moment is None
            or creation <= moment <= now
            or not _free(place[2], deref)
        ):
            continue
        holder, key, _ = place
        holder[key] = write(creation + (now - creation) * rng.random(), holder[key])


def _creation(obj: dict[str, Any]) -> datetime | None:
    for holder in (obj, *(v for v in obj.values() if isinstance(v, dict) and "id" not in v)):
        for name, value in holder.items():
            if rank(name) == CREATION:
                moment = read(value) if not isinstance(value, dict) else read(_event_time(value)[1])
                if moment is not None:
                    return moment
    return None


def _event_time(event: dict[str, Any]) -> tuple[str | None, Any]:
    """The key and value of an event object's time (`at` of `{at: …, by: …}`)."""
    key = next((k for k in EVENT_TIME_KEYS if read(event.get(k)) is not None), None)
    return key, event.get(key) if key else None


def _place(
    obj: dict[str, Any], name: str, schema: Any, deref: Callable[[Any], Any]
) -> Place | None:
    value = obj[name]
    if not isinstance(value, dict):
        return (obj, name, schema)
    key, _ = _event_time(value)
    if key is None:
        return None
    resolved = deref(schema)
    properties = resolved.get("properties") if isinstance(resolved, dict) else None
    return (value, key, properties.get(key)) if isinstance(properties, dict) else None


def _free(schema: Any, deref: Callable[[Any], Any]) -> bool:
    """Whether any time of the value's kind is valid here (no enum, pattern, bounds, …)."""
    resolved = deref(schema)
    return isinstance(resolved, dict) and not any(k in resolved for k in _CONSTRAINTS)
