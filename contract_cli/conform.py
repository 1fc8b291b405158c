"""`contract conform --base-url URL`: hold a live implementation to the contract.

Exit 0: conformant (no finding outside the baseline); 1: findings, or coverage under --min-coverage;
2: could not run or tested nothing (unreachable URL, bad spec, bad options, no operation got a
documented success for a valid request), with one message and no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from contract_cli import EXIT_USAGE
from contract_cli.common import BaselineOptions, add_baseline_options

_TESTING_PHASES = ("examples", "coverage", "fuzzing", "stateful")
# [conform]'s tables that are not options: values that exist on the server, how to authenticate
CONFIG_SECTIONS = ("data", "auth")


def register(subparsers: Any) -> None:
    from conformance.engine.options import (
        DEFAULT_MAX_EXAMPLES,
        DEFAULT_MAX_REQUESTS,
        DEFAULT_TIMEOUT,
    )
    from conformance.engine.rate_limits import DEFAULT_MAX_WAIT

    parser = subparsers.add_parser(
        "conform",
        help="test a live implementation against the contract (Schemathesis + the kit's checks)",
        description="Generate requests from the spec, send them to a live implementation and check every "
        "answer. Exit 0: conformant; 1: findings; 2: could not run.",
    )
    parser.add_argument(
        "--base-url", required=True, help="where the implementation listens, e.g. https://staging"
    )
    parser.add_argument("--spec", type=Path, help="OpenAPI file (default: the bundled contract)")
    parser.add_argument(
        "-H",
        "--header",
        dest="headers",
        action="append",
        default=[],
        metavar="'Name: value'",
        help="header sent with every request (credentials are redacted in all output)",
    )
    parser.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="OPERATION_ID",
        help="test only this operation (operationId or 'METHOD /path'); repeatable",
    )
    parser.add_argument(
        "--max-examples",
        type=int,
        default=DEFAULT_MAX_EXAMPLES,
        metavar="N",
        help=f"examples per operation and phase (default: {DEFAULT_MAX_EXAMPLES})",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=DEFAULT_MAX_REQUESTS,
        metavar="N",
        help=f"hard cap on requests sent; the run stops there (default: {DEFAULT_MAX_REQUESTS})",
    )
    parser.add_argument(
        "--max-requests-per-operation",
        type=int,
        default=None,
        metavar="N",
        help="cap per operation (default: an equal share of --max-requests, at least 25)",
    )
    parser.add_argument(
        "--rate-limit", metavar="N/s", help="at most N requests per second (or N/m, N/h)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"per-request timeout in seconds (default: {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--max-wait",
        type=float,
        default=DEFAULT_MAX_WAIT,
        metavar="SECONDS",
        help="waiting out the server's rate limit (429, or 503 with Retry-After) may take this long "
        f"in all; past it a 429 is the answer (default: {DEFAULT_MAX_WAIT:g})",
    )
    parser.add_argument("--seed", type=int, help="seed for reproducible generation")
    parser.add_argument("--junit-xml", type=Path, metavar="FILE", help="write a JUnit XML report")
    parser.add_argument("--report-json", type=Path, metavar="FILE", help="write a JSON report")
    parser.add_argument(
        "--summary-md",
        type=Path,
        metavar="FILE",
        help="write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)",
    )
    parser.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="Schemathesis workers (threads); --max-requests and --rate-limit hold across them",
    )
    parser.add_argument(
        "--shard",
        metavar="I/N",
        help="run only shard I of N (a stable, disjoint share of the "
        "operations; N jobs together cover the spec)",
    )
    parser.add_argument(
        "--min-coverage",
        type=float,
        metavar="PERCENT",
        help="fail (exit 1) when fewer operations than this share got a documented success",
    )
    parser.add_argument(
        "--allow-destructive",
        action="store_true",
        help="also change and delete records the run did not create (a sandbox that may be wiped); "
        "by default only what the run created, or [conform.data] lists, is changed",
    )
    parser.add_argument(
        "--keep-created",
        action="store_true",
        help="leave what the run created on the server (no clean-up at the end)",
    )
    add_baseline_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here so that `contract --help` stays fast.
    from conformance.engine.runner import run_conformance
    from contract_core import ContractError, load_spec

    try:
        spec = load_spec(args.spec)
        options = _options(args, spec)
        baseline = BaselineOptions(args)
        result = run_conformance(
            options, _progress_printer(sys.stderr, options.max_requests), spec=spec
        )
        baseline.apply(result)
        _write_reports(args, result)
        baseline.update("conform", result)
    except ContractError as exc:
        print(f"contract conform: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"contract conform: cannot write report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return _exit_code(result, options.min_coverage, updating_baseline=baseline.updating)


def _write_reports(args: argparse.Namespace, result: Any) -> None:
    from conformance.reporting.report import render_json, render_junit, render_markdown, render_text

    sys.stdout.write(render_text(result))
    if args.junit_xml:
        args.junit_xml.write_text(render_junit(result), encoding="utf-8")
    if args.report_json:
        args.report_json.write_text(render_json(result), encoding="utf-8")
    markdown = (
        render_markdown(result) if args.summary_md or os.environ.get("GITHUB_STEP_SUMMARY") else ""
    )
    if args.summary_md:
        args.summary_md.write_text(markdown, encoding="utf-8")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as summary:
            summary.write(markdown + "\n")


def _exit_code(result: Any, min_coverage: float | None, *, updating_baseline: bool) -> int:
    from conformance.reporting.verdict import judge

    verdict = judge(result, min_coverage, updating_baseline=updating_baseline)
    for message in verdict.messages:
        print(f"contract conform: {message}", file=sys.stderr)
    return verdict.exit_code


def _options(args: argparse.Namespace, spec: Any) -> Any:
    from conformance.engine.options import ConformOptions, parse_header, parse_rate_limit
    from conformance.engine.project import project_settings
    from conformance.engine.shards import parse_shard

    table = getattr(args, "project_config", None)  # contract.toml's [conform], or None
    return ConformOptions(
        base_url=args.base_url,
        spec_path=args.spec,
        headers=dict(parse_header(text) for text in args.headers),
        include=tuple(args.include),
        max_examples=args.max_examples,
        max_requests=args.max_requests,
        max_requests_per_operation=args.max_requests_per_operation,
        rate_limit=parse_rate_limit(args.rate_limit) if args.rate_limit else None,
        timeout=args.timeout,
        max_wait=args.max_wait,
        seed=args.seed,
        insecure=args.insecure,
        workers=args.workers,
        shard=parse_shard(args.shard) if args.shard else None,
        min_coverage=args.min_coverage,
        allow_destructive=args.allow_destructive,
        keep_created=args.keep_created,
        **project_settings(table, spec),
    )


def _progress_printer(stream: TextIO, max_requests: int) -> Any:
    """A one-line bar on a terminal, plain lines elsewhere (CI logs)."""
    interactive = stream.isatty()
    done: list[str] = []

    def show(progress: Any) -> None:
        if (
            progress.kind == "phase"
            and progress.status != "started"
            and progress.phase in _TESTING_PHASES
        ):
            done.append(progress.phase)
        if interactive:
            filled = len(done) * 20 // len(_TESTING_PHASES)
            bar = "#" * filled + "." * (20 - filled)
            stream.write(
                f"\r[{bar}] {progress.phase:<10} {progress.requests_sent}/{max_requests} requests "
            )
            if len(done) == len(_TESTING_PHASES):
                stream.write("\n")
        elif progress.kind == "scenario":
            stream.write(
                f"{progress.phase}: {progress.label}: {progress.status} "
                f"({progress.requests_sent} requests sent)\n"
            )
        stream.flush()

    return show
