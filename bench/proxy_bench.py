"""Validating-proxy benchmark (a script, not a test): `contract proxy` vs Prism's proxy, same fast upstream.

One run, side by side, for `POST /v1/accounts/api-tokens` (the mock's ~8 KB 201, with a fresh id and
token per answer so the uniqueness check passes, as with a correct server):

- the upstream alone (a bare uvicorn ASGI app: the fast local upstream), `contract proxy` and
  `npx @stoplight/prism-cli proxy` in front of it, all running at once, measured with wrk at each
  connection count (default 1 and 10; c=1 shows the per-request cost without queueing) in
  `--rounds` interleaved rounds (default 3), medians reported: the shared machine's noise falls on all;
- added latency = proxy p50/p99 minus the direct p50/p99 of the same run; requests/s ratio to Prism;
- a sample answer of each proxy, to show both passed the correct 201 without a violation;
- the same proxy with its checks switched off (`--no-floor` leaves it out): the cost of forwarding
  alone in Python, the floor that no cheaper check can go under.

Needs wrk (Debian: `apt-get install wrk`) and node/npx for Prism. The machine is shared: compare
ratios from one run, not figures across runs.

    .venv/bin/python bench/proxy_bench.py
    .venv/bin/python bench/proxy_bench.py --prism @stoplight/prism-cli@5.16.0 --rounds 5
    .venv/bin/python bench/proxy_bench.py --duration 3 --rounds 1 --connections 10 --no-prism
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import os
import signal
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mock_bench import (  # the mock benchmark's process, wrk and HTTP helpers
    BODY,
    HEADERS,
    PATH,
    PRISM,
    PRISM_PACKAGE,
    REPO,
    WRK_SCRIPT,
    BenchError,
    Load,
    PeakRss,
    _on_signal,
    free_port,
    kill_all,
    mock_201_body,
    require,
    run_wrk,
    start,
    stop,
    wait_for_answer,
    warm_npx,
)

UPSTREAM_APP = """
import itertools
from pathlib import Path

TEMPLATE = Path(__file__).with_name("body.json").read_bytes()
SERIAL = itertools.count(1)


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:  # drain the request body, as any real handler would
        more = (await receive()).get("more_body", False)
    serial = next(SERIAL)  # a fresh id and secret per answer, same length: a correct server
    body = TEMPLATE.replace(b"@@ID@@", b"%012d" % serial).replace(b"@@TOKEN@@", b"%032d" % serial)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 201, "headers": headers})
    await send({"type": "http.response.body", "body": body})
"""


FLOOR_APP = '''
"""`contract proxy` with its checks switched off: what forwarding alone costs (the floor under the checks)."""
import os

from contract_core.spec import load_spec
from conformance.traffic.proxy import ProxySettings, create_proxy_app


def app():
    proxy = create_proxy_app(load_spec(os.environ["FLOOR_SPEC"]), ProxySettings(upstream=os.environ["FLOOR_UPSTREAM"]))
    proxy.judge.request_violations = lambda exchange: []
    proxy.judge.response_violations = lambda exchange, body_held=True: []
    return proxy
'''


@dataclass
class Row:
    name: str
    port: int = 0
    loads: list[Load] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    sample: str = ""
    process: Any = None
    rss: Any = None


def upstream_body(logs: Path) -> bytes:
    """The mock's 201 for the benchmark request, with placeholders where the id and token go."""
    body = json.loads(mock_201_body(logs))
    body["id"], body["token"] = "tok_@@ID@@", "pat_live_@@TOKEN@@"
    return json.dumps(body, separators=(",", ":")).encode()


