"""`contract verify TRAFFIC...`: hold recorded traffic (HAR, NDJSON) to the contract.

Exit 0: conformant; 1: findings; 2: could not run (an unreadable file, a bad spec or baseline, or no
exchange in the files matched the spec).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from contract_cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from contract_cli.common import (
    BaselineOptions,
    add_baseline_options,
    add_spec_option,
    fail,
    load_spec_or_none,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check recorded traffic (HAR, NDJSON) against the contract",
        description="Match each recorded exchange to its operation and run the kit's checks on it. "
        "Exit 0: conformant; 1: findings; 2: could not run (unreadable file, nothing matched the spec).",
    )
    parser.add_argument(
        "traffic",
        nargs="+",
        type=Path,
        metavar="TRAFFIC",
        help="HAR files (devtools export, Playwright recordHar, `contract proxy --record`) or "
        "NDJSON files, one exchange per line",
    )
    add_spec_option(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json", "junit", "markdown"),
        default="text",
        help="report format on stdout (default text)",
    )
    add_baseline_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    spec = load_spec_or_none(args.spec)
    if spec is None:
        return EXIT_USAGE
    from conformance.traffic.verify import counts, verify
    from conformance.traffic.verify_report import render
    from contract_core import ContractError

    try:
        baseline = BaselineOptions(args)
        result = verify(spec, args.traffic)
        baseline.apply(result)
        if result.checked:
            baseline.update("verify", result)
    except ContractError as exc:
        fail(str(exc))
        return EXIT_USAGE
    if result.checked == 0:
        fail(
            f"no exchange matched an operation of the spec, so nothing was verified ({counts(result)}); "
            "pass traffic of this API, or the spec it follows with --spec"
        )
        return EXIT_USAGE
    sys.stdout.write(render(result, args.format))
    if result.bodies_unchecked:  # a HAR exported without content: never a green
        fail(
            f"no checked exchange had its response body in the record ({result.bodies_missing} of "
            f"{result.checked}), so no response body was checked; export the HAR with content (Chrome: "
            '"Save all as HAR with content"), or record with contract proxy --record'
        )
        return EXIT_USAGE
    return EXIT_OK if result.conformant or args.update_baseline else EXIT_FINDINGS
