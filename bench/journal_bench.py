"""What the request journal costs per request, measured in-process (a script, not a test).

wrk figures (bench/mock_bench.py, which also runs `contract mock --no-journal`) swing by 2x on a
shared machine; CPU time spent inside one process does not. This drives the bundled spec's
`POST /v1/accounts/api-tokens` through the whole ASGI app (no sockets), the journal on and off in
alternating rounds, and reports the CPU microseconds per request of each and their ratio.

    .venv/bin/python bench/journal_bench.py [--rounds 10] [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contract_core import load_spec  # after the repo is importable
from mock_server.server import Features, create_service

BODY = b'{"account":{"id":"acc_1"},"modules":[{"id":"mod_1"}]}'
SCOPE = {
    "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
    "path": "/v1/accounts/api-tokens", "raw_path": b"/v1/accounts/api-tokens", "root_path": "",
    "query_string": b"", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 2),
    "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                (b"authorization", b"Bearer bench"), (b"content-length", str(len(BODY)).encode())],
}


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": BODY, "more_body": False}


def cpu_us_per_request(app: Any, requests: int) -> float:
    statuses: set[int] = set()

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.add(message["status"])

    async def drive() -> None:
        for _ in range(requests):
            await app(dict(SCOPE), _receive, send)

    started = time.process_time()
    asyncio.run(drive())
    if statuses != {201}:
        raise SystemExit(f"journal_bench: expected only 201s, got {sorted(statuses)}")
    return (time.process_time() - started) / requests * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    spec = load_spec()
    apps = {"journal on": create_service(spec, features=Features(journal=True)),
            "journal off": create_service(spec, features=Features(journal=False))}
    logging.getLogger("contract.mock").setLevel(logging.WARNING)  # the access log is the same in both
    timings: dict[str, list[float]] = {name: [] for name in apps}
    for app in apps.values():
        cpu_us_per_request(app, 300)  # warm-up: Connexion builds its middleware on the first request
    for _ in range(args.rounds):
        for name, app in apps.items():
            timings[name].append(cpu_us_per_request(app, args.requests))
    for name, values in timings.items():
        print(f"{name:12} median {statistics.median(values):7.1f} µs/request  min {min(values):7.1f}")
    ratio = statistics.median(timings["journal off"]) / statistics.median(timings["journal on"])
    print(f"throughput with the journal / without: {ratio:.3f}x (CPU-bound, one core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