def upstream_command(port: int, app_dir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "upstream_app:app",
        "--app-dir",
        str(app_dir),
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def contract_command(port: int, upstream: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "contract_cli",
        "proxy",
        "--port",
        str(port),
        "--upstream",
        f"http://127.0.0.1:{upstream}",
    ]


def floor_command(port: int, upstream: int, app_dir: Path) -> list[str]:
    os.environ["FLOOR_SPEC"] = str(REPO / "openapi" / "api-tokens.yaml")
    os.environ["FLOOR_UPSTREAM"] = f"http://127.0.0.1:{upstream}"
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "floor_app:app",
        "--factory",
        "--app-dir",
        str(app_dir),
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--no-server-header",
        "--no-date-header",
    ]


def prism_command(port: int, upstream: int) -> list[str]:
    spec = REPO / "openapi" / "api-tokens.yaml"
    return [
        "npx",
        "-y",
        PRISM_PACKAGE[0],
        "proxy",
        "-p",
        str(port),
        str(spec),
        f"http://127.0.0.1:{upstream}",
    ]


def sample(port: int) -> str:
    """Status, size and any violation header of one answer (the correct 201 should carry none)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", PATH, body=BODY, headers=HEADERS)
        answer = connection.getresponse()
        body = answer.read()
        flagged = answer.getheader("x-contract-violations") or answer.getheader("sl-violations")
        return f"{answer.status}, {len(body)} bytes, violations header: {flagged or 'none'}"
    finally:
        connection.close()


def launch(
    name: str, command: list[str], port: int, args: argparse.Namespace, script: Path, logs: Path
) -> Row:
    """Start a proxy, wait for its first answer, sample it and warm it up; it keeps running for the rounds."""
    row = Row(name, port=port)
    print(f"  {name}: starting", flush=True)
    process = start(command, logs / f"{name.split()[0]}.log")
    row.process, row.rss = process, PeakRss(process.pid)
    seconds, _ = wait_for_answer(process, port, args.startup_timeout)
    if seconds is None:
        raise BenchError(f"{name} did not answer within {args.startup_timeout:.0f} s; see {logs}")
    row.sample = sample(port)
    if args.warmup:
        run_wrk(port, max(args.connections), args.warmup, script)
    return row


def run_rounds(rows: list[Row], args: argparse.Namespace, script: Path) -> None:
    """Every server, every connection count, `--rounds` times interleaved: the machine's noise (it is
    shared) falls on all of them alike; the median of each figure is kept."""
    runs: dict[tuple[str, int], list[Load]] = {}
    for number in range(1, args.rounds + 1):
        for row in rows:
            for connections in args.connections:
                print(
                    f"  round {number}: {row.name}: wrk -c{connections} {args.duration}s",
                    flush=True,
                )
                runs.setdefault((row.name, connections), []).append(
                    run_wrk(row.port, connections, args.duration, script)
                )
    for row in rows:
        row.loads = [_median([load for load in runs[(row.name, c)]], c) for c in args.connections]


def _median(loads: list[Load], connections: int) -> Load:
    statuses: dict[str, int] = {}
    for load in loads:
        for status, n in load.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    return Load(
        connections,
        statistics.median(x.rps for x in loads),
        statistics.median(x.p50_ms for x in loads),
        statistics.median(x.p99_ms for x in loads),
        sum(x.socket_errors for x in loads),
        statuses,
    )


def report(rows: list[Row]) -> None:
    direct = rows[0]
    print(
        f"\n{'':34}"
        + "".join(
            f" | c{load.connections}: {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'+p50':>6} {'+p99':>6}"
            for load in direct.loads
        )
        + f" | {'RSS MB':>6}"
    )
    for row in rows:
        line = f"{row.name:34}"
        for mine, base in zip(row.loads, direct.loads, strict=False):
            added = row is not direct
            line += (
                f" |      {mine.rps:7.0f} {mine.p50_ms:7.2f} {mine.p99_ms:7.2f} "
                f"{(mine.p50_ms - base.p50_ms) if added else 0:6.2f} "
                f"{(mine.p99_ms - base.p99_ms) if added else 0:6.2f}"
            )
        print(f"{line} | {row.peak_rss_mb:6.0f}")
    print()
    for row in rows:
        statuses = "; ".join(
            f"c{load.connections} {load.statuses} errors {load.socket_errors}" for load in row.loads
        )
        print(f"  {row.name}: sample {row.sample}; wrk statuses {statuses}")
    mine = next((r for r in rows if r.name.startswith("contract proxy")), None)
    prism = next((r for r in rows if r.name.startswith("Prism")), None)
    if mine and prism:
        for ours, theirs in zip(mine.loads, prism.loads, strict=False):
            print(
                f"  contract proxy / Prism proxy c{ours.connections}: req/s {ours.rps / theirs.rps:.2f}x, "
                f"p50 {ours.p50_ms / theirs.p50_ms:.2f}x"
            )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=int, default=5, help="seconds of load per connection count"
    )
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds; medians are reported"
    )
    parser.add_argument(
        "--prism", default=PRISM, help=f"npm package spec of Prism (default {PRISM})"
    )
    parser.add_argument("--no-prism", action="store_true")
    parser.add_argument(
        "--no-floor", action="store_true", help="leave out the proxy with its checks off"
    )
    parser.add_argument("--startup-timeout", type=float, default=120.0)
    parser.add_argument(
        "--json", type=Path, help="also write the results here (keep it out of the repo)"
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    atexit.register(kill_all)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    require("wrk", "install it (Debian: apt-get install wrk)")
    PRISM_PACKAGE[0] = args.prism
    prism = (
        ""
        if args.no_prism
        else (require("npx", "install Node.js, or pass --no-prism") and warm_npx())
    )
    logs = Path(tempfile.mkdtemp(prefix="proxy-bench-"))
    (logs / "body.json").write_bytes(upstream_body(logs))
    (logs / "upstream_app.py").write_text(UPSTREAM_APP, encoding="utf-8")
    (logs / "floor_app.py").write_text(FLOOR_APP, encoding="utf-8")
    script = logs / "post.lua"
    script.write_text(WRK_SCRIPT % {"body": BODY.decode()}, encoding="utf-8")
    upstream_port = free_port()
    upstream = start(upstream_command(upstream_port, logs), logs / "upstream.log")
    rows: list[Row] = []
    try:
        if wait_for_answer(upstream, upstream_port, 30)[0] is None:
            raise BenchError(f"the upstream did not start; see {logs}")
        print(
            f"POST {PATH}: {len((logs / 'body.json').read_bytes())}-byte 201s; wrk -t2; {args.duration} s per "
            f"connection count; {os.cpu_count()} cores; logs in {logs}",
            flush=True,
        )
        rows.append(
            Row("upstream direct (bare uvicorn)", port=upstream_port, sample=sample(upstream_port))
        )
        port = free_port()
        rows.append(
            launch(
                "contract proxy", contract_command(port, upstream_port), port, args, script, logs
            )
        )
        if not args.no_floor:
            port = free_port()
            rows.append(
                launch(
                    "forwarding only (checks off)",
                    floor_command(port, upstream_port, logs),
                    port,
                    args,
                    script,
                    logs,
                )
            )
        if prism:
            port = free_port()
            rows.append(
                launch(
                    f"Prism {prism} proxy",
                    prism_command(port, upstream_port),
                    port,
                    args,
                    script,
                    logs,
                )
            )
        run_rounds(rows, args, script)
    finally:
        for row in rows:
            if row.process is not None:
                row.peak_rss_mb = row.rss.close()
                stop(row.process)
        stop(upstream)
    report(rows)
    if args.json:
        args.json.write_text(json.dumps([_as_dict(r) for r in rows], indent=2))
    return 0


def _as_dict(row: Row) -> dict[str, Any]:
    return {
        "name": row.name,
        "peak_rss_mb": row.peak_rss_mb,
        "sample": row.sample,
        "loads": [vars(load) for load in row.loads],
    }


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"proxy_bench: {exc}", file=sys.stderr)
        sys.exit(2)
