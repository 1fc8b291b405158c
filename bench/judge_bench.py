"""In-process cost of judging one proxied exchange (no HTTP): the request checks, then the response checks,
as `contract proxy` runs them, on the bundled spec's ~8 KB 201 (the mock's answer, a fresh id and token
per exchange so every check passes).

    .venv/bin/python bench/judge_bench.py [--exchanges 5000] [--rounds 3]

Prints p50/p90/p99 per exchange in microseconds, and the p50 of each check alone.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from typing import Any

import httpx

from contract_core import load_spec
from mock_server.server import running_mock
from traffic.judge import AFTER_RESPONSE, REQUEST_CHECKS, TrafficJudge
from traffic.observed import Observed

PATH = "/v1/accounts/api-tokens"
SENT = b'{"account":{"id":"acc_1"},"modules":[{"id":"mod_1"}],"name":"bench"}'
REQUEST_HEADERS = [("content-type", "application/json"), ("authorization", "Bearer bench-credential"),
                   ("accept", "application/json"), ("user-agent", "judge-bench")]


def mock_201() -> dict[str, Any]:
    with running_mock() as base_url:
        answer = httpx.post(base_url + PATH, content=SENT, headers=dict(REQUEST_HEADERS), timeout=30)
    if answer.status_code != 201:
        raise SystemExit(f"the mock answered {answer.status_code}: {answer.text[:300]}")
    return answer.json()


def observed(body: dict[str, Any], serial: int) -> Observed:
    fresh = {**body, "id": f"tok_bench{serial:012d}", "token": f"pat_live_bench{serial:024d}"}
    return Observed("POST", "http://127.0.0.1:4011" + PATH, REQUEST_HEADERS, SENT, 201,
                    [("content-type", "application/json")], json.dumps(fresh).encode())


def judge_once(judge: TrafficJudge, item: Observed) -> int:
    """What the proxy does per exchange: match, request checks, response checks."""
    match = judge.match(item.method, item.path)
    assert match is not None
    exchange = judge.exchange(item, match)
    found = judge.request_violations(exchange)
    found += judge.response_violations(judge.with_response(exchange, item.status, item.response_headers,
                                                           item.response_body))
    return len(found)


def per_check(judge: TrafficJudge, items: list[Observed]) -> dict[str, float]:
    """p50 microseconds of each check alone (uniqueness sees fresh values: each item once per check)."""
    times: dict[str, list[float]] = {}
    for item in items:
        match = judge.match(item.method, item.path)
        assert match is not None
        exchange = judge.exchange(item, match)
        for name in (*REQUEST_CHECKS, *AFTER_RESPONSE):
            start = time.perf_counter()
            judge.checker.by_name[name](exchange)
            times.setdefault(name, []).append((time.perf_counter() - start) * 1e6)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchanges", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    body = mock_201()
    print(f"201 body: {len(json.dumps(body))} bytes; {args.exchanges} exchanges x {args.rounds} rounds")
    judge = TrafficJudge(load_spec())
    serial = 0
    for round_number in range(1, args.rounds + 1):
        items = [observed(body, serial + i) for i in range(args.exchanges)]
        serial += args.exchanges
        gc.collect()
        times = []
        for item in items:
            start = time.perf_counter()
            violations = judge_once(judge, item)
            times.append((time.perf_counter() - start) * 1e6)
            if violations:
                raise SystemExit(f"the bench exchange has {violations} violations: fix the bench, not the checks")
        q = statistics.quantiles(times, n=100)
        print(f"round {round_number}: p50 {q[49]:.0f} us, p90 {q[89]:.0f} us, p99 {q[98]:.0f} us")
    items = [observed(body, serial + i) for i in range(min(args.exchanges, 2000))]
    for name, median in per_check(judge, items).items():
        print(f"  {name:36} p50 {median:7.1f} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
