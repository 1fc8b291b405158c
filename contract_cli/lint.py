"""`contract lint [SPEC ...]`: lint OpenAPI specs; exit 1 when a finding reaches --fail-on, 2 on unreadable files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contract_cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from contract_cli.common import fail
from contract_core import bundled_spec_path
from contract_core.errors import ContractError

if TYPE_CHECKING:
    from contract_spectools.lint import LintResult, Rule

# Found in the working directory when neither --ruleset nor `[lint] ruleset` names one (Spectral's names).
DISCOVERED_RULESETS = (".spectral.yaml", ".spectral.yml", ".spectral.json")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="lint OpenAPI specs (structure, $refs, recursion, examples, operations, security, servers)",
        description="Lint OpenAPI 3.0/3.1 specs. Exit 0: clean (below --fail-on); 1: findings at or above "
        "--fail-on; 2: a file cannot be read or parsed, a bad ruleset, or --timeout passed.",
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
    parser.add_argument(
        "--ruleset",
        type=Path,
        metavar="FILE",
        help="a Spectral ruleset (YAML or JSON) run beside the kit's rules "
        "(default: .spectral.yaml/.yml/.json in the working directory)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="stop a ruleset run that takes longer, naming the rule that was running (exit 2)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here so that `contract --help` stays fast.
    from contract_spectools.lint import lint_file, reaches
    from contract_spectools.lint.report import render

    paths = args.specs or [str(bundled_spec_path())]
    if args.timeout is not None and args.timeout <= 0:
        fail("--timeout must be a number of seconds above 0")
        return EXIT_USAGE
    ruleset_file = args.ruleset or _discovered_ruleset()
    extra: list[Rule] = []
    try:
        if ruleset_file is None:
            results = [lint_file(path) for path in paths]
        else:
            results, extra = _with_ruleset(ruleset_file, paths, args.timeout)
    except ContractError as exc:
        fail(str(exc))
        return EXIT_USAGE
    findings = [finding for result in results for finding in result.findings]
    sys.stdout.write(render(findings, args.format, extra))
    if not all(result.loaded for result in results):
        return EXIT_USAGE
    return EXIT_FINDINGS if reaches(findings, args.fail_on) else EXIT_OK


def _discovered_ruleset() -> Path | None:
    return next((Path(name) for name in DISCOVERED_RULESETS if Path(name).is_file()), None)


def _with_ruleset(
    ruleset_file: Path, paths: list[str], timeout: float | None
) -> tuple[list[LintResult], list[Rule]]:
    """Each spec linted with the ruleset; raises RulesetError (load) or LintTimeout (run)."""
    from contract_spectools.rulesets.combined import lint_file_with_ruleset
    from contract_spectools.rulesets.loader import load_ruleset
    from contract_spectools.rulesets.runner import Deadline

    ruleset = load_ruleset(ruleset_file)
    deadline = Deadline(timeout) if timeout else None  # one deadline for the whole run
    results = [lint_file_with_ruleset(path, ruleset, deadline=deadline) for path in paths]
    return results, [rule.as_rule() for rule in ruleset.rules.values()]
