"""Wall time of `contract conform` with 1 worker against N workers, on a multi-operation corpus spec.

    .venv/bin/python bench/conform_workers_bench.py [--spec ../shared/corpus/cloud-hypervisor.yaml]
        [--workers 4] [--delay 50] [--rounds 3] [--max-examples 3]

The mock (`contract mock --delay MS`) stands in for a slow staging server: with 50 ms per answer a
run is dominated by waiting, which is what workers exist to overlap. Each round runs both settings
(alternating which goes first) with the same seed and budget; prints medians and the speed-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))

from tests.conformance.serving import free_port, wait_until_listening  # noqa: E402  # after the path set-up

TOKEN = "bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--spec", type=Path, default=REPO.parent / "shared" / "corpus" / "cloud-hypervisor.yaml"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--delay", type=int, default=50, help="ms the mock waits before each answer"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-examples", type=int, default=3)
    parser.add_argument("--max-requests", type=int, default=5000)
    args = parser.parse_args()
    port = free_port()
    mock = subprocess.Popen(
        [
            str(BIN / "contract"),
            "mock",
            "--spec",
            str(args.spec),
            "--port",
            str(port),
            "--token",
            TOKEN,
            "--delay",
            str(args.delay),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening("127.0.0.1", port, timeout=120)
        times: dict[int, list[float]] = {1: [], args.workers: []}
        for round_ in range(args.rounds):
            for workers in [1, args.workers] if round_ % 2 == 0 else [args.workers, 1]:
                elapsed, report = run(args, port, workers)
                times[workers].append(elapsed)
                print(
                    f"round {round_ + 1}: {workers} worker(s): {elapsed:.1f} s, {report['requests_sent']} "
                    f"requests, {report['test_cases']} cases, "
                    f"{len(report['coverage']['operations'])} operations",
                    flush=True,
                )
    finally:
        mock.terminate()
        mock.wait(timeout=15)
    one, many = statistics.median(times[1]), statistics.median(times[args.workers])
    print(
        f"{args.spec.name}: median 1 worker {one:.1f} s, {args.workers} workers {many:.1f} s: "
        f"{one / many:.2f}x faster (mock --delay {args.delay})"
    )
    return 0


def run(args: argparse.Namespace, port: int, workers: int) -> tuple[float, dict]:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        started = time.monotonic()
        subprocess.run(
            [
                str(BIN / "contract"),
                "conform",
                "--base-url",
                f"http://127.0.0.1:{port}",
                "--spec",
                str(args.spec),
                "-H",
                f"Authorization: Bearer {TOKEN}",
                "--seed",
                "1",
                "--max-examples",
                str(args.max_examples),
                "--max-requests",
                str(args.max_requests),
                "--workers",
                str(workers),
                "--report-json",
                str(report),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        return time.monotonic() - started, json.loads(report.read_text())


if __name__ == "__main__":
    sys.exit(main())
