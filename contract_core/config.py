"""The kit's one project config: `contract.toml`, or `[tool.contract]` in pyproject.toml.

One table per command (`[conform]`, `[mock]`, `[lint]`, `[proxy]`, `[diff]`, ...); what a table's
keys mean is the command's business (`contract_cli.config` maps them onto its options). This module
finds and reads the file, knows on which line every table and key was written, and fills `${NAME}`
from the environment, remembering each value it filled in so that the run never prints it.

tomllib gives no positions, so `key_lines` scans the text for table headers and `key =` lines: every
error names `file:line`, one line, never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from contract_core.errors import ConfigError
from contract_core.records import Struct, field

CONFIG_FILE = "contract.toml"
PYPROJECT = "pyproject.toml"
_PYPROJECT_ROOT = ("tool", "contract")

Keys = tuple[str, ...]

_ENV_REFERENCE = re.compile(r"\$\{([^}]*)\}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def find_config(explicit: Path | None = None, folder: Path | None = None) -> ConfigFile | None:
    """`--config FILE` when given (it must exist), else `contract.toml` in `folder` (the working
    directory), else `[tool.contract]` of `folder`'s pyproject.toml; None when there is none."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(str(explicit), "no such file (given by --config)")
        return read_config(explicit)
    folder = folder or Path.cwd()
    if (folder / CONFIG_FILE).is_file():
        return read_config(folder / CONFIG_FILE, CONFIG_FILE)
    pyproject = folder / PYPROJECT
    # Only a pyproject.toml that mentions the table is parsed: a broken one of someone else's
    # tooling is not the kit's to report.
    if pyproject.is_file() and "tool.contract" in _read(pyproject, PYPROJECT):
        found = read_config(pyproject, PYPROJECT)
        return found if found.present else None
    return None


def read_config(path: Path, shown: str | None = None) -> ConfigFile:
    """Parse one config file; a pyproject.toml is read from its `[tool.contract]` table."""
    name = shown or str(path)
    text = _read(path, name)
    document = parse_toml(text, name)
    prefix: Keys = _PYPROJECT_ROOT if path.name == PYPROJECT else ()
    root: Any = document
    for key in prefix:
        root = root.get(key) if isinstance(root, dict) else None
    present = isinstance(root, dict)
    file = ConfigFile(name, root if present else {}, prefix, key_lines(text), path, present)
    if prefix and root is not None and not present:
        raise file.error((), "[tool.contract] must be a table")
    return file


