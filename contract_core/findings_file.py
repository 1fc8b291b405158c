"""The findings file: known findings a team has reviewed, shared by conform's baseline, lint's and diff's ignores.

One JSON format (version 1) for every tool; each tool names the fields that identify its findings:

    {"version": 1, "entries": [
      {"rule": "operation-summary-missing", "file": "openapi.yaml", "pointer": "#/paths/~1x/get",
       "reason": "summaries come with the v2 rewrite", "expires": "2027-03-31"}]}

- conform's `--baseline`: `operation`, `check`, `pointer` (array indices as `*`);
- lint's `--ignore`: `rule`, `file`, `pointer` (a JSON pointer into the spec);
- diff's `--ignore`: `rule`, `base`, `revision` (JSON pointers into the two documents).

An entry is matched by those fields only, never by line number or message text, so an entry stays
valid across unrelated edits. `reason` and `expires` (a date) are the reviewer's: rewriting the file
keeps them for the entries it keeps. An expired entry no longer excuses its finding; an entry no
finding matches is "resolved". Any other field (`title`, `count`, `fingerprint`, `message`) is
information for the reader, written back but never matched. Other top-level keys (`spec`) are kept.

This module knows the file, not the findings: a tool turns each of its findings into a key (the
values of its fields) and asks `judge`. Errors name `file:line` (the JSON line of the bad value).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from contract_core.errors import LocatedError
from contract_core.lines import LineMap
from contract_core.records import Struct, field, replace

FORMAT_VERSION = 1
Key = tuple[str, ...]
_OWN_FIELDS = ("reason", "expires")


class FindingsFileError(LocatedError):
    """The file cannot be read, parsed or written; names `file:line` and the fix."""


class Entry(Struct, frozen=True):
    """One known finding: its key (the values of the file's fields), the reviewer's reason and expiry."""

    key: Key
    reason: str = ""
    expires: dt.date | None = None
    info: Mapping[str, Any] = field(default_factory=dict)  # read and written, never matched

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires

    def reviewed_as(self, previous: Entry | None) -> Entry:
        """This entry with the reason and expiry a reviewer gave `previous` (the same key)."""
        if previous is None:
            return self
        return replace(self, reason=previous.reason, expires=previous.expires)


class Fields(Struct, frozen=True):
    """What identifies a tool's finding: the entry fields, in key order, and how a value is normalised."""

    names: Key
    normalise: Callable[[str, str], str] = lambda _name, value: value
    required: Key = ()  # fields an entry must spell out (others default to "")

    def key(self, values: Mapping[str, Any]) -> Key:
        return tuple(self.normalise(name, str(values.get(name) or "")) for name in self.names)


class FindingsFile(Struct):
    path: Path
    fields: Fields
    entries: list[Entry] = field(default_factory=list)
    header: dict[str, Any] = field(default_factory=dict)  # top-level keys besides version/entries

    def by_key(self) -> dict[Key, Entry]:
        return {entry.key: entry for entry in self.entries}


# --- reading ----------------------------------------------------------------------------------


def read_findings_file(
    path: Path, fields: Fields, *, reason_required: bool = False
) -> FindingsFile:
    """The file at `path`; raises FindingsFileError naming the file, the line and the fix. A tool
    whose entries hide what reviewers must see (diff's accepted breaking changes) requires reasons."""
    text = _text(path)
    lines = LineMap(text)
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise FindingsFileError(str(path), line, f"not JSON: {exc}") from None
    if (
        not isinstance(data, dict)
        or data.get("version") != FORMAT_VERSION
        or not isinstance(data.get("entries"), list)
    ):
        raise FindingsFileError(
            str(path), 1, f'expected {{"version": {FORMAT_VERSION}, "entries": [...]}}'
        )
    entries = [_entry(path, lines, fields, i, item) for i, item in enumerate(data["entries"])]
    if reason_required:
        _check_reasons(path, lines, entries)
    header = {k: v for k, v in data.items() if k not in ("version", "entries")}
    return FindingsFile(path, fields, entries, header)


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc.__class__.__name__
        raise FindingsFileError(
            str(path), None, f"cannot read it ({reason}); check the path"
        ) from None


def _entry(path: Path, lines: LineMap, fields: Fields, index: int, item: Any) -> Entry:
    at = f"/entries/{index}"

    def error(name: str | None, detail: str) -> FindingsFileError:
        pointer = f"{at}/{name}" if name else at
        return FindingsFileError(str(path), lines.line("#" + pointer), f"{pointer}: {detail}")

    if not isinstance(item, dict):
        raise error(None, "an entry is an object of " + ", ".join(fields.names))
    for name in fields.names:
        present = item.get(name)
        if (name in fields.required or present is not None) and not isinstance(present, str):
            raise error(name if name in item else None, f"an entry needs a string `{name}`")
    if not isinstance(item.get("reason") or "", str):
        raise error("reason", "`reason` is a string: why this finding is accepted")
    info = {k: v for k, v in item.items() if k not in (*fields.names, *_OWN_FIELDS)}
    return Entry(fields.key(item), item.get("reason") or "", _expires(item, error), info)


def _check_reasons(path: Path, lines: LineMap, entries: list[Entry]) -> None:
    for index, entry in enumerate(entries):
        if not entry.reason.strip():
            pointer = f"/entries/{index}"
            raise FindingsFileError(
                str(path),
                lines.line("#" + pointer),
                f"{pointer}: no `reason`; write why this finding is accepted",
            )


def _expires(
    item: dict[str, Any], error: Callable[[str, str], FindingsFileError]
) -> dt.date | None:
    value = item.get("expires")
    if value is None or value == "":  # conform's first baselines wrote "" for "never"
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise error("expires", f"{value!r} is not a date (YYYY-MM-DD)") from None


# --- judging ----------------------------------------------------------------------------------


class Judgement(Struct):
    """A run's findings held to the file: which keys it excuses, which entries expired, which resolved."""

    file: FindingsFile
    excused: dict[Key, Entry] = field(default_factory=dict)
    expired: dict[Key, Entry] = field(default_factory=dict)
    resolved: list[Entry] = field(default_factory=list)

    def status(self, key: Key) -> str:
        """ "excused", "expired" (its entry no longer excuses it) or "new"."""
        if key in self.excused:
            return "excused"
        return "expired" if key in self.expired else "new"


def judge(
    file: FindingsFile,
    keys: Iterable[Key],
    today: dt.date | None = None,
    in_scope: Callable[[Entry], bool] = lambda _entry: True,
) -> Judgement:
    """Hold the keys of a run's findings to the file. `in_scope` says which entries this run could have
    seen (a conform shard resolves no entry of another shard's operations)."""
    today = today or dt.date.today()
    entries = file.by_key()
    seen = set(keys)
    judgement = Judgement(file)
    for key in seen & entries.keys():
        bucket = judgement.expired if entries[key].expired(today) else judgement.excused
        bucket[key] = entries[key]
    judgement.resolved = [e for e in file.entries if e.key not in seen and in_scope(e)]
    return judgement


# --- writing ----------------------------------------------------------------------------------


def write_findings_file(
    path: Path,
    fields: Fields,
    entries: Iterable[Entry],
    previous: FindingsFile | None = None,
    header: Mapping[str, Any] | None = None,
) -> int:
    """Write `entries` (one per key; the first wins), keeping the reviewers' reason and expiry of each
    entry `previous` had; returns the number written."""
    kept = previous.by_key() if previous else {}
    unique: dict[Key, Entry] = {}
    for entry in entries:
        unique.setdefault(entry.key, entry.reviewed_as(kept.get(entry.key)))
    document = {
        "version": FORMAT_VERSION,
        **(header or {}),
        "entries": [as_dict(fields, unique[key]) for key in sorted(unique)],
    }
    try:
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise FindingsFileError(
            str(path), None, f"cannot write it: {exc.strerror or exc}"
        ) from None
    return len(unique)


def as_dict(fields: Fields, entry: Entry) -> dict[str, Any]:
    """An entry as the file writes it: its fields, its information, then reason and expires."""
    return {
        **dict(zip(fields.names, entry.key, strict=True)),
        **entry.info,
        "reason": entry.reason,
        "expires": entry.expires.isoformat() if entry.expires else None,
    }
