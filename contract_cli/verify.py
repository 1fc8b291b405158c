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
from contract_cli.common import add_spec_option, fail, load_spec_or_none


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check recorded traffic (HAR, NDJSON) against the contract",
        description="Match each recorded exchange to its operation and run the kit's checks on it. "
        "Exit 0: conformant; 1: findings; 2: could not run (unreadable file, nothing matched the spec).",
    )
    parser.add_argument("traffic", nargs="+", type=Path, metavar="TRAFFIC",
                        help="HAR files (devtools export, Playwright recordHar, `contract proxy --record`) or "
                        "NDJSON files, one exchange per line")
    add_spec_option(parser)
    parser.add_argument("--format", choices=("text", "json", "junit", "markdown"), default="text",
                        help="report format on stdout (default text)")
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="known findings (conform's baseline file): reported, not failing, until `expires`")
    parser.add_argument("--update-baseline", action="store_true",
                        help="write these findings to --baseline FILE (keeping reviewers' reason/expires), exit 0")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    spec = load_spec_or_none(args.spec)
    if spec is None:
        return EXIT_USAGE
    from conformance.baseline import load_baseline, write_baseline
    from contract_core import ContractError
    from traffic.verify import verify
    from traffic.verify_report import counts, render

    if args.update_baseline and not args.baseline:
        fail("--update-baseline needs --baseline FILE naming the file to write")
        return EXIT_USAGE
    try:
        applied = None if args.update_baseline else args.baseline
        result = verify(spec, args.traffic, applied)
        if result.checked and args.update_baseline:
            previous = load_baseline(args.baseline) if args.baseline.exists() else None
            written = write_baseline(args.baseline, result, previous)  # type: ignore[arg-type]  # findings, spec
            print(f"contract verify: wrote {written} known finding(s) to {args.baseline}", file=sys.stderr)
    except ContractError as exc:
        fail(str(exc))
        return EXIT_USAGE
    if result.checked == 0:
        fail(f"no exchange matched an operation of the spec, so nothing was verified ({counts(result)}); "
             "pass traffic of this API, or the spec it follows with --spec")
        return EXIT_USAGE
    sys.stdout.write(render(result, args.format))
    return EXIT_OK if result.conformant or args.update_baseline else EXIT_FINDINGS