def _read(path: Path, name: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(name, "cannot read: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(name, f"cannot read: {exc.strerror or exc}") from None


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """tomllib's parse; its error as one located line (`contract.toml:3: invalid TOML: ...`)."""
    import tomllib  # imported here: 2 ms of start-up that a run without a config file does not pay

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        if found is None:
            where = name
            detail = message.replace(" (at end of document)", " at the end of the file")
        else:
            where = f"{name}:{found[1]}"
            detail = f"{message[: found.start()]} (column {found[2]})"
        raise ConfigError(where, f"invalid TOML: {detail}") from None


class ConfigFile(Struct):
    """One parsed config file: its tables, and the line each table and key was written on."""

    name: str  # as messages name it: `contract.toml`, or the --config path
    root: dict[str, Any]  # the file, or its [tool.contract]
    prefix: Keys  # () or ("tool", "contract"): where `root` sits in the TOML document
    lines: dict[Keys, int]  # key path from the document's root -> its line
    path: Path | None = None
    present: bool = True  # False: a pyproject.toml without [tool.contract]
    secrets: set[str] = field(default_factory=set)  # every value filled from the environment

    def where(self, keys: Keys) -> str:
        """`file:line` of the key path (below `root`), or of the closest enclosing table or key written."""
        full = self.prefix + tuple(keys)
        for end in range(len(full), 0, -1):
            line = self.lines.get(full[:end])
            if line is not None:
                return f"{self.name}:{line}"
        return self.name

    def error(self, keys: Keys, detail: str) -> ConfigError:
        return ConfigError(self.where(keys), detail)

    def check_tables(self, known: Iterable[str]) -> None:
        """Every top-level key must be a known table (a command's name)."""
        known = tuple(known)
        for key, value in self.root.items():
            if key not in known:
                close = _close_matches(key, known)
                hint = (
                    f"; did you mean [{close[0]}]?"
                    if close
                    else f" (one per command: {', '.join(known)})"
                )
                raise self.error((key,), f"unknown table {table_name((*self.prefix, key))}{hint}")
            if not isinstance(value, dict):
                raise self.error((key,), f"{table_name((*self.prefix, key))} must be a table")

    def table(self, name: str, environ: Mapping[str, str]) -> Table | None:
        """The command's table, `${NAME}` filled from `environ`; None when the file has none."""
        raw = self.root.get(name)
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise self.error((name,), f"{table_name((*self.prefix, name))} must be a table")
        return Table(self, (name,), self._filled(raw, (name,), environ))

    def _filled(self, value: Any, keys: Keys, environ: Mapping[str, str]) -> Any:
        if isinstance(value, dict):
            return {k: self._filled(v, (*keys, k), environ) for k, v in value.items()}
        if isinstance(value, list):
            # the array's elements share their key's line
            return [self._filled(item, keys, environ) for item in value]
        if isinstance(value, str) and "${" in value:
            return _ENV_REFERENCE.sub(lambda m: self._variable(m[1], keys, environ), value)
        return value

    def _variable(self, name: str, keys: Keys, environ: Mapping[str, str]) -> str:
        if not _ENV_NAME.fullmatch(name):
            raise self.error(keys, f"${{{name}}} is not an environment variable reference")
        value = environ.get(name)
        if value is None:
            raise self.error(
                keys, f"environment variable {name} is not set (used by {dotted(keys)})"
            )
        self.secrets.add(value)
        return value


class Table(Struct):
    """One table of the file (`[conform]`, `[conform.data."POST /x"]`), its values filled in."""

    file: ConfigFile
    keys: Keys  # below the file's root: ("conform",), ("conform", "data")
    values: dict[str, Any]

    @property
    def name(self) -> str:
        """As the file writes its header: `[conform.data."POST /x"]`."""
        return table_name((*self.file.prefix, *self.keys))

    @property
    def secrets(self) -> set[str]:
        return self.file.secrets

    def where(self, key: str | None = None) -> str:
        return self.file.where(self.keys if key is None else (*self.keys, key))

    def error(self, key: str | None, detail: str) -> ConfigError:
        return ConfigError(self.where(key), detail)

    def unknown(self, key: str, known: Iterable[str]) -> ConfigError:
        return self.error(key, unknown_key(key, self.name, known))

    def sub(self, key: str) -> Table | None:
        """The sub-table under `key` (`[conform.data]`); None when absent."""
        value = self.values.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.error(
                key, f"{table_name((*self.file.prefix, *self.keys, key))} must be a table"
            )
        return Table(self.file, (*self.keys, key), value)

    def tables(self) -> Iterator[tuple[str, Table]]:
        """Every value of this table as a sub-table (`[conform.data."POST /x"]`, ...)."""
        for key in self.values:
            sub = self.sub(key)
            if sub is not None:
                yield key, sub

    def shown(self, value: Any) -> str:
        """`value` as a message may quote it: never one filled from the environment."""
        text = json.dumps(value, default=str)
        if any(secret and secret in text for secret in self.secrets):
            return "(a value from the environment, not shown)"
        return text


def _close_matches(word: str, known: Iterable[str]) -> list[str]:
    # imported here: difflib costs 1 ms of start-up, and only an error message needs it
    from difflib import get_close_matches

    return get_close_matches(word, list(known), n=1)


def unknown_key(key: str, table: str, known: Iterable[str]) -> str:
    known = sorted(known)
    close = _close_matches(key, known)
    hint = f'; did you mean "{close[0]}"?' if close else f" (known: {', '.join(known)})"
    return f'unknown key "{key}" in {table}{hint}'


def table_name(keys: Keys) -> str:
    return f"[{dotted(keys)}]" if keys else "the top level"


def dotted(keys: Keys) -> str:
    """A key path as TOML writes it: bare keys where allowed, else quoted."""
    return ".".join(k if _BARE_KEY.fullmatch(k) else json.dumps(k) for k in keys)


# --- where each table and key was written --------------------------------------------------------


def key_lines(text: str) -> dict[Keys, int]:
    """Key path -> the line (from 1) that first names it: table headers, `key = value` lines and
    their dotted keys' parents. Lines inside multi-line strings and arrays are no keys."""
    lines: dict[Keys, int] = {}
    table: Keys = ()
    closing: str | None = None  # the delimiter of the multi-line string we are in
    for number, raw in enumerate(text.splitlines(), 1):
        if closing is not None:
            if closing in raw:
                closing = None
            continue
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            header = _parse_key(line[2:] if line.startswith("[[") else line[1:])
            if header is not None and header[1].lstrip().startswith("]"):
                table = tuple(header[0])
                for end in range(1, len(table) + 1):
                    lines.setdefault(table[:end], number)
            continue
        parsed = _parse_key(line)
        if parsed is None or not parsed[1].lstrip().startswith("="):
            continue  # an array's next line, or anything else that is not `key = value`
        keys, rest = parsed
        for end in range(1, len(keys) + 1):
            lines.setdefault((*table, *keys[:end]), number)
        closing = _opens_multiline(rest.lstrip()[1:].lstrip())
    return lines


def _parse_key(text: str) -> tuple[list[str], str] | None:
    """A (dotted) TOML key at the start of `text` and what follows it; None if there is none."""
    keys: list[str] = []
    rest = text
    while True:
        rest = rest.lstrip()
        if rest.startswith('"'):
            found = _BASIC_STRING.match(rest)
            if found is None:
                return None
            keys.append(_unescape(found[0]))
        elif rest.startswith("'"):
            end = rest.find("'", 1)
            if end < 0:
                return None
            keys.append(rest[1:end])
            found = None
            rest = rest[end + 1 :]
        else:
            found = _BARE_KEY.match(rest)
            if found is None:
                return None
            keys.append(found[0])
        if found is not None:
            rest = rest[found.end() :]
        stripped = rest.lstrip()
        if not stripped.startswith("."):
            return keys, rest
        rest = stripped[1:]


def _unescape(quoted: str) -> str:
    try:
        return str(json.loads(quoted))
    except ValueError:  # a TOML escape JSON lacks (\UXXXXXXXX, \e): good enough for a position
        return quoted[1:-1]


def _opens_multiline(value: str) -> str | None:
    """The delimiter when `value` opens a multi-line string not closed on the same line."""
    for delimiter in ('"""', "'''"):
        if value.startswith(delimiter) and delimiter not in value[3:]:
            return delimiter
    return None
