"""Helpers every subcommand shares: loading the spec with one clear error, printing errors, the baseline options."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contract_core import ContractError, Spec, load_spec

if TYPE_CHECKING:
    from conformance.reporting.findings import Findings


def add_spec_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--spec",
        type=Path,
        default=None,
        metavar="PATH",
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


def add_baseline_options(parser: Any) -> None:
    """`--baseline` and `--update-baseline`, the same for every command that reports findings."""
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="known findings (a JSON baseline file): reported, not failing, until their `expires`",
    )
    parser.add_argument(
        "--update-baseline",
        action="store_true",
        help="write these findings to --baseline FILE (keeping reviewers' reason/expires), exit 0",
    )


class BaselineOptions:
    """What `--baseline`/`--update-baseline` ask of a run: apply the known findings, or write them.

    The file is read before the run, so that a broken one fails fast. When updating, it is read
    (if it exists) only for the reviewers' `reason`/`expires`, which the new file keeps.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        from conformance.reporting.baseline import BaselineError, load_baseline

        if args.update_baseline and not args.baseline:
            raise BaselineError("--update-baseline needs --baseline FILE naming the file to write")
        self.path: Path | None = args.baseline
        self.updating: bool = args.update_baseline
        readable = self.path is not None and (not self.updating or self.path.exists())
        self.known = load_baseline(self.path) if readable else None

    def apply(self, result: Findings[Any]) -> None:
        """Mark the result's findings known or new (not when updating: every finding is written as it is)."""
        from conformance.reporting.baseline import apply_baseline

        if self.known is not None and not self.updating:
            apply_baseline(result, self.known)

    def update(self, command: str, result: Findings[Any]) -> None:
        """Under --update-baseline, write the result's findings to the file and say so. Not from a run
        that tested nothing: its findings are no account of the implementation (its verdict says why)."""
        from conformance.reporting.baseline import write_baseline

        # updating names a path (checked in __init__)
        if not self.updating or self.path is None or result.untested:
            return
        written = write_baseline(self.path, result, self.known)
        print(
            f"contract {command}: wrote {written} known finding(s) to {self.path}", file=sys.stderr
        )
