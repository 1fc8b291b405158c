"""Mock server benchmark (a script, not a test): `contract mock` vs Stoplight Prism vs a bare ASGI app.

One run measures, side by side on the bundled spec, for `POST /v1/accounts/api-tokens` with
`{"account":{"id":"acc_1"},"modules":[{"id":"mod_1"}]}` and `Authorization: Bearer bench`:

- start-up: process start until the first answer to that request (its status is shown);
- requests/s and p50/p99 latency at 10 and 50 connections (wrk, a Lua script for the POST, counting
  statuses), the server's CPU microseconds per answer (its process group, from /proc: steadier than
  req/s when other work shares the machine), and the peak RSS of its process tree (sampled from /proc);
- the share of answers that are schema-valid 201s: wrk's status counts times the share of 50
  sampled bodies (taken right after each load) that pass the 201 schema (contract_core's validator).
  The effective rate counts only those; the ratios compare effective rates.

Servers: `contract mock` (1 and 2 workers; 1 without its request journal, to show what the
journal costs; 1 with 100 expectations loaded that never match the benchmarked request, so every
request is checked against all 100 and falls through; 1 with `--store redis`, the journal in a local
redis-server), Prism 5 static (and `-d` dynamic), and a bare uvicorn app (one worker) returning the
mock's 201 bytes: the ceiling of this machine. Then the start-up of `contract mock --spec` and Prism
on a big spec (Stripe), Prism capped by --big-timeout.

Every server runs in its own process group, killed on exit (also on Ctrl-C). Needs wrk
(`apt-get install wrk`) and node/npx for Prism.

    .venv/bin/python bench/mock_bench.py                    # everything, ~10 min (Prism on Stripe: 240 s cap)
    .venv/bin/python bench/mock_bench.py --duration 5 --only contract --no-big
    .venv/bin/python bench/mock_bench.py --json /tmp/mock-bench.json
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from contract_core import bundled_spec_path, load_spec  # noqa: E402  # after the repo is importable
from contract_core.validation import SchemaValidator  # noqa: E402

PRISM = "@stoplight/prism-cli@5"  # npx may reuse an older cached 5.x: pin with --prism ...@5.16.0
PATH = "/v1/accounts/api-tokens"
BODY = b'{"account":{"id":"acc_1"},"modules":[{"id":"mod_1"}]}'
HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer bench"}
POINTER = "#/paths/~1v1~1accounts~1api-tokens/post/responses/201/content/application~1json/schema"
BIG_SPEC = REPO.parent / "shared" / "corpus" / "stripe-2021-08-23-spec3.json"
SAMPLES = 50

WRK_SCRIPT = r"""
wrk.method = "POST"
wrk.body = '%(body)s'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do counts[tostring(status)] = (counts[tostring(status)] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(counts) do table.insert(parts, string.format('"%%s":%%d', status, n)) end
  io.write(string.format('WRKJSON {"requests":%%d,"seconds":%%f,"p50_ms":%%f,"p99_ms":%%f,' ..
    '"errors":%%d,"statuses":{%%s}}\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ",")))
end
"""

BARE_APP = """
from pathlib import Path

BODY = Path(__file__).with_name("body.json").read_bytes()
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:  # drain the request body, as any real handler would
        more = (await receive()).get("more_body", False)
    await send({"type": "http.response.start", "status": 201, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
"""


class BenchError(Exception):
    """A tool is missing or a server would not start: one message, no traceback."""


# ---------------------------------------------------------------- processes

_started: list[subprocess.Popen[bytes]] = []


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the whole process group (npx -> node, uvicorn -> workers), SIGKILL after 5 s."""
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            # the leader is gone; stragglers may not be
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            break
        except subprocess.TimeoutExpired:
            continue


def kill_all() -> None:
    while _started:
        kill_group(_started.pop())


def _on_signal(signum: int, _frame: Any) -> None:
    kill_all()
    sys.exit(128 + signum)


def start(command: list[str], log: Path, cwd: Path = REPO) -> subprocess.Popen[bytes]:
    # a file, not a pipe: a full pipe would stall a server that logs per request
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    _started.append(process)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    kill_group(process)
    if process in _started:
        _started.remove(process)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def require(tool: str, hint: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise BenchError(f"{tool} not found on PATH: {hint}")
    return found


# ---------------------------------------------------------------- memory


def group_rss_mb(pgid: int) -> float:
    """Resident memory of every process in the group, from /proc."""
    total_kb = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            for line in Path(entry.path, "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total_kb / 1024


def group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) used so far by every process in the group, from /proc."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return total / tick


class PeakRss:
    """Samples a process group's RSS every `interval` seconds in a thread; keeps the peak."""

    def __init__(self, pgid: int, interval: float = 0.25):
        self.pgid, self.interval, self.peak_mb = pgid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, group_rss_mb(self.pgid))
            self._stop.wait(self.interval)

    def close(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


# ---------------------------------------------------------------- HTTP


def post(port: int, timeout: float = 10.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", PATH, body=BODY, headers=HEADERS)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def wait_for_answer(
    process: subprocess.Popen[bytes],
    port: int,
    timeout: float,
    ask: Callable[[int], tuple[int, bytes]] = post,
) -> tuple[float | None, int | None]:
    """Seconds from `process` start (approximately: from now) until `ask` gets any HTTP answer."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            return None, None
        try:
            status, _ = ask(port)
            return time.perf_counter() - started, status
        except (OSError, http.client.HTTPException):
            time.sleep(0.02)
    return None, None


def sample_validity(port: int, validator: SchemaValidator) -> tuple[int, int, dict[str, int], int]:
    """(schema-valid 201s, valid 201s that echo the request's ids, statuses) over SAMPLES requests."""
    valid, reflecting, statuses = 0, 0, {}
    for _ in range(SAMPLES):
        try:
            status, raw = post(port, timeout=30)
        except (OSError, http.client.HTTPException):
            statuses["no answer"] = statuses.get("no answer", 0) + 1
            continue
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        body = _json_or_none(raw) if status == 201 else None
        if body is not None and not validator.violations(body, POINTER):
            valid += 1
            reflecting += _reflects_request(body)
    return valid, reflecting, statuses


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _reflects_request(body: Any) -> bool:
    """Informational: does the created token carry the account and module ids the request sent?"""
    modules = body.get("modules") if isinstance(body, dict) else None
    return (
        isinstance(body.get("account"), dict)
        and body["account"].get("id") == "acc_1"
        and isinstance(modules, list)
        and any(isinstance(m, dict) and m.get("id") == "mod_1" for m in modules)
    )


def load_expectations(port: int, count: int = 100) -> str:
    """POST `count` expectations the benchmarked request never matches (same operation, another
    account id: a documented request, so each is accepted); '' when all were taken, else why not."""
    for n in range(count):
        expectation = {
            "request": {"method": "POST", "path": PATH, "body": {"account": {"id": f"acc_x{n}"}}},
            "response": {"status": 201, "body": {}},
        }
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request(
                "POST", "/__mock/expectations", body=json.dumps(expectation), headers=HEADERS
            )
            answer = connection.getresponse()
            status, detail = answer.status, answer.read()[:200]
        finally:
            connection.close()
        if status == 404:
            return "expectations API not available"
        if status >= 300:
            return f"expectation {n} refused: {status} {detail!r}"
    return ""


# run after start-up, before the load: a non-empty answer is the reason the load was skipped
PREPARE: dict[str, Callable[[int], str]] = {"contract mock +100 expectations": load_expectations}


# ---------------------------------------------------------------- load


@dataclass
class Load:
    connections: int
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    socket_errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    cpu_us: float = 0.0  # the server's CPU per answer: steadier than req/s on a busy machine
    sampled_valid: int = 0
    sampled_reflecting: int = 0
    sampled_statuses: dict[str, int] = field(default_factory=dict)

    @property
    def valid_share(self) -> float:
        """Share of answers that are schema-valid 201s: wrk's 201 share x the sample's valid share."""
        total = sum(self.statuses.values())
        created = self.statuses.get("201", 0) / total if total else 0.0
        sampled_201 = self.sampled_statuses.get("201", 0)
        return created * (self.sampled_valid / sampled_201 if sampled_201 else 0.0)

    @property
    def effective_rps(self) -> float:
        return self.rps * self.valid_share


def run_wrk(port: int, connections: int, seconds: int, script: Path) -> Load:
    command = [
        "wrk",
        "-t",
        str(min(2, connections)),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}{PATH}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise BenchError(f"wrk gave no summary: {done.stdout[-500:]} {done.stderr[-500:]}")
    data = json.loads(line[len("WRKJSON ") :])
    return Load(
        connections,
        data["requests"] / data["seconds"],
        data["p50_ms"],
        data["p99_ms"],
        data["errors"],
        data["statuses"],
    )


# ---------------------------------------------------------------- servers


@dataclass
class Result:
    name: str
    command: str
    startup_s: float | None = None
    first_status: int | None = None
    peak_rss_mb: float = 0.0
    loads: list[Load] = field(default_factory=list)
    note: str = ""


def mock_command(port: int, workers: int = 1, spec: Path | None = None, *extra: str) -> list[str]:
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
    return command + (["--spec", str(spec)] if spec else [])


def prism_command(port: int, spec: Path, dynamic: bool = False) -> list[str]:
    return [
        "npx",
        "-y",
        PRISM_PACKAGE[0],
        "mock",
        "-p",
        str(port),
        *(["-d"] if dynamic else []),
        str(spec),
    ]


def bare_command(port: int, app_dir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "bare_app:app",
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


def measure_server(
    name: str,
    make: Callable[[int], list[str]],
    args: argparse.Namespace,
    script: Path,
    validator: SchemaValidator,
    logs: Path,
) -> Result:
    port = free_port()
    command = make(port)
    result = Result(name, " ".join(command))
    print(f"  {name}: starting", flush=True)
    process = start(command, logs / f"{name.replace(' ', '_').replace('/', '_')}.log")
    rss = PeakRss(process.pid)
    try:
        result.startup_s, result.first_status = wait_for_answer(process, port, args.startup_timeout)
        if result.startup_s is None:
            result.note = f"did not answer within {args.startup_timeout:.0f} s (log in {logs})"
            return result
        if name in PREPARE and (skipped := PREPARE[name](port)):
            result.note = skipped
            return result
        if args.warmup:  # JITs, caches and connection pools warm up outside the measured runs
            run_wrk(port, args.connections[0], args.warmup, script)
        for connections in args.connections:
            print(f"  {name}: wrk -c{connections} {args.duration}s", flush=True)
            cpu_before = group_cpu_s(process.pid)
            load = run_wrk(port, connections, args.duration, script)
            load.cpu_us = (
                (group_cpu_s(process.pid) - cpu_before) / max(sum(load.statuses.values()), 1) * 1e6
            )
            load.sampled_valid, load.sampled_reflecting, load.sampled_statuses = sample_validity(
                port, validator
            )
            result.loads.append(load)
    finally:
        result.peak_rss_mb = rss.close()
        stop(process)
    return result


def measure_startup_only(
    name: str, command: list[str], port: int, timeout: float, logs: Path
) -> Result:
    """Start-up on a big spec: until the server answers any request (a GET of an unknown path)."""
    result = Result(name, " ".join(command))
    print(f"  {name}: starting (timeout {timeout:.0f} s)", flush=True)
    process = start(command, logs / f"{name.split()[0]}-big.log")
    rss = PeakRss(process.pid)
    try:
        result.startup_s, result.first_status = wait_for_answer(
            process, port, timeout, ask=_get_anything
        )
        if result.startup_s is None:
            exited = process.poll()
            result.note = (
                f"exited ({exited}) before answering"
                if exited is not None
                else f"did not start within {timeout:.0f} s"
            )
    finally:
        result.peak_rss_mb = rss.close()
        stop(process)
    return result


def _get_anything(port: int) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/bench-ready-probe")
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def mock_201_body(logs: Path) -> bytes:
    """The bytes the mock answers the benchmark request with, for the bare app to return."""
    port = free_port()
    process = start(mock_command(port), logs / "mock-body.log")
    try:
        seconds, status = wait_for_answer(process, port, 60)
        if seconds is None:
            raise BenchError(f"contract mock did not start; see {logs / 'mock-body.log'}")
        status, body = post(port)
        if status != 201:
            raise BenchError(f"contract mock answered {status}, not 201: {body[:300]!r}")
        return body
    finally:
        stop(process)


PRISM_PACKAGE = [PRISM]  # set from --prism in main()


def warm_npx() -> str:
    """Fill npx's cache so Prism's start-up does not include a download; returns Prism's version."""
    done = subprocess.run(
        ["npx", "-y", PRISM_PACKAGE[0], "--version"],
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,
    )
    if done.returncode != 0:
        raise BenchError(f"npx {PRISM_PACKAGE[0]} --version failed: {done.stderr[-500:]}")
    return done.stdout.strip().splitlines()[-1]


# ---------------------------------------------------------------- report


def fmt(value: float | None, pattern: str = "{:.2f}") -> str:
    return "-" if value is None else pattern.format(value)


def print_table(results: list[Result], connections: list[int]) -> None:
    print()
    header = f"{'server':32} {'start s':>8} {'1st':>4} {'RSS MB':>7}"
    for c in connections:
        header += f" | c{c}: {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'valid201':>8} {'eff/s':>7} {'CPU µs':>7}"
    print(header)
    print("-" * len(header))
    for r in results:
        row = (
            f"{r.name:32} {fmt(r.startup_s):>8} {fmt(r.first_status, '{}'):>4} {r.peak_rss_mb:7.0f}"
        )
        for load in r.loads:
            row += (
                f" | {'':4}{load.rps:8.0f} {load.p50_ms:7.1f} {load.p99_ms:7.1f} "
                f"{load.valid_share:8.0%} {load.effective_rps:7.0f} {load.cpu_us:7.0f}"
            )
        print(row + (f"   {r.note}" if r.note else ""))
    print()
    for r in results:
        for load in r.loads:
            print(
                f"  {r.name} c{load.connections}: wrk statuses {load.statuses}, socket errors "
                f"{load.socket_errors}; sample {load.sampled_statuses}, {load.sampled_valid} schema-valid 201s, "
                f"{load.sampled_reflecting} of them echo the request's account/module ids"
            )


def print_ratios(results: list[Result], connections: list[int]) -> None:
    by_name = {r.name: r for r in results}
    mock = by_name.get("contract mock")
    if not mock or not mock.loads:
        return
    print()
    for other in results:
        if other is mock or not other.loads or other.name.startswith("contract mock --workers"):
            continue
        for mine, theirs in zip(mock.loads, other.loads, strict=False):
            raw = mine.rps / theirs.rps if theirs.rps else float("inf")
            effective = (
                f"{mine.effective_rps / theirs.effective_rps:.2f}x"
                if theirs.effective_rps
                else f"inf ({other.name}: no schema-valid 201s)"
            )
            cpu = f", CPU per answer {mine.cpu_us / theirs.cpu_us:.2f}x" if theirs.cpu_us else ""
            print(
                f"  mock/{other.name} c{mine.connections}: req/s {raw:.2f}x, schema-valid 201/s {effective}{cpu}"
            )


def print_big(results: list[Result], spec: Path) -> None:
    print(f"\nstart-up on {spec.name} (until any HTTP answer):")
    for r in results:
        outcome = (
            f"{r.startup_s:.2f} s (answered {r.first_status})"
            if r.startup_s is not None
            else r.note
        )
        print(f"  {r.name:28} {outcome}, peak RSS {r.peak_rss_mb:.0f} MB")


# ---------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of load per connection count"
    )
    parser.add_argument("--connections", type=int, nargs="+", default=[10, 50])
    parser.add_argument(
        "--warmup", type=int, default=2, help="seconds of unmeasured load before measuring"
    )
    parser.add_argument(
        "--only", help="run only servers whose name starts with this (e.g. 'contract', 'Prism')"
    )
    parser.add_argument(
        "--prism", default=PRISM, help=f"npm package spec of Prism (default {PRISM})"
    )
    parser.add_argument("--no-dynamic", action="store_true", help="skip Prism's dynamic mode (-d)")
    parser.add_argument("--no-big", action="store_true", help="skip the big-spec start-up")
    parser.add_argument("--no-load", action="store_true", help="only the big-spec start-up")
    parser.add_argument("--big-spec", type=Path, default=BIG_SPEC)
    parser.add_argument(
        "--big-timeout", type=float, default=240.0, help="cap on Prism's big-spec start-up"
    )
    parser.add_argument("--startup-timeout", type=float, default=120.0)
    parser.add_argument(
        "--json", type=Path, help="also write the results here (keep it out of the repo)"
    )
    return parser.parse_args()


def servers(
    args: argparse.Namespace, app_dir: Path, spec: Path, prism: str
) -> dict[str, Callable[[int], list[str]]]:
    chosen: dict[str, Callable[[int], list[str]]] = {
        "contract mock": lambda port: mock_command(port),
        "contract mock --no-journal": lambda port: mock_command(port, 1, None, "--no-journal"),
        "contract mock --workers 2": lambda port: mock_command(port, workers=2),
        "contract mock +100 expectations": lambda port: mock_command(port),
        "contract mock --store redis": lambda port: mock_command(
            port, 1, None, "--store", redis_store(app_dir)
        ),
        f"Prism {prism} static": lambda port: prism_command(port, spec),
        f"Prism {prism} dynamic": lambda port: prism_command(port, spec, dynamic=True),
        "bare ASGI (uvicorn, 1 worker)": lambda port: bare_command(port, app_dir),
    }
    if args.no_dynamic:
        chosen.pop(f"Prism {prism} dynamic")
    return {
        k: v for k, v in chosen.items() if not args.only or k.lower().startswith(args.only.lower())
    }


def redis_store(logs: Path) -> str:
    """A redis-server of the bench's own on a free port (stopped with the rest), for `--store`."""
    import redis  # the kit's dependency; only this entry needs it

    port = free_port()
    binary = require("redis-server", "install it (Debian: apt-get install redis-server)")
    command = [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(logs)]
    start(command, logs / "redis.log")
    client, deadline = redis.Redis(port=port), time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(redis.ConnectionError):
            if client.ping():
                return f"redis://127.0.0.1:{port}/0"
        time.sleep(0.05)  # a poll interval
    raise SystemExit(f"redis-server did not answer on port {port} (log in {logs})")


def main() -> int:
    args = parse_args()
    atexit.register(kill_all)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    require("wrk", "install it (Debian: apt-get install wrk)")
    PRISM_PACKAGE[0] = args.prism
    wants_prism = not args.only or args.only.lower().startswith("prism")
    if wants_prism:
        require("npx", "install Node.js (npx) to run Prism, or pass --only contract")
    spec_path = bundled_spec_path()
    validator = SchemaValidator(load_spec(spec_path), "response")
    logs = Path(tempfile.mkdtemp(prefix="mock-bench-"))
    prism = warm_npx() if wants_prism else "5"
    (logs / "body.json").write_bytes(mock_201_body(logs))
    (logs / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    script = logs / "post.lua"
    script.write_text(WRK_SCRIPT % {"body": BODY.decode()}, encoding="utf-8")
    print(
        f"{spec_path.name}: POST {PATH}, wrk -t2, {args.duration} s per connection count; "
        f"{os.cpu_count()} cores; logs in {logs}",
        flush=True,
    )
    chosen = {} if args.no_load else servers(args, logs, spec_path, prism)
    results = [
        measure_server(name, make, args, script, validator, logs) for name, make in chosen.items()
    ]
    if results:
        print_table(results, args.connections)
        print_ratios(results, args.connections)
    big: list[Result] = []
    if not args.no_big:
        big = measure_big(args, logs, prism, wants_prism)
        print_big(big, args.big_spec)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "date": time.strftime("%Y-%m-%d"),
                    "cores": os.cpu_count(),
                    "results": [_as_dict(r) for r in results],
                    "big_spec": [_as_dict(r) for r in big],
                },
                indent=2,
            )
        )
    return 0


def measure_big(
    args: argparse.Namespace, logs: Path, prism: str, wants_prism: bool
) -> list[Result]:
    spec = args.big_spec.resolve()
    if not spec.exists():
        print(f"\n(big spec {spec} not found: skipped)")
        return []
    port = free_port()
    found = [
        measure_startup_only(
            "contract mock", mock_command(port, spec=spec), port, args.startup_timeout, logs
        )
    ]
    if wants_prism:
        port = free_port()
        found.append(
            measure_startup_only(
                f"Prism {prism} static", prism_command(port, spec), port, args.big_timeout, logs
            )
        )
    return found


def _as_dict(result: Result) -> dict[str, Any]:
    data = asdict(result)
    for load, raw in zip(result.loads, data["loads"], strict=True):
        raw["valid_share"], raw["effective_rps"] = load.valid_share, load.effective_rps
    return data


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        kill_all()
        print(f"mock_bench: {exc}", file=sys.stderr)
        sys.exit(2)
