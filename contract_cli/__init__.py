"""`contract`: the kit's one command line. Each subcommand lives in its own module here.

A subcommand module has `register(subparsers)`, which adds its parser and sets `run`, a function
taking the parsed arguments and returning the exit code. Library code never prints or exits;
only these modules do.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence

# Subcommand modules, in the order `contract --help` lists them.
SUBCOMMANDS: tuple[str, ...] = ("mock", "fixture", "lint", "diff", "conform", "proxy", "verify")

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; `only` registers just that subcommand (start-up: `mock` imports Connexion,
    a second that `contract lint` and `contract diff` in a pre-commit hook should not pay)."""
    parser = argparse.ArgumentParser(
        prog="contract",
        description="OpenAPI contract kit: fixtures, mock server, conformance and linting from one spec.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        if only is None or name == only:
            importlib.import_module(f"contract_cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Connexion imports starlette's test client at start-up, which warns about httpx; not ours to fix.
    warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments[0] if arguments and arguments[0] in SUBCOMMANDS else None)
    args = parser.parse_args(arguments)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
