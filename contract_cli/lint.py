"""`contract lint [SPEC ...]`: lint OpenAPI specs; exit 1 when a finding reaches --fail-on, 2 on unreadable files
or a bad ignore file or [lint.rules]."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contract_cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from contract_cli.common import fail
from contract_core import ContractError, bundled_spec_path
from contract_core.collector import collector_paused

if TYPE_CHECKING:
    from contract_core.findings_file import FindingsFile
    from contract_spectools.lint import LintResult
    from contract_spectools.lint.catalogue import Catalogue, RuleSettings
    from contract_spectools.lint.findings import LintFinding
    from contract_spectools.lint.ignores import Ignored
    from contract_spectools.rulesets.loader import Ruleset

# [lint.rules] is a table of rule severities, not an option: read here, not by the option mapping.
CONFIG_SECTIONS = ("rules",)
# Found in the working directory when neither --ruleset nor `[lint] ruleset` names one (Spectral's names).
DISCOVERED_RULESETS = (".spectral.yaml", ".spectral.yml", ".spectral.json")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="lint OpenAPI specs (structure, $refs, recursion, examples, operations, security, servers)",
        description="Lint OpenAPI 3.0/3.1 specs. Exit 0: clean (below --fail-on, or every finding in "
        "--ignore); 1: findings at or above --fail-on; 2: a file cannot be read or parsed, a bad "
        "ruleset, the ignore file or [lint.rules] is wrong, or --timeout passed.",
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
        choices=("error", "warning", "info", "hint"),
        default="error",
        help="lowest severity that fails the run (default: error)",
    )
    parser.add_argument(
        "--ignore",
        type=Path,
        metavar="FILE",
        help="accepted findings (a JSON findings file): reported as excused until their `expires`",
    )
    parser.add_argument(
        "--update-ignore",
        action="store_true",
        help="write these findings to --ignore FILE (keeping reviewers' reason/expires), exit 0",
    )
    parser.add_argument(
        "--list-rules",
        action="store_true",
        help="print every rule with its severity and where it comes from, and exit",
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
    try:
        # No cyclic collection while the ruleset's modules are imported and its rules built: they
        # set off 20 that walked every module. Each spec's lint pauses the collector on its own.
        with collector_paused():
            ruleset = _ruleset(args)
            settings, catalogue = _rules(args, ruleset)
        if args.list_rules:
            sys.stdout.write(_rule_list(settings, catalogue, args.format))
            return EXIT_OK
        previous = _previous_ignores(args)
        return _lint(args, settings, previous, ruleset)
    except ContractError as exc:
        fail(str(exc))
        return EXIT_USAGE


def _rules(args: argparse.Namespace, ruleset: Ruleset | None) -> tuple[RuleSettings, Catalogue]:
    # Imported here so that `contract --help` stays fast.
    from contract_spectools.lint.catalogue import CatalogueRule, RuleSettings, kit_catalogue

    table = getattr(args, "project_config", None)
    settings = RuleSettings.from_table(table.sub("rules") if table is not None else None)
    catalogue = kit_catalogue()
    # before the check: a [lint.rules] name is unknown only once every source has loaded. Only the
    # check and --list-rules read the catalogue, and a ruleset rule's source (FILE:LINE) costs a YAML
    # read of its file: without either, the run reads the lines of the rules it reports only.
    if ruleset is not None and (args.list_rules or settings.settings):
        catalogue.add(
            CatalogueRule(r.name, r.effective_severity, r.description, r.source)
            for r in ruleset.rules.values()
        )
    settings.check_known(catalogue)
    return settings, catalogue


def _previous_ignores(args: argparse.Namespace) -> FindingsFile | None:
    if args.update_ignore and args.ignore is None:
        raise ContractError("--update-ignore needs --ignore FILE naming the file to write")
    if args.ignore is None or (args.update_ignore and not args.ignore.exists()):
        return None
    # imported here, as below: the findings file costs 2 ms of start-up and most runs have no --ignore
    from contract_spectools.lint.ignores import read_ignores

    return read_ignores(args.ignore)


def _lint(
    args: argparse.Namespace,
    settings: RuleSettings,
    previous: FindingsFile | None,
    ruleset: Ruleset | None,
) -> int:
    from contract_spectools.lint import reaches
    from contract_spectools.lint.report import LintReport, render

    paths = args.specs or [str(bundled_spec_path())]
    results = _linted(args, paths, settings, ruleset)
    findings = [finding for result in results for finding in result.findings]
    if ruleset is None:  # with a ruleset its runner applied them, below its file/pointer overrides
        findings = settings.apply(findings)
    loaded = all(result.loaded for result in results)
    if args.update_ignore and loaded:
        from contract_spectools.lint.ignores import write_ignores

        written = write_ignores(args.ignore, findings, previous)
        print(
            f"contract lint: wrote {written} accepted finding(s) to {args.ignore}", file=sys.stderr
        )
        return EXIT_OK
    ignored = _ignored(findings, previous)
    reported = ignored.reported if ignored is not None else findings
    extra = [rule.as_rule() for rule in ruleset.rules.values()] if ruleset is not None else []
    report = LintReport(reported, ignored, settings.severity_map(), extra_rules=extra)
    sys.stdout.write(render(report, args.format))
    if not loaded:
        return EXIT_USAGE
    return EXIT_FINDINGS if reaches(reported, args.fail_on) else EXIT_OK


def _ignored(findings: list[LintFinding], previous: FindingsFile | None) -> Ignored | None:
    if previous is None:
        return None
    from contract_spectools.lint.ignores import apply_ignores

    return apply_ignores(findings, previous)


def _linted(
    args: argparse.Namespace, paths: list[str], settings: RuleSettings, ruleset: Ruleset | None
) -> list[LintResult]:
    """Each spec linted by the kit's rules, and the ruleset's when there is one; raises LintTimeout."""
    from contract_spectools.lint import lint_file
    from contract_spectools.rulesets.combined import lint_file_with_ruleset
    from contract_spectools.rulesets.runner import Deadline

    if ruleset is None:
        return [lint_file(path) for path in paths]
    deadline = Deadline(args.timeout) if args.timeout else None  # one deadline for the whole run
    severities = settings.severity_map()
    return [
        lint_file_with_ruleset(path, ruleset, severities=severities, deadline=deadline)
        for path in paths
    ]


def _ruleset(args: argparse.Namespace) -> Ruleset | None:
    """--ruleset, `[lint] ruleset`, or a .spectral.* file here; raises RulesetError when it is wrong."""
    from contract_spectools.rulesets.loader import load_ruleset

    if args.timeout is not None and args.timeout <= 0:
        raise ContractError("--timeout must be a number of seconds above 0")
    found = args.ruleset or next(
        (Path(name) for name in DISCOVERED_RULESETS if Path(name).is_file()), None
    )
    return load_ruleset(found) if found is not None else None


def _rule_list(settings: RuleSettings, catalogue: Catalogue, fmt: str) -> str:
    rules = settings.active(catalogue)
    if fmt == "json":
        listed = [
            {
                "name": r.name,
                "severity": r.severity,
                "source": r.source,
                "description": r.description,
            }
            for r in rules
        ]
        return json.dumps({"rules": listed}, indent=2) + "\n"
    width = max(len(r.name) for r in rules)
    return "".join(f"{r.name:<{width}}  {r.severity:<7}  {r.source}\n" for r in rules)
