"""`contract lint [SPEC ...]`: lint OpenAPI specs; exit 1 when a finding reaches --fail-on, 2 on unreadable files."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from contract_cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from contract_core import bundled_spec_path


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="lint OpenAPI specs (structure, $refs, recursion, examples, operations, security, servers)",
        description="Lint OpenAPI 3.0/3.1 specs. Exit 0: clean (below --fail-on); 1: findings at or above "
        "--fail-on; 2: a file cannot be read or parsed.",
    )
    parser.add_argument(
        "specs", nargs="*", metavar="SPEC", help="spec files (default: the bundled contract)"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "github", "sarif"),
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="lowest severity that fails the run (default: error)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here so that `contract --help` stays fast.
    from contract_spectools.lint import lint_file, reaches
    from contract_spectools.lint.report import render

    paths = args.specs or [str(bundled_spec_path())]
    results = [lint_file(path) for path in paths]
    findings = [finding for result in results for finding in result.findings]
    sys.stdout.write(render(findings, args.format))
    if not all(result.loaded for result in results):
        return EXIT_USAGE
    return EXIT_FINDINGS if reaches(findings, args.fail_on) else EXIT_OK
