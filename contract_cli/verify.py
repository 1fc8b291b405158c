"""`contract verify TRAFFIC...`: hold recorded traffic (HAR, NDJSON) to the contract.

Exit 0: conformant; 1: findings; 2: could not run (an unreadable file, a bad spec or baseline, or no
exchange in the files matched the spec).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from contract_cli import EXIT_USAGE
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
    from conformance.reporting.verdict import judge
    from conformance.traffic.verify import verify
    from conformance.traffic.verify_report import render
    from contract_core import ContractError

    try:
        baseline = BaselineOptions(args)
        result = verify(spec, args.traffic)
        baseline.apply(result)
        baseline.update("verify", result)
    except ContractError as exc:
        fail(str(exc))
        return EXIT_USAGE
    if result.checked:  # with nothing matched, the verdict's message tells what the files held
        sys.stdout.write(render(result, args.format))
    verdict = judge(result, updating_baseline=baseline.updating)
    for message in verdict.messages:
        fail(message)
    return verdict.exit_code
