"""The kit's pytest plugin: the conformance suite as plain pytest tests, in your own test run.

    pytest --pyargs conformance.pytest_mode.suite --contract-base-url https://staging.example.com \\
        --contract-header "Authorization: Bearer $TOKEN" [--contract-max-examples N] \\
        [--contract-max-requests N] [--contract-rate-limit N/s] [--contract-request-timeout S] \\
        [--contract-spec PATH] [--contract-seed N] [--contract-insecure] [--contract-min-coverage PERCENT] \\
        [--contract-shard I/N]

The same Schemathesis checks and the kit's own checks run, under the same request gate, and every
exchange is counted as `contract conform` counts it: the session ends with conform's coverage table,
and a run that tested nothing (a refused credential, a wrong base path, a suite that was not collected)
fails with exit status 2 however many tests passed; `--contract-min-coverage` fails it with 1.

Installing the kit registers this module through the `pytest11` entry point `contract`, so pytest
loads it in every session, and it stays inert there: it acts only when given `--contract-base-url`,
or pytest-base-url's `--base-url` with the suite named on the command line (that option may come from
an unrelated browser suite's ini file, which must never start a contract run). `-p no:contract`
leaves it out altogether.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from conformance.engine.options import (
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_MAX_REQUESTS,
    DEFAULT_TIMEOUT,
    ConformOptions,
    parse_header,
    parse_rate_limit,
)
from conformance.engine.shards import parse_shard
from conformance.errors import InvalidOption
from contract_core.errors import ContractError

if TYPE_CHECKING:
    from conformance.pytest_mode.session import PytestRun
    from conformance.reporting.findings import RunResult
    from conformance.reporting.verdict import Verdict

SUITE = "conformance.pytest_mode.suite"  # the suite module, as --pyargs names it

# conform's name for each option (the one its errors carry) -> this plugin's: prefixed, because the
# plugin is loaded in every pytest session and must not take a name another plugin uses.
PYTEST_OPTIONS = {
    "--base-url": "--contract-base-url",
    "--spec": "--contract-spec",
    "-H": "--contract-header",
    "--max-examples": "--contract-max-examples",
    "--max-requests": "--contract-max-requests",
    "--rate-limit": "--contract-rate-limit",
    "--timeout": "--contract-request-timeout",
    "--seed": "--contract-seed",
    "--insecure": "--contract-insecure",
    "--min-coverage": "--contract-min-coverage",
    "--shard": "--contract-shard",
    "--allow-destructive": "--contract-allow-destructive",
    "--keep-created": "--contract-keep-created",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(
        "contract", f"contract conformance against a live implementation (pytest --pyargs {SUITE})"
    )
    option = group.addoption
    option("--contract-base-url", metavar="URL", help="the implementation under test")
    option("--contract-spec", metavar="PATH", help="OpenAPI file (default: the bundled contract)")
    option(
        "--contract-header",
        action="append",
        default=[],
        metavar="'Name: value'",
        help="header sent with every request; repeatable",
    )
    option(
        "--contract-max-examples",
        type=int,
        default=DEFAULT_MAX_EXAMPLES,
        metavar="N",
        help="examples per operation and phase (default: %(default)s)",
    )
    option(
        "--contract-max-requests",
        type=int,
        default=DEFAULT_MAX_REQUESTS,
        metavar="N",
        help="hard cap on requests sent; the run stops there (default: %(default)s)",
    )
    option(
        "--contract-rate-limit", metavar="N/s", help="at most N requests per second (or N/m, N/h)"
    )
    option(
        "--contract-request-timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help="per-request timeout in seconds (default: %(default)s)",
    )
    option("--contract-seed", type=int, metavar="N", help="seed for reproducible generation")
    option("--contract-insecure", action="store_true", help="do not verify TLS certificates")
    option(
        "--contract-allow-destructive",
        action="store_true",
        help="change and delete records the session did not create (a sandbox that may be wiped)",
    )
    option(
        "--contract-keep-created",
        action="store_true",
        help="leave what the session created on the server (no clean-up at the end)",
    )
    option(
        "--contract-min-coverage",
        type=float,
        metavar="PERCENT",
        help="fail (exit 1) when fewer operations than this share got a documented success",
    )
    option(
        "--contract-shard",
        metavar="I/N",
        help="run only shard I of N of the operations (as `contract conform --shard`)",
    )


# This process's session: its options, then its run, then its verdict. Module state because the test
# module builds its tests at import, before any fixture could hand it the run.
_ACTIVE: dict[str, Any] = {}


@pytest.hookimpl(trylast=True)  # after pytest-base-url has put its ini value into its option
def pytest_configure(config: pytest.Config) -> None:
    _ACTIVE.clear()
    try:
        options = options_from(config)
    except ContractError as exc:
        raise pytest.UsageError(in_pytest_terms(exc)) from None
    if options is None:
        return
    if config.getoption("dist", "no") != "no":
        raise pytest.UsageError(
            "the conformance suite cannot run under pytest-xdist (-n/--dist): each worker would keep its own "
            "request budget and coverage and the controller would see neither, so a run that tested nothing "
            "could pass; run it in one process (split CI jobs with --contract-shard I/N instead)"
        )
    _ACTIVE["options"] = options


def active_options() -> ConformOptions | None:
    """The options of this pytest session (None when the suite is not asked for); read at collection time."""
    return _ACTIVE.get("options")


def options_from(config: pytest.Config) -> ConformOptions | None:
    """The run's options, or None when the session does not ask for the contract suite."""
    base_url = config.getoption("contract_base_url") or _pytest_base_url(config)
    if not base_url:
        return None
    spec, rate, shard = (
        config.getoption(name)
        for name in ("contract_spec", "contract_rate_limit", "contract_shard")
    )
    return ConformOptions(
        base_url=base_url,
        spec_path=Path(spec) if spec else None,
        headers=dict(parse_header(text) for text in config.getoption("contract_header")),
        max_examples=config.getoption("contract_max_examples"),
        max_requests=config.getoption("contract_max_requests"),
        rate_limit=parse_rate_limit(rate) if rate else None,
        timeout=config.getoption("contract_request_timeout"),
        seed=config.getoption("contract_seed"),
        insecure=config.getoption("contract_insecure"),
        shard=parse_shard(shard) if shard else None,
        min_coverage=config.getoption("contract_min_coverage"),
        allow_destructive=config.getoption("contract_allow_destructive"),
        keep_created=config.getoption("contract_keep_created"),
    )


