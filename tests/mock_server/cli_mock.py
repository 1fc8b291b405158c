"""`contract mock` as a user starts it: a real process on a free port, its stderr in a file (a pipe
would fill up with the access log and stall the server), polled until ready; no fixed sleeps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conformance.serving import free_port, wait_until_listening


@dataclass
class MockProcess:
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, text: str, timeout: float = 60.0, after: int = 0) -> str:
        """The log once `text` appears in it past character `after`."""
        wait_for(lambda: text in self.log()[after:], timeout, f"{text!r} in the log")
        return self.log()


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # a poll interval, not a guess at how long anything takes


@contextmanager
def cli_mock(tmp_path: Path, *args: str) -> Iterator[MockProcess]:
    port = free_port()
    log_path = tmp_path / f"mock-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "contract_cli", "mock", "--port", str(port), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
            start_new_session=True,
        )
    try:
        wait_until_listening("127.0.0.1", port, timeout=90)
        yield MockProcess(process, f"http://127.0.0.1:{port}", log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the whole group: uvicorn's workers too
            process.wait(timeout=10)
