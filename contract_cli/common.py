"""Helpers every subcommand shares: loading the spec with one clear error, printing errors."""

from __future__ import annotations

import sys
from pathlib import Path

from contract_core import ContractError, Spec, load_spec


def add_spec_option(parser: object) -> None:
    parser.add_argument(  # type: ignore[attr-defined]
        "--spec", type=Path, default=None, metavar="PATH",
        help="OpenAPI 3.0/3.1 document (YAML or JSON); default: the bundled api-tokens contract",
    )


def fail(message: str) -> None:
    """One line on stderr, prefixed with the program name; never a traceback."""
    print(f"contract: error: {message}", file=sys.stderr)


def load_spec_or_none(path: Path | None) -> Spec | None:
    try:
        return load_spec(path)
    except ContractError as exc:
        fail(str(exc))
        return None
