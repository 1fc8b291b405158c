"""`contract`: the kit's one command line. Each subcommand lives in its own module here.

A subcommand module has `register(subparsers)`, which adds its parser and sets `run`, a function
taking the parsed arguments and returning the exit code. Library code never prints or exits;
only these modules do.

Every subcommand reads its table of the project config (contract.toml, `--config FILE`, or
`[tool.contract]` in pyproject.toml) the same way: `contract_cli.config`. A module may name the
sub-tables that are not options (`CONFIG_SECTIONS`, e.g. conform's `data` and `auth`).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

from contract_cli.common import fail
from contract_cli.config import (
    add_config_option,
    apply_table,
    command_in,
    load_table,
    scrubbed_output,
    subcommand_parser,
)
from contract_core import ContractError
from contract_core.collector import skip_final_collection

# Subcommand modules, in the order `contract --help` lists them.
SUBCOMMANDS: tuple[str, ...] = ("mock", "fixture", "lint", "diff", "conform", "proxy", "verify")

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
# Commands whose process ends holding nothing to finalise (no server, thread or open file): their
# exit skips Python's last full collection (`skip_final_collection`), a tenth of a small lint.
_NOTHING_TO_FINALISE = frozenset({"lint"})


class HelpFormatter(argparse.HelpFormatter):
    """argparse's own, sized as `shutil.get_terminal_size` would size it: argparse imports shutil
    for that on every `add_argument`, and shutil's compression modules cost 2 ms of every run."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ):
        super().__init__(prog, indent_increment, max_help_position, width or _terminal_columns())


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns: $COLUMNS when set, else the terminal's, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.__stdout__ is None:  # no stdout at all (pythonw)
        return 80
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (ValueError, OSError):  # stdout closed, or not a terminal
        return 80


class _SubcommandParser(argparse.ArgumentParser):
    """A subcommand's parser, with the formatter above."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(formatter_class=HelpFormatter, **kwargs)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; `only` registers just that subcommand (start-up: `mock` imports Connexion,
    a second that `contract lint` and `contract diff` in a pre-commit hook should not pay)."""
    parser = argparse.ArgumentParser(
        prog="contract",
        description="OpenAPI contract kit: fixtures, mock server, conformance and linting from one spec.",
        formatter_class=HelpFormatter,
    )
    add_config_option(parser)
    subparsers = parser.add_subparsers(
        dest="command",
        metavar="COMMAND",
        parser_class=_SubcommandParser,
    )
    for name in SUBCOMMANDS:
        if only is None or name == only:
            importlib.import_module(f"contract_cli.{name}").register(subparsers)
            add_config_option(subparsers.choices[name])
    return parser


def _configure(parser: argparse.ArgumentParser, command: str, arguments: list[str]) -> None:
    """The command's table of the project config as its parser's defaults (raises ConfigError)."""
    table = load_table(arguments, command, SUBCOMMANDS)
    subparser = subcommand_parser(parser, command)
    if table is None:
        subparser.set_defaults(project_config=None)
        return
    sections = getattr(sys.modules[f"contract_cli.{command}"], "CONFIG_SECTIONS", ())
    apply_table(subparser, table, sections)


def main(argv: Sequence[str] | None = None) -> int:
    # Connexion imports starlette's test client at start-up, which warns about httpx; not ours to fix.
    warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = command_in(arguments, SUBCOMMANDS)
    parser = build_parser(command)
    if command is not None:
        try:
            _configure(parser, command, arguments)
        except ContractError as exc:
            if not {"-h", "--help"} & set(arguments):  # help needs no config, even a broken one
                fail(str(exc))
                return EXIT_USAGE
    args = parser.parse_args(arguments)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    table = getattr(args, "project_config", None)
    with scrubbed_output(table.secrets if table is not None else ()):
        try:
            return int(args.run(args))
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130


def run() -> NoReturn:
    """The `contract` command (the console script): `main`, then the process ends."""
    code = main()
    if command_in(sys.argv[1:], SUBCOMMANDS) in _NOTHING_TO_FINALISE:
        skip_final_collection()
    sys.exit(code)


if __name__ == "__main__":
    run()
