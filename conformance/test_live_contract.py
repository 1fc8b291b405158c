"""The live conformance suite (`pytest conformance/ --base-url URL`): one test per operation.

The schema is built at collection time from the session's options: Schemathesis' fixture-based
lazy loader (`from_fixture`) does not work with pytest 9 (it sets `node._nodeid`).
"""

from __future__ import annotations

from typing import Any

import pytest
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup

from conformance import checks as kit_checks
from conformance.budget import BudgetExhausted, RequestGate
from conformance.pytest_plugin import active_options, load_schema
from conformance.redact import Redactor

OPTIONS = active_options()
if OPTIONS is None:
    pytest.skip("conformance suites need --base-url", allow_module_level=True)

load_all_checks()
REPLACED = [CHECKS.get_one(name) for name in kit_checks.REPLACED_CHECKS]
schema = load_schema(OPTIONS)


@schema.parametrize()
def test_operation_conforms(case: Any, conform_gate: RequestGate, conform_redactor: Redactor) -> None:
    if conform_gate.exhausted:
        return  # --max-requests spent: the remaining examples are not sent (as with `contract conform`)
    try:
        response = case.call()
        conform_redactor.learn_from_body(response.content)
        case.validate_response(response, excluded_checks=REPLACED)
    except BudgetExhausted:
        return
    except (AssertionError, FailureGroup) as failure:
        # Schemathesis quotes response bodies verbatim; the secrets in them must not reach the test log.
        raise AssertionError(conform_redactor.text(str(failure))) from None
