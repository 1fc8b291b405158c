"""A real `redis-server` for the tests: a free port, a temporary folder, polled until it answers PING.

Without the binary the Redis tests skip, except in CI (`CI=true`), where a missing Redis is a
failure (`.ci/run` installs Debian's redis-server), as the browser tests do with Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

from tests.conformance.serving import free_port
from tests.mock_server.cli_mock import wait_for


def redis_server_or_skip() -> str:
    found = os.environ.get("REDIS_SERVER") or shutil.which("redis-server")
    if found:
        return found
    reason = "redis-server is not installed (apt-get install redis-server, or set REDIS_SERVER)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; CI=true, so the Redis tests must run (.ci/run installs it)")
    pytest.skip(reason)


@dataclass
class RedisServer:
    """One redis-server process; `stop()` and `start()` again keep its port (an outage)."""

    binary: str
    folder: Path
    password: str | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--dir", str(self.folder), "--save", "", "--appendonly", "no"]
        command += ["--requirepass", self.password] if self.password else []
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_for(self._answers, 30, f"redis-server on port {self.port} to answer PING")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis.from_url(self.url(db))

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"redis-server exited: {(self.folder / 'redis.log').read_text()}")
        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False
