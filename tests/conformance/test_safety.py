"""Safety against staging: the budget, rate limit and timeout hold, counted at the server."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from conformance.engine.options import ConformOptions
from conformance.engine.runner import load_schemathesis_schema
from contract_core import load_spec
from tests.conformance.conftest import AUTH, implementation


def test_max_requests_is_exact_at_the_server(conform) -> None:
    with implementation() as (base_url, stats):
        outcome = conform("--base-url", base_url, "-H", AUTH, "--max-requests", "37", "--seed", "1")
    assert stats.requests == 37
    assert outcome.report["requests_sent"] == 37
    assert outcome.report["budget_exhausted"] is True
    assert outcome.exit_code == 0, outcome.stdout  # a spent budget is not a finding
    assert "37 request(s) sent of a budget of 37" in outcome.stdout
    assert "budget spent" in outcome.stdout


def test_rate_limit_holds_at_the_server(conform) -> None:
    with implementation() as (base_url, stats):
        conform(
            "--base-url",
            base_url,
            "-H",
            AUTH,
            "--max-requests",
            "30",
            "--rate-limit",
            "20/s",
            "--seed",
            "1",
        )
    times = stats.times
    assert len(times) == 30
    # Requests leave the client 50 ms apart; arrival on a busy 2-core machine can jitter by tens of
    # milliseconds, so the window is 0.9 s (any one-second window then holds at most 20 requests).
    busiest = max(sum(1 for t in times if start <= t < start + 0.9) for start in times)
    assert busiest <= 20
    assert times[-1] - times[0] >= 29 / 20 - 0.05


def test_timeout_is_per_request_and_reported(conform) -> None:
    with implementation(slow_description=1.0) as (base_url, _):
        outcome = conform(
            "--base-url",
            base_url,
            "-H",
            AUTH,
            "--timeout",
            "0.2",
            "--max-requests",
            "40",
            "--max-examples",
            "5",
            "--seed",
            "1",
        )
    assert outcome.exit_code == 1
    assert "request_error" in outcome.checks
    assert "Timeout" in outcome.stdout or "timed out" in outcome.stdout.lower()


def test_tls_is_verified_unless_insecure() -> None:
    spec = load_spec()
    secure = load_schemathesis_schema(spec, ConformOptions(base_url="https://staging.example"))
    insecure = load_schemathesis_schema(
        spec, ConformOptions(base_url="https://staging.example", insecure=True)
    )
    assert secure.config.tls_verify_for() is True
    assert insecure.config.tls_verify_for() is False


def test_unreachable_target_exits_2_with_one_message(conform) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        outcome = conform("--base-url", f"http://127.0.0.1:{port}")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith(f"contract conform: cannot reach http://127.0.0.1:{port}")
    assert "Traceback" not in outcome.stderr
    assert outcome.report is None


@contextmanager
def hang_up_server() -> Iterator[int]:
    """Accepts TCP connections and closes them at once: reachable, but nothing ever answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def loop() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
                connection.close()
            except TimeoutError:
                continue

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_no_test_case_ran_exits_2(conform) -> None:
    with hang_up_server() as port:
        outcome = conform(
            "--base-url", f"http://127.0.0.1:{port}", "--max-requests", "30", "--max-examples", "2"
        )
    assert outcome.exit_code == 2, outcome.stdout
    assert "no test case ran" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_bad_options_and_spec_exit_2(conform, tmp_path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: [unclosed\n")
    for args, message in (
        (("--base-url", "ftp://x"), "invalid --base-url"),
        (("--base-url", "http://127.0.0.1:9", "--rate-limit", "fast"), "invalid --rate-limit"),
        (("--base-url", "http://127.0.0.1:9", "--max-requests", "0"), "invalid --max-requests"),
        (("--base-url", "http://127.0.0.1:9", "-H", "no colon here"), "invalid -H"),
        (("--base-url", "http://127.0.0.1:9", "--spec", str(broken)), "cannot load spec"),
        (
            ("--base-url", "http://127.0.0.1:9", "--update-baseline"),
            "--update-baseline needs --baseline FILE",
        ),
    ):
        outcome = conform(*args)
        assert outcome.exit_code == 2, args
        assert message in outcome.stderr, (args, outcome.stderr)
        assert outcome.stderr.count("\n") == 1, outcome.stderr
