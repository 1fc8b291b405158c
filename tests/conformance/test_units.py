"""Small pieces in isolation: options, the request gate, the redactor."""

from __future__ import annotations

import pytest
import requests

from conformance.engine.budget import BudgetExhausted, RequestGate
from conformance.engine.options import RateLimit, parse_header, parse_rate_limit
from conformance.errors import InvalidOption
from contract_core.redact import REDACTED, Redactor


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10/s", RateLimit(10, 1.0)),
        ("100/m", RateLimit(100, 60.0)),
        ("2/0.5s", RateLimit(2, 0.5)),
        (" 3 / h ", RateLimit(3, 3600.0)),
    ],
)
def test_rate_limit_parsing(text: str, expected: RateLimit) -> None:
    assert parse_rate_limit(text) == expected


@pytest.mark.parametrize("text", ["0/s", "ten/s", "10", "10/fortnight", "-1/s"])
def test_bad_rate_limits(text: str) -> None:
    with pytest.raises(InvalidOption):
        parse_rate_limit(text)


def test_bad_header_message_never_echoes_the_value() -> None:
    with pytest.raises(InvalidOption) as caught:
        parse_header("Bearer s3cr3t-value-without-a-name")
    assert "s3cr3t" not in str(caught.value)
    assert parse_header("Authorization:  Bearer x ") == ("Authorization", "Bearer x")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_gate_spaces_requests_and_refuses_past_the_budget() -> None:
    clock = FakeClock()
    stopped = []
    gate = RequestGate(
        "http://h:80",
        max_requests=5,
        rate_limit=RateLimit(2, 1.0),
        on_exhausted=lambda: stopped.append(True),
        clock=clock,
        sleep=clock.sleep,
    )
    starts = []
    for _ in range(5):
        gate.admit()
        starts.append(clock.now)
    assert starts == [100.0, 100.5, 101.0, 101.5, 102.0]
    assert stopped == [True]
    with pytest.raises(BudgetExhausted):
        gate.admit()
    assert (gate.sent, gate.refused) == (5, 1)


def test_gate_only_counts_its_own_origin() -> None:
    gate = RequestGate("http://127.0.0.1:80", max_requests=1)
    assert gate.covers("http://127.0.0.1/v1/x") and gate.covers("HTTP://127.0.0.1:80/")
    assert not gate.covers("http://127.0.0.1:8080/") and not gate.covers("https://127.0.0.1/")


def test_gate_is_installed_only_for_the_block() -> None:
    original = requests.adapters.HTTPAdapter.send
    gate = RequestGate("http://127.0.0.1:1", max_requests=1)
    with gate.installed():
        assert requests.adapters.HTTPAdapter.send is not original
    assert requests.adapters.HTTPAdapter.send is original


def test_redactor_scrubs_fields_headers_and_learnt_values() -> None:
    redactor = Redactor()
    redactor.add_headers({"Authorization": "Bearer abc-123-secret", "X-Trace": "visible"})
    redactor.learn_from_body(b'{"id": "t1", "nested": [{"token": "pat_live_zzz999"}]}')
    assert redactor.headers({"Authorization": "Bearer abc-123-secret", "X-Trace": "visible"}) == {
        "Authorization": REDACTED,
        "X-Trace": "visible",
    }
    assert (
        redactor.text("curl -H 'Authorization: Bearer abc-123-secret' ?t=pat_live_zzz999")
        == f"curl -H 'Authorization: {REDACTED}' ?t={REDACTED}"
    )
    assert (
        redactor.body(b'{"token": "other-value", "x": "abc-123-secret"}')
        == f'{{"token": "{REDACTED}", "x": "{REDACTED}"}}'
    )
    assert redactor.text("abc-123-secret alone") == f"{REDACTED} alone"
