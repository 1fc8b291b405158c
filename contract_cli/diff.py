"""`contract diff BASE REVISION`: changes that can break old clients; exit 1 when one reaches --fail-on, 2 when
an input cannot be read."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from contract_cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from contract_cli.common import fail
from contract_core import ContractError

_FORMATS = ("text", "json", "markdown", "github", "junit", "sarif")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="breaking changes between two OpenAPI documents (files or git:REV:PATH)",
        description="Compare two OpenAPI 3.0/3.1 documents, direction-aware and structurally ($refs resolved, "
        "recursion followed once). Exit 0: no change at or above --fail-on; 1: there is one; 2: an input "
        "cannot be read.",
    )
    parser.add_argument("base", metavar="BASE", help="the old document: a file, or git:REV:PATH")
    parser.add_argument("revision", metavar="REVISION", help="the new document: a file, or git:REV:PATH")
    parser.add_argument("--format", choices=_FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--fail-on", choices=("error", "warning", "info"), default="error",
                        help="lowest severity that fails the run (default: error)")
    parser.add_argument("--all", action="store_true", help="print every change, safe ones (info) included")
    parser.add_argument("--ignore", metavar="FILE", help="fingerprints not to report, one a line with a reason")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here so that `contract --help` stays fast.
    from conformance.diff import at_least, diff_inputs
    from conformance.diff.ignore import read_ignore_file
    from conformance.diff.report import render

    try:
        ignore = read_ignore_file(args.ignore) if args.ignore else None
        result = diff_inputs(args.base, args.revision, ignore)
    except ContractError as exc:
        fail(str(exc))
        return EXIT_USAGE
    shown = result.changes if args.all else at_least(result.changes, "warning")
    sys.stdout.write(render(result, shown, args.format, colour=sys.stdout.isatty()))
    return EXIT_FINDINGS if at_least(result.changes, args.fail_on) else EXIT_OK
