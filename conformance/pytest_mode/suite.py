"""The contract suite for pytest: one test per operation of the spec, against a live implementation.

    pytest --pyargs conformance.pytest_mode.suite --contract-base-url https://staging.example.com \\
        --contract-header "Authorization: Bearer $TOKEN"

The module is collected because it is named, although its name is not `test_*.py` (so a directory
run never picks it up); `pytest --help` lists the other --contract-* options (the plugin,
conformance.pytest_mode.plugin, comes with the kit). To run it within your own test tree instead,
give it a test file of its own that imports its test:

    # tests/test_contract.py
    from conformance.pytest_mode.suite import test_operation_conforms  # noqa: F401

and run `pytest tests/ --contract-base-url URL ...`. Without --contract-base-url the suite (and so
that file) is skipped, so a plain `pytest` never reaches for a live server.

The schema is built at collection time from the session's options: Schemathesis' fixture-based
lazy loader (`from_fixture`) does not work with pytest 9 (it sets `node._nodeid`). Every exchange
is recorded in the run's Tally, so the session ends with conform's coverage and verdict.
"""

from __future__ import annotations

from typing import Any

import pytest
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup

from conformance.engine import schemathesis_checks as kit_checks
from conformance.engine.budget import BudgetExhausted
from conformance.pytest_mode.plugin import active_run
from conformance.pytest_mode.session import PytestRun

RUN = active_run()
if RUN is None:
    pytest.skip("the contract suite needs --contract-base-url", allow_module_level=True)

load_all_checks()
REPLACED = [CHECKS.get_one(name) for name in kit_checks.REPLACED_CHECKS]
# A negative case whose bytes are valid as sent is none (conformance.checker.sent_request), as in conform.
NOT_NEGATIVE = [*REPLACED, CHECKS.get_one("negative_data_rejection")]
schema = RUN.schema


@schema.parametrize()
def test_operation_conforms(case: Any, conform_run: PytestRun) -> None:
    if conform_run.gate.exhausted:
        # --max-requests spent: the remaining examples are not sent (as with `contract conform`)
        return
    try:
        response = case.call()
        conform_run.tally.exchange(case, response)
        valid_as_sent = conform_run.valid_as_sent(response.request)
        case.validate_response(
            response, excluded_checks=NOT_NEGATIVE if valid_as_sent else REPLACED
        )
    except BudgetExhausted:
        return
    except (AssertionError, FailureGroup) as failure:
        # Schemathesis quotes response bodies verbatim; the secrets in them must not reach the test log.
        raise AssertionError(conform_run.redactor.text(str(failure))) from None
