"""Believable scalar values, chosen by format and by property name, from a seeded RNG.

Faker makes the pools once per process (seeded, so the same on every machine with the same Faker
version); each fixture only picks from them with its own RNG. That keeps fixtures fast (a pick is
~100x cheaper than a Faker call) and deterministic.
"""

from __future__ import annotations

import base64
import random
import re
import string
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import rstr
from faker import Faker

from contract_core.secrets import is_secret_field

# Fixtures must be byte-identical across runs and machines, so "now" is a fixed instant; dates are
# spread over the months before it. Override per engine (FixtureEngine(now=...)).
REFERENCE_NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
POOL_SIZE = 64


@cache
def pools() -> dict[str, list[str]]:
    """Realistic values by kind, made once per process."""
    fake = Faker("en_US")
    fake.seed_instance(20250221)
    makers: dict[str, Callable[[], str]] = {
        "first_name": fake.first_name,
        "last_name": fake.last_name,
        "company": fake.company,
        "city": fake.city,
        "street": fake.street_address,
        "secondary": fake.secondary_address,
        "postcode": fake.postcode,
        "state": fake.state,
        "country": fake.country_code,
        "sentence": fake.sentence,
        "word": fake.word,
        "domain": fake.domain_name,
        "user_name": fake.user_name,
        "phone": fake.msisdn,
        "title": fake.catch_phrase,
    }
    return {kind: [make() for _ in range(POOL_SIZE)] for kind, make in makers.items()}


def pick(rng: random.Random, kind: str) -> str:
    return rng.choice(pools()[kind])


class _BoundedXeger(rstr.Rstr):
    """rstr's regex-driven strings, made deterministic across processes and short.

    rstr builds negated classes from a `set` (ordered by the per-process string hash) and allows
    100 repeats of `+`/`*`; we sort the candidates and cap open repeats at a few characters.
    """

    OPEN_REPEAT_LIMIT = 8

    def __init__(self, rng: random.Random) -> None:
        nonword = "".join(
            sorted(set(string.printable) - set(string.ascii_letters + string.digits + "_"))
        )
        super().__init__(rng, nonword=nonword)

    def _handle_repeat(self, start_range: int, end_range: int, value: Any) -> str:
        end = min(end_range, max(start_range, self.OPEN_REPEAT_LIMIT))
        times = self._random.randint(start_range, end)
        return "".join("".join(self._handle_state(i) for i in value) for _ in range(times))

    def _handle_in(self, value: Any) -> Any:
        candidates = list(self._iter_in(value))
        if candidates and candidates[0] is False:
            candidates = sorted(set(string.printable) - set(candidates[1:]))
        return self._random.choice(candidates)

    def _iter_in(self, value: Any) -> Any:
        for state in value:
            yield from self._handle_state(state)


def from_pattern(rng: random.Random, pattern: str) -> str | None:
    """A string matching `pattern` (searched, as JSON Schema does), or None if we can't make one."""
    try:
        candidate = _BoundedXeger(rng).xeger(pattern)
    # rstr raises assorted errors on regex features it lacks (lookbehind, \p{..}).
    except Exception:
        return None
    try:
        return candidate if re.search(pattern, candidate) else None
    except re.error:
        return None


_ALNUM = string.ascii_letters + string.digits
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Every pair of Crockford symbols (10 bits): a ULID body is 12 look-ups of one random integer.
_CROCKFORD_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]


def _encode(bits: int, length: int, alphabet: str) -> str:
    """`length` symbols of `alphabet` from one random integer: one RNG call, not one per symbol."""
    base, out = len(alphabet), []
    for _ in range(length):
        bits, digit = divmod(bits, base)
        out.append(alphabet[digit])
    return "".join(out)


def _ulid_like(rng: random.Random) -> str:
    bits = rng.getrandbits(120)
    return "01" + "".join([_CROCKFORD_PAIRS[(bits >> shift) & 1023] for shift in range(0, 120, 10)])


