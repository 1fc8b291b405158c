"""The live conformance suite (`pytest conformance/ --base-url URL`): one test per operation.

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
schema = RUN.schema


@schema.parametrize()
def test_operation_conforms(case: Any, conform_run: PytestRun) -> None:
    if conform_run.gate.exhausted:
        # --max-requests spent: the remaining examples are not sent (as with `contract conform`)
        return
    try:
        response = case.call()
        conform_run.tally.exchange(case, response)
        case.validate_response(response, excluded_checks=REPLACED)
    except BudgetExhausted:
        return
    except (AssertionError, FailureGroup) as failure:
        # Schemathesis quotes response bodies verbatim; the secrets in them must not reach the test log.
        raise AssertionError(conform_run.redactor.text(str(failure))) from None
