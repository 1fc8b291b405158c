"""What the request journal costs per request, measured in-process (a script, not a test).

wrk figures (bench/mock_bench.py, which also runs `contract mock --no-journal`) swing by 2x on a
shared machine; CPU time spent inside one process does not. This drives the bundled spec's
`POST /v1/accounts/api-tokens` through the whole ASGI app (no sockets), the journal on and off in
alternating rounds, and reports the CPU microseconds per request of each and their ratio.

With `--http`, the same comparison over real HTTP: `contract mock` and `contract mock --no-journal`
(and with `--base DIR`, another checkout's `contract mock`, e.g. the commit before the journal)
run side by side, `wrk -c10` loads them in alternating order, and the CPU each server process
spends per answer is read from /proc.

    .venv/bin/python bench/journal_bench.py [--rounds 10] [--requests 2000]
    .venv/bin/python bench/journal_bench.py --http [--rounds 8] [--workers 2] [--base /tmp/main-checkout]
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import mock_bench as http_bench  # bench/ is this script's folder: on sys.path

from contract_core import load_spec  # after the repo is importable
from mock_server.server import Features, create_service

REPO = Path(__file__).resolve().parent.parent

BODY = b'{"account":{"id":"acc_1"},"modules":[{"id":"mod_1"}]}'
SCOPE = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "POST",
    "scheme": "http",
    "path": "/v1/accounts/api-tokens",
    "raw_path": b"/v1/accounts/api-tokens",
    "root_path": "",
    "query_string": b"",
    "client": ("127.0.0.1", 1),
    "server": ("127.0.0.1", 2),
    "headers": [
        (b"host", b"127.0.0.1"),
        (b"content-type", b"application/json"),
        (b"authorization", b"Bearer bench"),
        (b"content-length", str(len(BODY)).encode()),
    ],
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


def http_ab(args: argparse.Namespace) -> int:
    """CPU per answer of each server under the same wrk load, in alternating order."""
    logs = Path(tempfile.mkdtemp(prefix="journal-bench-"))
    script = logs / "post.lua"
    script.write_text(http_bench.WRK_SCRIPT % {"body": http_bench.BODY.decode()}, encoding="utf-8")
    atexit.register(http_bench.kill_all)
    variants = {"journal on": (REPO, []), "journal off": (REPO, ["--no-journal"])}
    if args.base:
        variants["base"] = (args.base, [])
    servers = {
        name: _started(name, folder, extra, args.workers, logs, script)
        for name, (folder, extra) in variants.items()
    }
    cpu: dict[str, list[float]] = {name: [] for name in servers}
    for round_number in range(args.rounds):
        names = list(servers) if round_number % 2 == 0 else list(servers)[::-1]
        for name in names:
            process, port = servers[name]
            before = http_bench.group_cpu_s(process.pid)
            load = http_bench.run_wrk(port, 10, 5, script)
            cpu[name].append(
                (http_bench.group_cpu_s(process.pid) - before)
                / max(sum(load.statuses.values()), 1)
                * 1e6
            )
    medians = {name: statistics.median(values) for name, values in cpu.items()}
    for name, values in cpu.items():
        print(
            f"{name:12} CPU per answer median {medians[name]:6.0f} µs  ({', '.join(f'{v:.0f}' for v in values)})"
        )
    for other in ("journal off", "base"):
        if other in medians:
            print(
                f"throughput with the journal / {other}: {medians[other] / medians['journal on']:.3f}x (CPU-bound)"
            )
    return 0


def _started(
    name: str, folder: Path, extra: list[str], workers: int, logs: Path, script: Path
) -> tuple[Any, int]:
    port = http_bench.free_port()
    command = [
        sys.executable,
        "-m",
        "contract_cli",
        "mock",
        "--port",
        str(port),
        "--workers",
        str(workers),
        *extra,
    ]
    process = http_bench.start(command, logs / f"{name.replace(' ', '-')}.log", cwd=folder)
    _, status = http_bench.wait_for_answer(process, port, 120)
    if status != 201:
        raise SystemExit(f"journal_bench: {name} did not answer 201 (log in {logs})")
    http_bench.run_wrk(port, 10, 2, script)  # warm-up
    return process, port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--http", action="store_true", help="compare real servers under wrk -c10")
    parser.add_argument(
        "--workers", type=int, default=1, help="with --http: worker processes per server"
    )
    parser.add_argument(
        "--base", type=Path, help="with --http: a checkout whose `contract mock` is the baseline"
    )
    args = parser.parse_args()
    if args.http:
        http_bench.require("wrk", "install it (Debian: apt-get install wrk)")
        return http_ab(args)
    spec = load_spec()
    apps = {
        "journal on": create_service(spec, features=Features(journal=True)),
        "journal off": create_service(spec, features=Features(journal=False)),
    }
    # the access log is the same in both
    logging.getLogger("contract.mock").setLevel(logging.WARNING)
    timings: dict[str, list[float]] = {name: [] for name in apps}
    for app in apps.values():
        # warm-up: Connexion builds its middleware on the first request
        cpu_us_per_request(app, 300)
    for _ in range(args.rounds):
        for name, app in apps.items():
            timings[name].append(cpu_us_per_request(app, args.requests))
    for name, values in timings.items():
        print(
            f"{name:12} median {statistics.median(values):7.1f} µs/request  min {min(values):7.1f}"
        )
    ratio = statistics.median(timings["journal off"]) / statistics.median(timings["journal on"])
    print(f"throughput with the journal / without: {ratio:.3f}x (CPU-bound, one core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