def _words(name: str | None) -> list[str]:
    """`UserGroup` / `user_group` -> ["user", "group"]."""
    return [w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", name or "")]


@cache
def _id_prefix(owner: str | None) -> str:
    words = _words(owner)
    return words[-1][:3] if words else "obj"


def resource_id(rng: random.Random, owner: str | None) -> str:
    """`acc_01HQ…`: a prefix from the owning schema's last word and a ULID-like body."""
    return f"{_id_prefix(owner)}_{_ulid_like(rng)}"


@cache
def _collection(owner: str | None) -> str:
    words = _words(owner) or ["object"]
    last = words[-1]
    plural = last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" else last + "s"
    return "/v1/" + "-".join([*words[:-1], plural]) + "/"


def collection_path(owner: str | None, resource: str) -> str:
    """`/v1/user-groups/gro_01…`: where a resource of schema `owner` would live."""
    return _collection(owner) + resource


def secret(rng: random.Random) -> str:
    """A credential-shaped value that nobody can mistake for a real one."""
    return "mock_" + _encode(rng.getrandbits(192), 32, _ALNUM)


def date_time(rng: random.Random, now: datetime) -> datetime:
    seconds = rng.randint(0, 180 * 24 * 3600)
    return now - timedelta(seconds=seconds, milliseconds=rng.randint(0, 999))


def iso_date_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def by_format(rng: random.Random, fmt: str, now: datetime) -> str | None:
    """A value of string format `fmt`, or None for formats we have no generator for."""
    maker = _FORMATS.get(fmt)
    return maker(rng, now) if maker else None


_FORMATS: dict[str, Callable[[random.Random, datetime], str]] = {
    "date-time": lambda rng, now: iso_date_time(date_time(rng, now)),
    "date": lambda rng, now: date_time(rng, now).strftime("%Y-%m-%d"),
    "time": lambda rng, now: date_time(rng, now).strftime("%H:%M:%SZ"),
    "email": lambda rng, _: f"{pick(rng, 'user_name')}@{pick(rng, 'domain')}",
    "idn-email": lambda rng, _: f"{pick(rng, 'user_name')}@{pick(rng, 'domain')}",
    "uuid": lambda rng, _: uuid4(rng),
    "uri": lambda rng, _: f"https://{pick(rng, 'domain')}/{pick(rng, 'word')}",
    "url": lambda rng, _: f"https://{pick(rng, 'domain')}/{pick(rng, 'word')}",
    "iri": lambda rng, _: f"https://{pick(rng, 'domain')}/{pick(rng, 'word')}",
    "uri-reference": lambda rng, _: f"/{pick(rng, 'word')}/{rng.randint(1, 9999)}",
    "iri-reference": lambda rng, _: f"/{pick(rng, 'word')}/{rng.randint(1, 9999)}",
    "uri-template": lambda rng, _: f"https://{pick(rng, 'domain')}/{{id}}",
    "hostname": lambda rng, _: pick(rng, "domain"),
    "idn-hostname": lambda rng, _: pick(rng, "domain"),
    "ipv4": lambda rng, _: ".".join(str(rng.randint(1, 254)) for _ in range(4)),
    "ipv6": lambda rng, _: ":".join(f"{rng.getrandbits(16):x}" for _ in range(8)),
    "byte": lambda rng, _: base64.b64encode(pick(rng, "word").encode()).decode(),
    "binary": lambda rng, _: pick(rng, "word"),
    "password": lambda rng, _: _encode(rng.getrandbits(96), 16, _ALNUM),
    "duration": lambda rng, _: f"P{rng.randint(1, 30)}D",
    "json-pointer": lambda rng, _: f"/{pick(rng, 'word')}",
    "relative-json-pointer": lambda rng, _: "0",
    "regex": lambda rng, _: "^[a-z]+$",
}

# Property names (lower-cased, without `_`/`-`) and the values that look right for them.
_NAMED: dict[str, Callable[[random.Random, datetime], str]] = {
    "email": _FORMATS["email"],
    "firstname": lambda rng, _: pick(rng, "first_name"),
    "givenname": lambda rng, _: pick(rng, "first_name"),
    "lastname": lambda rng, _: pick(rng, "last_name"),
    "surname": lambda rng, _: pick(rng, "last_name"),
    "familyname": lambda rng, _: pick(rng, "last_name"),
    "fullname": lambda rng, _: f"{pick(rng, 'first_name')} {pick(rng, 'last_name')}",
    "username": lambda rng, _: pick(rng, "user_name"),
    "company": lambda rng, _: pick(rng, "company"),
    "city": lambda rng, _: pick(rng, "city"),
    "state": lambda rng, _: pick(rng, "state"),
    "country": lambda rng, _: pick(rng, "country"),
    "countrycode": lambda rng, _: pick(rng, "country"),
    "postcode": lambda rng, _: pick(rng, "postcode"),
    "postalcode": lambda rng, _: pick(rng, "postcode"),
    "zip": lambda rng, _: pick(rng, "postcode"),
    "zipcode": lambda rng, _: pick(rng, "postcode"),
    "addressline1": lambda rng, _: pick(rng, "street"),
    "addressline2": lambda rng, _: pick(rng, "secondary"),
    "street": lambda rng, _: pick(rng, "street"),
    "phone": lambda rng, _: pick(rng, "phone"),
    "number": lambda rng, _: pick(rng, "phone")[-10:],
    "prefix": lambda rng, _: rng.choice(["+1", "+44", "+49", "+33", "+61"]),
    "description": lambda rng, _: pick(rng, "sentence"),
    "summary": lambda rng, _: pick(rng, "sentence"),
    "message": lambda rng, _: pick(rng, "sentence"),
    "title": lambda rng, _: pick(rng, "title"),
    "website": _FORMATS["uri"],
    "url": _FORMATS["uri"],
    "icon": lambda rng, _: f"https://cdn.{pick(rng, 'domain')}/icons/{pick(rng, 'word')}.png",
    "logo": lambda rng, _: f"https://cdn.{pick(rng, 'domain')}/logos/{pick(rng, 'word')}.png",
    "avatar": lambda rng, _: f"https://cdn.{pick(rng, 'domain')}/avatars/{pick(rng, 'word')}.png",
    "image": lambda rng, _: f"https://cdn.{pick(rng, 'domain')}/images/{pick(rng, 'word')}.png",
    "status": lambda rng, _: rng.choice(["Active", "Active", "Pending", "Inactive"]),
    "culturecode": lambda rng, _: rng.choice(["en-GB", "en-US", "de-DE", "fr-FR"]),
    "locale": lambda rng, _: rng.choice(["en-GB", "en-US", "de-DE", "fr-FR"]),
    "languagecode": lambda rng, _: rng.choice(["en", "de", "fr", "es"]),
    "language": lambda rng, _: rng.choice(["en", "de", "fr", "es"]),
    "currency": lambda rng, _: rng.choice(["USD", "EUR", "GBP"]),
    "taxid": lambda rng, _: f"GB{rng.randint(100000000, 999999999)}",
    "color": lambda rng, _: f"#{rng.getrandbits(24):06x}",
}

_NAME_SUFFIXES: dict[str, Callable[[random.Random, datetime], str]] = {
    "email": _FORMATS["email"],
    "at": _FORMATS["date-time"],
    "url": _FORMATS["uri"],
    "uri": _FORMATS["uri"],
    "name": lambda rng, _: pick(rng, "company"),
}


Maker = Callable[[random.Random, datetime], str]
_PEOPLE = frozenset(
    {"user", "identity", "person", "contact", "member", "customer", "author", "owner"}
)


@cache
def maker_for(name: str | None, owner: str | None) -> Maker | None:
    """How to make a value for a property called `name` of schema `owner` (decided once per pair)."""
    if not name:
        return None
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    if key == "id" or (key.endswith("id") and name[-2:] in ("Id", "_id", "ID")):
        id_owner = owner if key == "id" else name[:-2]
        return lambda rng, _: resource_id(rng, id_owner)
    if key == "href":
        return lambda rng, _: collection_path(owner, resource_id(rng, owner))
    if is_secret_field(key):  # the core's rule, on the name without separators (`api-key` too)
        return lambda rng, _: secret(rng)
    if key == "name" and owner and owner.lower() in _PEOPLE:
        return lambda rng, _: f"{pick(rng, 'first_name')} {pick(rng, 'last_name')}"
    if key == "name":
        return lambda rng, _: pick(rng, "company")
    if key in _NAMED:
        return _NAMED[key]
    for suffix, suffix_maker in _NAME_SUFFIXES.items():
        if name.endswith(suffix.capitalize()) or name.endswith("_" + suffix):
            return suffix_maker
    return None


def by_name(rng: random.Random, name: str | None, owner: str | None, now: datetime) -> str | None:
    """A value that looks right for a property called `name` of schema `owner`, or None."""
    maker = maker_for(name, owner)
    return maker(rng, now) if maker else None


def word(rng: random.Random) -> str:
    return pick(rng, "word")
