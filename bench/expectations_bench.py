"""What 100 loaded expectations cost `contract mock` per request (a script, not a test).

Three servers side by side on the bundled spec, loaded by `wrk -c10` in alternating order with
`POST /v1/accounts/api-tokens` (as bench/mock_bench.py sends it):

- plain: `contract mock --no-journal`;
- miss: 100 expectations on that operation, none matching (each names an `X-Case` header);
- hit: the same 99 and one without conditions, posted first (the oldest: matched last), so every
  request is answered by an expectation with a pinned `name` merged into the created token.

wrk's req/s swings 2x on a shared machine; the CPU each server process spends per answer (from
/proc) is steadier, so both are printed, and the throughput ratios are taken from the CPU.

    .venv/bin/python bench/expectations_bench.py [--rounds 6] [--seconds 4]
"""

from __future__ import annotations

import argparse
import atexit
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mock_bench as http_bench  # bench/ is this script's folder: on sys.path

TOKENS = "/v1/accounts/api-tokens"


def expectation_folders(root: Path) -> dict[str, list[str]]:
    """The extra command-line arguments of each server (folders of expectations written here)."""
    miss = [
        {
            "request": {"method": "POST", "path": TOKENS, "headers": {"X-Case": f"c{i}"}},
            "response": {"status": 201, "body": {"name": f"n{i}"}},
        }
        for i in range(100)
    ]
    matching = {
        "request": {"method": "POST", "path": TOKENS},
        "response": {"status": 201, "body": {"name": "hit"}},
    }
    extra: dict[str, list[str]] = {"plain": []}
    for name, documents in (("miss", miss), ("hit", [matching, *miss[:99]])):
        folder = root / name
        folder.mkdir()
        (folder / "expectations.json").write_text(json.dumps(documents), encoding="utf-8")
        extra[name] = ["--expectations", str(folder)]
    return extra


def started(name: str, extra: list[str], logs: Path, script: Path) -> tuple[Any, int]:
    port = http_bench.free_port()
    command = http_bench.mock_command(port, 1, None, "--no-journal", *extra)
    process = http_bench.start(command, logs / f"{name}.log")
    _, status = http_bench.wait_for_answer(process, port, 120)
    if status != 201:
        raise SystemExit(f"expectations_bench: {name} did not answer 201 (log in {logs})")
    http_bench.run_wrk(port, 10, 2, script)  # warm-up
    return process, port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=4)
    args = parser.parse_args()
    http_bench.require("wrk", "install it (Debian: apt-get install wrk)")
    logs = Path(tempfile.mkdtemp(prefix="expectations-bench-"))
    script = logs / "post.lua"
    script.write_text(http_bench.WRK_SCRIPT % {"body": http_bench.BODY.decode()}, encoding="utf-8")
    atexit.register(http_bench.kill_all)
    servers = {
        name: started(name, extra, logs, script)
        for name, extra in expectation_folders(logs).items()
    }
    cpu: dict[str, list[float]] = {name: [] for name in servers}
    rates: dict[str, list[float]] = {name: [] for name in servers}
    for round_number in range(args.rounds):
        names = list(servers) if round_number % 2 == 0 else list(servers)[::-1]
        for name in names:
            process, port = servers[name]
            before = http_bench.group_cpu_s(process.pid)
            load = http_bench.run_wrk(port, 10, args.seconds, script)
            answers = max(sum(load.statuses.values()), 1)
            cpu[name].append((http_bench.group_cpu_s(process.pid) - before) / answers * 1e6)
            rates[name].append(answers / args.seconds)
    medians = {name: statistics.median(values) for name, values in cpu.items()}
    for name in servers:
        print(
            f"{name:6} CPU per answer median {medians[name]:5.0f} µs  req/s median "
            f"{statistics.median(rates[name]):6.0f}  ({', '.join(f'{v:.0f}' for v in cpu[name])} µs)"
        )
    for name in ("miss", "hit"):
        print(f"throughput {name} / plain: {medians['plain'] / medians[name]:.3f}x (CPU-bound)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
