"""Judging one exchange in process (a script, not a test): what each proxied request pays for the checks.

The bundled spec's Create Token: the mock's ~7 KB 201 with a fresh id and token per exchange (a correct
server), judged the way `contract proxy` judges it: the request checks before forwarding, then the
response checks. Reports p50/p99/worst per exchange and the p50 of each check on its own, and what a
violating exchange adds (its redactor and the journal's excerpt).

    .venv/bin/python bench/judge_bench.py
    .venv/bin/python bench/judge_bench.py --exchanges 50000
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mock_bench import BODY, HEADERS, PATH, REPO, BenchError, mock_201_body

from conformance.checker.exchange import Exchange
from conformance.traffic.judge import TrafficJudge
from contract_core.observed import Observed
from contract_core.spec import load_spec


def answer_template() -> bytes:
    body = mock_201_body(Path(tempfile.mkdtemp(prefix="judge-bench-")))
    import orjson

    document = orjson.loads(body)
    document["id"], document["token"] = "tok_@@ID@@", "pat_live_@@TOKEN@@"
    return orjson.dumps(document)


class Bench:
    def __init__(self, template: bytes) -> None:
        self.template = template
        self.judge = TrafficJudge(load_spec(REPO / "openapi" / "api-tokens.yaml"))
        self.match = self.judge.match("POST", PATH)
        if self.match is None:
            raise BenchError(f"POST {PATH} is not in the bundled spec")

    def observed(self, serial: int) -> Observed:
        body = self.template.replace(b"@@ID@@", b"%012d" % serial).replace(
            b"@@TOKEN@@", b"%032d" % serial
        )
        return Observed(
            "POST",
            PATH,
            list(HEADERS.items()),
            BODY,
            201,
            [("content-type", "application/json")],
            body,
        )

    def judge_once(self, serial: int) -> int:
        """Both sides of one exchange, as the proxy asks; the number of violations (0 for a correct server)."""
        observed = self.observed(serial)
        exchange = self.judge.exchange(observed, self.match)  # type: ignore[arg-type]
        found = self.judge.request_violations(exchange)
        answered = self.judge.with_response(
            exchange, 201, observed.response_headers, observed.response_body
        )
        return len(found) + len(self.judge.response_violations(answered))

    def parsed_exchange(self, serial: int) -> Exchange:
        """An exchange with its response body already parsed (the checks share one parse)."""
        exchange = self.judge.exchange(self.observed(serial), self.match)  # type: ignore[arg-type]
        _ = exchange.response_json
        return exchange


def timings(
    run: Callable[[Any], object],
    start: int,
    count: int,
    prepare: Callable[[int], Any] = lambda serial: serial,
) -> list[float]:
    """Microseconds per `run(prepare(serial))`; what `prepare` does is not timed."""
    spent = []
    for serial in range(start, start + count):
        argument = prepare(serial)
        began = time.perf_counter()
        run(argument)
        spent.append((time.perf_counter() - began) * 1e6)
    return spent


def line(name: str, spent: list[float]) -> str:
    ordered = sorted(spent)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    return f"  {name:36} p50 {statistics.median(spent):8.1f} us   p99 {p99:8.1f} us   worst {ordered[-1]:9.1f} us"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchanges", type=int, default=20_000)
    args = parser.parse_args()
    bench = Bench(answer_template())
    if bench.judge_once(0):
        raise BenchError("the correct 201 was judged to violate the contract")
    timings(bench.judge_once, 1, 500)  # warm: validators compiled, caches filled
    gc.collect()
    print(
        f"POST {PATH}: {len(bench.observed(1).response_body or b'')}-byte 201s, {args.exchanges} exchanges"
    )
    print(
        line(
            "whole exchange (request + response)", timings(bench.judge_once, 1_000, args.exchanges)
        )
    )
    print(
        line(
            "building the Exchange",
            timings(
                lambda o: bench.judge.exchange(o, bench.match), 9_000_000, 5_000, bench.observed
            ),
        )
    )
    print(
        line(
            "parsing the response body",
            timings(
                lambda e: e.response_json,
                9_000_000,
                5_000,
                lambda s: bench.judge.exchange(bench.observed(s), bench.match),
            ),
        )
    )
    for name, check in bench.judge.checker.by_name.items():
        print(
            line(
                name, timings(check, 10_000_000, min(args.exchanges, 5_000), bench.parsed_exchange)
            )
        )
    redact = timings(
        lambda s: bench.judge.redactor_for(bench.observed(s)).excerpt(
            bench.observed(s).response_body
        ),
        20_000_000,
        2_000,
    )
    print(line("a violation's redactor and excerpt", redact))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"judge_bench: {exc}", file=sys.stderr)
        sys.exit(2)
