"""The proxy's and verify's judge on the large public specs: every operation is found (with and without
the `servers` prefix) and judging an exchange never raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_core import load_spec
from tests.conftest import corpus_params
from traffic.judge import TrafficJudge
from traffic.observed import Observed


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_params())
def test_every_operation_is_matched_and_judged(path: Path) -> None:
    spec = load_spec(path)
    judge = TrafficJudge(spec)
    for operation in spec.operations:
        concrete = operation.path.replace("{", "p").replace("}", "")  # a value for every path parameter
        for prefix in judge.matcher.prefixes:
            observed = Observed(operation.method.upper(), prefix + concrete, [("content-type", "application/json")],
                                b"{}", 200, [("content-type", "application/json")], b'{"unexpected": true}')
            judgement = judge.judge(observed)
            assert judgement.match is not None, f"{operation.label} under {prefix!r}"
            assert all(v.side in ("request", "response") for v in judgement.violations)
