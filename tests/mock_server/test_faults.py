"""Faults and latency on the wire: a real `contract mock` process and a real HTTP client."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contract_cli.mock import delay_range
from mock_server.faults import Delays
from tests.mock_server.cli_mock import MockProcess, cli_mock

AUTH = {"Authorization": "Bearer t"}
TOKENS = "/v1/accounts/api-tokens"
CREATE = {"account": {"id": "acc_1"}, "modules": [{"id": "mod_1"}]}


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockProcess]:
    with cli_mock(tmp_path_factory.mktemp("faults")) as process:
        yield process


def fault(mock: MockProcess, kind: str, **more: object) -> None:
    with httpx.Client(base_url=mock.base_url) as admin:
        admin.delete("/__mock/expectations")
        answer = {"fault": kind, **more}
        posted = admin.post(
            "/__mock/expectations",
            json={"request": {"method": "POST", "path": TOKENS}, "response": answer, "times": 1},
        )
        assert posted.status_code == 201, posted.text


def send(mock: MockProcess, timeout: float = 5.0) -> httpx.Response:
    return httpx.post(mock.base_url + TOKENS, json=CREATE, headers=AUTH, timeout=timeout)


def test_connection_reset_is_a_reset(mock: MockProcess) -> None:
    fault(mock, "connection-reset")
    with pytest.raises(httpx.ReadError) as failed:
        send(mock)
    assert "reset by peer" in str(failed.value)
    assert send(mock).status_code == 201  # the server stays up; the expectation is used up


def test_empty_response_closes_without_a_byte(mock: MockProcess) -> None:
    fault(mock, "empty-response")
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        send(mock)
    assert send(mock).status_code == 201


def test_timeout_holds_the_answer_until_the_client_gives_up(mock: MockProcess) -> None:
    fault(mock, "timeout")
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        send(mock, timeout=0.5)
    assert time.monotonic() - started >= 0.5
    assert send(mock).status_code == 201


def test_a_timeout_with_delay_closes_after_it(mock: MockProcess) -> None:
    fault(mock, "timeout", delay_ms=200)
    started = time.monotonic()
    with pytest.raises(httpx.RemoteProtocolError):
        send(mock, timeout=10)
    assert 0.2 <= time.monotonic() - started < 5


def test_a_reset_waits_its_delay_first(mock: MockProcess) -> None:
    fault(mock, "connection-reset", delay_ms=300)
    started = time.monotonic()
    with pytest.raises(httpx.ReadError):
        send(mock)
    assert time.monotonic() - started >= 0.3


def test_faults_are_journaled_with_their_expectation(mock: MockProcess) -> None:
    fault(mock, "empty-response")
    with pytest.raises(httpx.RemoteProtocolError):
        send(mock)
    last = httpx.get(mock.base_url + "/__mock/requests").json()["requests"][-1]
    assert last["status"] == 0 and last["expectation"].startswith("exp_")
    assert "Traceback" not in mock.log() and "ASGI callable" not in mock.log()


def test_delay_range_bounds_every_answer(tmp_path: Path) -> None:
    with (
        cli_mock(tmp_path, "--delay", "100-250", "--seed", "3") as process,
        httpx.Client() as client,
    ):
        took = []
        for _ in range(6):
            answer = client.post(process.base_url + TOKENS, json=CREATE, headers=AUTH)
            took.append(answer.elapsed.total_seconds())
        assert all(0.1 <= seconds < 1.0 for seconds in took), took


def test_delays_are_drawn_in_range_and_repeat_under_a_seed() -> None:
    first, second = Delays(50, 300, seed=7), Delays(50, 300, seed=7)
    drawn = [first.draw_seconds() for _ in range(200)]
    assert drawn == [second.draw_seconds() for _ in range(200)]
    assert min(drawn) >= 0.05 and max(drawn) <= 0.3 and len(set(drawn)) > 50
    assert Delays(80, 80, seed=1).draw_seconds() == 0.08 and not Delays(0, 0, seed=0)


def test_the_delay_option_reads_ms_or_a_range() -> None:
    assert delay_range("200") == (200, 200) and delay_range("50-300") == (50, 300)
    for wrong in ("300-50", "-5", "fast", "1-2-3"):
        with pytest.raises(argparse.ArgumentTypeError, match=r"MIN|MS"):
            delay_range(wrong)


def test_a_wrong_delay_is_one_line_and_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "contract_cli", "mock", "--delay", "300-50"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "MIN must not exceed MAX" in done.stderr
    assert "Traceback" not in done.stderr
