"""Each operation gets its share of the request budget, so one cannot starve the others."""

from __future__ import annotations

import pytest

from conformance.engine.budget import BudgetExhausted, RequestGate
from conformance.engine.options import ConformOptions


def test_an_operation_past_its_share_is_refused_others_go_on() -> None:
    gate = RequestGate(
        "http://127.0.0.1:80",
        max_requests=10,
        per_operation=2,
        operation_of=lambda method, path: f"{method} {path}",
    )
    for _ in range(2):
        gate.admit("POST", "http://127.0.0.1/big")
    with pytest.raises(BudgetExhausted, match="share of 2"):
        gate.admit("POST", "http://127.0.0.1/big")
    gate.admit("GET", "http://127.0.0.1/small")
    assert (gate.sent, gate.refused, gate.by_operation) == (3, 1, {"POST /big": 2, "GET /small": 1})


def test_the_default_share_is_an_equal_part_of_the_budget_at_least_25() -> None:
    options = ConformOptions(base_url="http://127.0.0.1:1", max_requests=1000)
    assert options.operation_share(1) == 1000
    assert options.operation_share(7) == 143
    assert options.operation_share(384) == 25
    assert (
        ConformOptions(base_url="http://127.0.0.1:1", max_requests_per_operation=5).operation_share(
            3
        )
        == 5
    )
