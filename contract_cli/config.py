"""contract.toml on the command line: a command's table holds its long options, the command line wins.

The same rule for every subcommand, read off its argparse parser: a key is a long option spelled as
on the command line without `--` (`base-url`, `max-requests`, `rate-limit`), a repeatable option
may also go by its plural (`headers` for `-H/--header`), a flag is `true`/`false`. The values become
the parser's defaults (`set_defaults`) before it parses, so anything given on the command line
wins; a repeatable option's command-line values come after the file's (a `-H` header replaces the
file's header of that name). Tables that are not options (`[conform.data]`, `[conform.auth]`) are
the command's to read: it names them in `CONFIG_SECTIONS`, and finds the whole table in
`args.project_config`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from contract_core.config import ConfigFile, Table, find_config

if TYPE_CHECKING:
    from contract_core.redact import Redactor

CONFIG_OPTION = "--config"
_NOT_KEYS = frozenset({"help", "version", "config"})


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """`--config FILE`, on `contract` itself and on every subcommand (read before parsing)."""
    parser.add_argument(
        CONFIG_OPTION,
        dest="config_file",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="project config (default: ./contract.toml, else [tool.contract] in ./pyproject.toml)",
    )


def config_argument(argv: Sequence[str]) -> Path | None:
    """The `--config FILE` of a command line, wherever it stands."""
    for index, argument in enumerate(argv):
        if argument == "--":
            break
        if argument == CONFIG_OPTION and index + 1 < len(argv):
            return Path(argv[index + 1])
        if argument.startswith(CONFIG_OPTION + "="):
            return Path(argument.split("=", 1)[1])
    return None


def command_in(argv: Sequence[str], commands: Iterable[str]) -> str | None:
    """The subcommand a command line runs (the first word that is not `contract`'s own option)."""
    index = 0
    while index < len(argv):
        argument = argv[index]
        if argument == CONFIG_OPTION:
            index += 2
        elif argument.startswith("-"):
            index += 1
        else:
            return argument if argument in commands else None
    return None


def load_table(
    argv: Sequence[str],
    command: str,
    commands: Iterable[str],
    environ: Mapping[str, str] | None = None,
    folder: Path | None = None,
) -> Table | None:
    """The command's table of the project config (None without a file or a table); raises ConfigError."""
    found: ConfigFile | None = find_config(config_argument(argv), folder)
    if found is None:
        return None
    found.check_tables(commands)
    return found.table(command, os.environ if environ is None else environ)


def apply_table(
    parser: argparse.ArgumentParser, table: Table, sections: Iterable[str] = ()
) -> None:
    """The table's keys as the parser's defaults; an unknown key or a wrong value is a ConfigError."""
    sections = tuple(sections)
    by_key = options_by_key(parser)
    defaults: dict[str, Any] = {}
    given: dict[str, str] = {}  # dest -> the key that set it
    for key, value in table.values.items():
        if key in sections:
            table.sub(key)  # must be a table; the command reads it
            continue
        action = by_key.get(key)
        if action is None:
            raise table.unknown(key, [*by_key, *sections])
        if action.dest in given:
            raise table.error(key, f'"{key}" and "{given[action.dest]}" set the same option')
        given[action.dest] = key
        defaults[action.dest] = _converted(action, key, value, table)
        action.required = False  # the file gave it
    parser.set_defaults(**defaults, project_config=table)


def options_by_key(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Every long option of the parser by its name without `--`; a repeatable one by its plural too."""
    found: dict[str, argparse.Action] = {}
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            continue
        for option in action.option_strings:
            if option.startswith("--") and option[2:] not in _NOT_KEYS:
                found[option[2:]] = action
        if isinstance(action, argparse._AppendAction) and action.option_strings:
            found.setdefault(action.dest.replace("_", "-"), action)
    return found


def _converted(action: argparse.Action, key: str, value: Any, table: Table) -> Any:
    """`value` as the command line would have set the option's attribute."""
    if isinstance(action, (argparse.BooleanOptionalAction, argparse._StoreConstAction)):
        if not isinstance(value, bool):
            raise _expected(table, key, "true or false", value)
        if isinstance(action, argparse.BooleanOptionalAction):
            return value
        return action.const if value else action.default
    if isinstance(action, argparse._CountAction):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _expected(table, key, "a count (an integer >= 0)", value)
        return value
    if isinstance(action, argparse._AppendAction) or action.nargs in ("*", "+"):
        items = value if isinstance(value, list) else [value]
        return [_scalar(action, key, item, table) for item in items]
    return _scalar(action, key, value, table)


_KINDS: dict[Any, str] = {int: "an integer", float: "a number", Path: "a path (a string)"}


def _scalar(action: argparse.Action, key: str, value: Any, table: Table) -> Any:
    kind = action.type
    expected = _KINDS.get(kind, "a string")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _expected(table, key, expected, value)
    if kind is int and isinstance(value, float):
        raise _expected(table, key, expected, value)
    if kind is Path:
        if not isinstance(value, str):
            raise _expected(table, key, expected, value)
        converted: Any = _relative_to(Path(value), table.file)
    elif kind is int or kind is float:
        try:
            converted = kind(value)
        except (TypeError, ValueError):
            raise _expected(table, key, expected, value) from None
    elif callable(kind):
        try:
            converted = kind(str(value))
        except (TypeError, ValueError, argparse.ArgumentTypeError):
            raise _expected(table, key, expected, value) from None
    else:
        converted = value if isinstance(value, str) else str(value)
    if action.choices is not None and converted not in action.choices:
        choices = ", ".join(map(str, action.choices))
        raise _expected(table, key, f"one of {choices}", value)
    return converted


def _relative_to(path: Path, file: ConfigFile) -> Path:
    """A relative path in a file given by --config is relative to that file's folder."""
    folder = file.path.parent if file.path is not None else None
    if path.is_absolute() or folder is None or folder.resolve() == Path.cwd().resolve():
        return path
    return folder / path


def _expected(table: Table, key: str, expected: str, value: Any) -> Exception:
    return table.error(
        key, f"{key} in {table.name}: expected {expected}, found {table.shown(value)}"
    )


def subcommand_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            found: argparse.ArgumentParser = action.choices[name]
            return found
    raise KeyError(name)


# --- values from the environment are never printed ------------------------------------------------


def secrets_redactor(secrets: Iterable[str]) -> Redactor:
    """A Redactor that knows the values the config took from the environment."""
    # imported here: the redactor (threading, orjson) costs 4 ms of start-up, and only a config
    # that took values from the environment needs it
    from contract_core.redact import Redactor

    redactor = Redactor()
    for value in secrets:
        redactor.add_literal(value)
    return redactor


class _ScrubbedStream:
    """stdout/stderr with every known secret literal replaced, whatever the command prints; anything
    else (encoding, fileno, buffer) is the stream's own."""

    def __init__(self, stream: TextIO, redactor: Redactor) -> None:
        self._stream = stream
        self._redactor = redactor

    def write(self, text: str) -> int:
        self._stream.write(self._redactor.text(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def scrubbed_output(secrets: Iterable[str]) -> Iterator[None]:
    """While the block runs, nothing printed to stdout or stderr shows a value from the environment."""
    secrets = [value for value in secrets if value]
    if not secrets:
        yield
        return
    redactor = secrets_redactor(secrets)
    out, err = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, _ScrubbedStream(out, redactor))
    sys.stderr = cast(TextIO, _ScrubbedStream(err, redactor))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