def _pytest_base_url(config: pytest.Config) -> str | None:
    """pytest-base-url's `--base-url` (or its ini value, or $PYTEST_BASE_URL), when the suite is named."""
    base_url = config.getoption("base_url", None)
    return (
        base_url
        if base_url and names_the_suite(config.args, config.invocation_params.dir)
        else None
    )


def names_the_suite(args: Sequence[str], invocation_dir: Path) -> bool:
    """Whether the command line names the suite, as a module (`--pyargs`) or as a file. Only then is the
    suite module collected: its name does not match pytest's `test_*.py`, so no directory run picks it up
    (a user's file that imports its test runs with --contract-base-url)."""
    suite_file = Path(__file__).with_name(SUITE.rpartition(".")[2] + ".py").resolve()
    targets = [arg.split("::")[0] for arg in args]
    return any(
        target == SUITE or (invocation_dir / target).resolve() == suite_file for target in targets
    )


def in_pytest_terms(exc: ContractError) -> str:
    """The error's message, naming this plugin's option where conform's engine named its own."""
    if isinstance(exc, InvalidOption) and exc.option in PYTEST_OPTIONS:
        exc = dataclasses.replace(exc, option=PYTEST_OPTIONS[exc.option])
    return str(exc)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Load the spec and schema and check the target answers, before collection builds the tests from them.
    A run that cannot start exits 2 with one line, as `contract conform` does (bad option values are pytest
    usage errors: 4)."""
    options = active_options()
    if options is None:
        return
    from conformance.pytest_mode.session import PytestRun

    try:
        _ACTIVE["run"] = PytestRun.start(options)
    except ContractError as exc:
        pytest.exit(f"contract conformance: {in_pytest_terms(exc)}", returncode=2)


def active_run() -> PytestRun | None:
    """This session's run (None when the suite is not asked for); the suite builds its tests from its schema."""
    return _ACTIVE.get("run")


def pytest_collection_finish(session: pytest.Session) -> None:
    run: PytestRun | None = _ACTIVE.get("run")
    if run is not None:
        labels = (_operation_label(item) for item in session.items)
        run.select([label for label in labels if label is not None])


def _operation_label(item: pytest.Item) -> str | None:
    """The operation of one of the run's tests (Schemathesis labels each with it, and it takes the run's
    fixture), wherever it was collected from: the suite module or a user's file that imports its test.
    None for another test of the session."""
    label = getattr(item, "operation_label", None)
    return label if "conform_run" in getattr(item, "fixturenames", ()) else None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Conform's verdict over what the tests exchanged: exit 2 when nothing was tested (a suite that did not
    run included), 1 under --contract-min-coverage. Only over a session that ran its tests to the end (not
    --collect-only, not interrupted)."""
    run: PytestRun | None = _ACTIVE.get("run")
    if run is None or session.config.option.collectonly or exitstatus not in (0, 1):
        return
    _ACTIVE["verdict"] = judged = _judged(run, conformant=session.testsfailed == 0)
    session.exitstatus = max(int(exitstatus), judged[1].exit_code)


def _judged(run: PytestRun, *, conformant: bool) -> tuple[RunResult | None, Verdict]:
    from conformance.reporting.verdict import NOT_TESTED, Verdict, judge

    if not run.operations:
        return None, Verdict(NOT_TESTED, (f"nothing was tested: no test of {SUITE} ran",))
    result = run.result()
    option = PYTEST_OPTIONS["--min-coverage"]
    return result, judge(
        result, run.options.min_coverage, conformant=conformant, min_coverage_option=option
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    judged: tuple[RunResult | None, Verdict] | None = _ACTIVE.get("verdict")
    if judged is None:
        return
    from conformance.reporting.report import cost_line, coverage_lines

    result, verdict = judged
    terminalreporter.write_sep("=", "contract conformance")
    if result is not None:
        for line in [*coverage_lines(result), cost_line(result)]:
            terminalreporter.write_line(line)
    for message in verdict.messages:
        terminalreporter.write_line(
            f"contract conformance: {message}", red=verdict.exit_code != 0, bold=True
        )


@pytest.fixture(scope="session")
def conform_options() -> ConformOptions:
    options = active_options()
    if options is None:
        pytest.skip("the contract suite needs --contract-base-url")
    return options


@pytest.fixture(scope="session")
def conform_run(conform_options: ConformOptions) -> Iterator[PytestRun]:
    """The session's run, with its request gate installed for every request the tests send."""
    run: PytestRun | None = _ACTIVE.get("run")
    if run is None:
        pytest.skip(f"the contract run was not started (pytest --pyargs {SUITE})")
    with run.gate.installed():
        try:
            yield run
        finally:
            # what the session created does not stay behind (an interrupted session included)
            run.clean_up()
