"""The proxy's and verify's judge on the large public specs: every operation is found (with and without
the `servers` prefix) and judging an exchange never raises, with a JSON, a form or a multipart body."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.traffic.judge import TrafficJudge
from contract_core import load_spec
from contract_core.observed import Observed
from tests.conftest import corpus_params

BODIES = [
    ("application/json", b"{}"),
    (
        "application/x-www-form-urlencoded",
        b"expand[]=a&metadata[k]=v&amount=12&items[0][price]=x&flag=true",
    ),
    (
        "multipart/form-data; boundary=b",
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n'
        b'\r\n\x00\xff\r\n--b\r\nContent-Disposition: form-data; name="purpose"\r\n'
        b"\r\nx\r\n--b--\r\n",
    ),
]


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_params())
def test_every_operation_is_matched_and_judged(path: Path) -> None:
    spec = load_spec(path)
    judge = TrafficJudge(spec)
    for operation in spec.operations:
        # a value for every path parameter
        concrete = operation.path.replace("{", "p").replace("}", "")
        for prefix in judge.matcher.prefixes:
            for media, body in BODIES:
                observed = Observed(
                    operation.method.upper(),
                    prefix + concrete,
                    [("content-type", media)],
                    body,
                    200,
                    [("content-type", "application/json")],
                    b'{"unexpected": true}',
                )
                judgement = judge.judge(observed)
                assert judgement.match is not None, f"{operation.label} under {prefix!r}"
                assert all(v.side in ("request", "response") for v in judgement.violations)
