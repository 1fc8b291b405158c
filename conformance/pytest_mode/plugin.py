"""The conformance suites as plain pytest tests, for teams that want them in their own test run.

    pytest conformance/ --base-url https://staging.example.com --header 'Authorization: Bearer ...'

or, with the kit installed, `pytest --pyargs conformance --base-url ...`. The same Schemathesis
checks and the kit's own checks run, under the same request gate (`--max-requests`, `--rate-limit`),
and every exchange is counted as `contract conform` counts it: the session ends with conform's
coverage table, and a run that tested nothing (a refused credential, a wrong base path) fails with
exit status 2 however many tests passed; `--min-coverage` fails it with 1.
Without `--base-url` the suite is skipped, so a plain `pytest` never reaches for a live server.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
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
from contract_core.errors import ContractError

if TYPE_CHECKING:
    from conformance.pytest_mode.session import PytestRun
    from conformance.reporting.findings import RunResult
    from conformance.reporting.verdict import Verdict


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(
        "contract-conform", "contract conformance against a live implementation"
    )
    _add(group, "--base-url", dest="conform_base_url", help="the implementation under test")
    group.addoption(
        "--spec", dest="conform_spec", help="OpenAPI file (default: the bundled contract)"
    )
    group.addoption(
        "--header",
        dest="conform_headers",
        action="append",
        default=[],
        metavar="'Name: value'",
        help="header sent with every request; repeatable",
    )
    group.addoption(
        "--max-examples", dest="conform_max_examples", type=int, default=DEFAULT_MAX_EXAMPLES
    )
    group.addoption(
        "--max-requests", dest="conform_max_requests", type=int, default=DEFAULT_MAX_REQUESTS
    )
    group.addoption("--rate-limit", dest="conform_rate_limit", metavar="N/s")
    group.addoption(
        "--request-timeout", dest="conform_timeout", type=float, default=DEFAULT_TIMEOUT
    )
    group.addoption("--conform-seed", dest="conform_seed", type=int)
    group.addoption("--insecure", dest="conform_insecure", action="store_true")
    group.addoption(
        "--min-coverage",
        dest="conform_min_coverage",
        type=float,
        metavar="PERCENT",
        help="fail (exit 1) when fewer operations than this share got a documented success",
    )
    group.addoption(
        "--shard",
        dest="conform_shard",
        metavar="I/N",
        help="run only shard I of N of the operations (as `contract conform --shard`)",
    )


def _add(group: Any, name: str, **kwargs: Any) -> None:
    # pytest-base-url already owns --base-url; we read its value then
    with contextlib.suppress(ValueError):
        group.addoption(name, **kwargs)


# This process's session: its options, then its run, then its verdict. Module state because the test
# module builds its tests at import, before any fixture could hand it the run.
_ACTIVE: dict[str, Any] = {}


def pytest_configure(config: pytest.Config) -> None:
    _ACTIVE.clear()
    try:
        _ACTIVE["options"] = options_from(config)
    except ContractError as exc:
        raise pytest.UsageError(str(exc)) from None
    if _ACTIVE["options"] is not None and config.getoption("dist", "no") != "no":
        raise pytest.UsageError(
            "the conformance suite cannot run under pytest-xdist (-n/--dist): each worker would keep its own "
            "request budget and coverage and the controller would see neither, so a run that tested nothing "
            "could pass; run it in one process (split CI jobs with --shard I/N instead)"
        )


def active_options() -> ConformOptions | None:
    """The options of this pytest session (None without --base-url); read at collection time."""
    return _ACTIVE.get("options")


def options_from(config: pytest.Config) -> ConformOptions | None:
    base_url = config.getoption("conform_base_url", None) or config.getoption("base_url", None)
    if not base_url:
        return None
    rate, shard = config.getoption("conform_rate_limit"), config.getoption("conform_shard")
    return ConformOptions(
        base_url=base_url,
        spec_path=Path(config.getoption("conform_spec"))
        if config.getoption("conform_spec")
        else None,
        headers=dict(parse_header(text) for text in config.getoption("conform_headers")),
        max_examples=config.getoption("conform_max_examples"),
        max_requests=config.getoption("conform_max_requests"),
        rate_limit=parse_rate_limit(rate) if rate else None,
        timeout=config.getoption("conform_timeout"),
        seed=config.getoption("conform_seed"),
        insecure=config.getoption("conform_insecure"),
        shard=parse_shard(shard) if shard else None,
        min_coverage=config.getoption("conform_min_coverage"),
    )


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
        pytest.exit(f"contract conformance: {exc}", returncode=2)


def active_run() -> PytestRun | None:
    """This session's run (None without --base-url); the test module builds its tests from its schema."""
    return _ACTIVE.get("run")


def pytest_collection_finish(session: pytest.Session) -> None:
    run: PytestRun | None = _ACTIVE.get("run")
    if run is not None:
        run.select([item.operation_label for item in session.items if _is_run_by(item, run)])


def _is_run_by(item: pytest.Item, run: PytestRun) -> bool:
    """One of the run's tests (Schemathesis labels each with its operation), not another test of the session."""
    module = getattr(item, "module", None)
    return (
        getattr(item, "operation_label", None) is not None and getattr(module, "RUN", None) is run
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Conform's verdict over what the tests exchanged: exit 2 when nothing was tested, 1 under --min-coverage.
    Only over a session that ran its tests to the end (not --collect-only, not interrupted)."""
    run: PytestRun | None = _ACTIVE.get("run")
    if (
        run is None
        or not run.operations
        or session.config.option.collectonly
        or exitstatus not in (0, 1)
    ):
        return
    from conformance.reporting.verdict import judge

    result = run.result()
    verdict = judge(result, run.options.min_coverage, conformant=session.testsfailed == 0)
    _ACTIVE["verdict"] = (result, verdict)
    session.exitstatus = max(int(exitstatus), verdict.exit_code)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    judged: tuple[RunResult, Verdict] | None = _ACTIVE.get("verdict")
    if judged is None:
        return
    from conformance.reporting.report import cost_line, coverage_lines

    result, verdict = judged
    terminalreporter.write_sep("=", "contract conformance")
    for line in [*coverage_lines(result), cost_line(result)]:
        terminalreporter.write_line(line)
    for message in verdict.messages:
        terminalreporter.write_line(
            f"contract conformance: {message}", red=verdict.exit_code != 0, bold=True
        )


@pytest.fixture(scope="session")
def conform_options(pytestconfig: pytest.Config) -> ConformOptions:
    options = options_from(pytestconfig)
    if options is None:
        pytest.skip("conformance suites need --base-url")
    return options


@pytest.fixture(scope="session")
def conform_run(conform_options: ConformOptions) -> Iterator[PytestRun]:
    """The session's run, with its request gate installed for every request the tests send."""
    run: PytestRun | None = _ACTIVE.get("run")
    if run is None:
        pytest.skip("the conformance run was not collected (conformance/test_live_contract.py)")
    with run.gate.installed():
        yield run
