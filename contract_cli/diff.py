"""`contract diff BASE REVISION`: changes that can break old clients; exit 1 when one reaches --fail-on, 2 when
an input cannot be read. `--against-merge-base=REF SPEC...` compares each spec with itself at the merge base
(the pre-commit hook)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from contract_cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from contract_cli.common import fail
from contract_core import ContractError

_DEPRECATED = (
    "contract diff: {path}: one fingerprint a line is deprecated (it keys on message text); write it as "
    "a findings file, each entry's rule, base and revision from `--format json` (see docs/diff.md)"
)
_FORMATS = ("text", "json", "markdown", "github", "junit", "sarif")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "diff",
        usage="contract diff BASE REVISION [options]\n"
        "       contract diff --against-merge-base=REF SPEC [SPEC ...] [options]",
        help="breaking changes between two OpenAPI documents (files or git:REV:PATH)",
        description="Compare two OpenAPI 3.0/3.1 documents, direction-aware and structurally ($refs resolved, "
        "recursion followed once). Exit 0: no change at or above --fail-on; 1: there is one; 2: an input "
        "cannot be read.",
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="BASE REVISION | SPEC",
        help="the old and the new document: files, or git:REV:PATH (with --against-merge-base: "
        "the specs to check)",
    )
    parser.add_argument(
        "--format", choices=_FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        default="error",
        help="lowest severity that fails the run (default: error)",
    )
    parser.add_argument(
        "--all", action="store_true", help="print every change, safe ones (info) included"
    )
    parser.add_argument(
        "--ignore",
        metavar="FILE",
        help="accepted changes (a JSON findings file: rule, base, revision, reason, expires); "
        "the older one-fingerprint-a-line file is still read (deprecated)",
    )
    parser.add_argument(
        "--against-merge-base",
        metavar="REF",
        help="compare each SPEC with its version at `git merge-base HEAD REF` (pre-commit)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        pairs = _pairs(args)
    except ContractError as exc:
        fail(str(exc))
        return EXIT_USAGE
    if pairs is None:
        return EXIT_USAGE
    return max((_run_pair(args, base, revision) for base, revision in pairs), default=EXIT_OK)


def _pairs(args: argparse.Namespace) -> list[tuple[str, str]] | None:
    from contract_spectools.diff.inputs import exists_at, merge_base

    if args.against_merge_base is None:
        if len(args.inputs) != 2:
            fail(
                f"expected BASE REVISION, got {len(args.inputs)} argument(s); "
                "or use --against-merge-base=REF SPEC... to compare specs with the merge base"
            )
            return None
        return [(args.inputs[0], args.inputs[1])]
    base = merge_base(args.against_merge_base)
    new = [path for path in args.inputs if not exists_at(base, path)]
    for path in new:
        print(
            f"{path}: new since the merge base {base[:12]}, no old clients to break",
            file=sys.stderr,
        )
    return [(f"git:{base}:{path}", path) for path in args.inputs if path not in new]


def _run_pair(args: argparse.Namespace, base: str, revision: str) -> int:
    # Imported here so that `contract --help` stays fast.
    from contract_spectools.diff import at_least, diff_inputs
    from contract_spectools.diff.ignore import read_ignore_file
    from contract_spectools.diff.report import render

    try:
        ignore = read_ignore_file(args.ignore) if args.ignore else None
        result = diff_inputs(base, revision, ignore)
        if ignore is not None and ignore.deprecated:
            print(_DEPRECATED.format(path=args.ignore), file=sys.stderr)
    except ContractError as exc:
        fail(str(exc))
        return EXIT_USAGE
    shown = result.changes if args.all else at_least(result.changes, "warning")
    sys.stdout.write(render(result, shown, args.format, colour=sys.stdout.isatty()))
    return EXIT_FINDINGS if at_least(result.changes, args.fail_on) else EXIT_OK
