"""Fixture engine benchmark (a script, not a test).

For each spec: every operation x documented response with a body, one warm-up pass (compiles the
validators, fills Faker's pools), then timed passes. Prints fixtures/s, p50/p99/max ms per fixture
and the largest fixture in bytes.

    .venv/bin/python bench/fixtures_bench.py                 # bundled spec + ../shared/corpus
    .venv/bin/python bench/fixtures_bench.py SPEC [SPEC ...] [--seeds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from contract_core import bundled_spec_path, load_spec
from mock_server.fixtures import FixtureEngine

REPO = Path(__file__).resolve().parent.parent


def default_specs() -> list[Path]:
    corpus = Path(os.environ.get("CONTRACT_CORPUS", REPO.parent / "shared" / "corpus"))
    found = (
        sorted(p for p in corpus.glob("*") if p.suffix in (".json", ".yaml"))
        if corpus.is_dir()
        else []
    )
    return [bundled_spec_path(), *found]


def bench(path: Path, seeds: int) -> dict[str, object]:
    started = time.perf_counter()
    spec = load_spec(path)
    engine = FixtureEngine(spec)
    jobs = [
        (op, t) for op in spec.operations for t in engine.response_targets(op) if t.schema_pointer
    ]
    for op, target in jobs:  # warm-up
        engine.fixture(op, target, seed=0)
    warm = time.perf_counter() - started
    times: list[float] = []
    largest = 0
    for seed in range(1, seeds + 1):
        for op, target in jobs:
            t0 = time.perf_counter()
            body = engine.fixture(op, target, seed=seed).body
            times.append(time.perf_counter() - t0)
            largest = max(largest, len(json.dumps(body, separators=(",", ":"))))
    times.sort()
    return {
        "spec": path.name,
        "fixtures": len(times),
        "per_s": round(len(times) / sum(times)),
        "p50_ms": round(statistics.median(times) * 1e3, 3),
        "p99_ms": round(times[int(len(times) * 0.99) - 1] * 1e3, 3),
        "max_ms": round(times[-1] * 1e3, 2),
        "largest_bytes": largest,
        "startup_s": round(warm, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("specs", nargs="*", type=Path)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    columns = (
        "spec",
        "fixtures",
        "per_s",
        "p50_ms",
        "p99_ms",
        "max_ms",
        "largest_bytes",
        "startup_s",
    )
    print(" | ".join(columns))
    for path in args.specs or default_specs():
        row = bench(path, args.seeds)
        print(" | ".join(str(row[c]) for c in columns), flush=True)


if __name__ == "__main__":
    main()
