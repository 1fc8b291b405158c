"""Wall time of `contract conform` against the same Schemathesis run driven directly (`st run`).

    .venv/bin/python bench/conform_bench.py [--rounds 5] [--base-url URL -H 'Authorization: ...']

Without --base-url it serves the correct test implementation (tests/conformance/implementations.py)
on a free local port. Both commands get the same spec, seed, examples, headers and
continue-on-failure; each round runs both, alternating which goes first. Prints medians and the
overhead of `contract conform` (request gate, our checks, redaction, reports) over plain `st run`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))

from conformance.engine.options import DEFAULT_MAX_EXAMPLES  # noqa: E402  # after the path set-up above
from contract_core import bundled_spec_path  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--base-url")
    parser.add_argument("-H", "--header", dest="headers", action="append", default=[])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with ExitStack() as stack:
        base_url, headers = args.base_url, args.headers
        if base_url is None:
            from tests.conformance.conftest import AUTH
            from tests.conformance.implementations import create_app
            from tests.conformance.serving import serve

            base_url, headers = stack.enter_context(serve(create_app())), [AUTH]
        commands = {
            "contract conform": conform_command(base_url, headers, args.seed),
            "st run": st_command(base_url, headers, args.seed),
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for round_ in range(args.rounds):
            order = list(commands) if round_ % 2 == 0 else list(reversed(commands))
            for name in order:
                times[name].append(timed(commands[name]))
    conform, st = (statistics.median(times[n]) for n in ("contract conform", "st run"))
    print(
        f"target: {base_url}; {args.rounds} rounds; max-examples {DEFAULT_MAX_EXAMPLES}; seed {args.seed}"
    )
    for name, values in times.items():
        print(
            f"{name:>17}: median {statistics.median(values):.2f} s  (min {min(values):.2f}, max {max(values):.2f})"
        )
    print(f"         overhead: {conform - st:+.2f} s ({(conform / st - 1) * 100:+.0f}%)")
    return 0


def conform_command(base_url: str, headers: list[str], seed: int) -> list[str]:
    return [
        str(BIN / "contract"),
        "conform",
        "--base-url",
        base_url,
        "--seed",
        str(seed),
        *(arg for header in headers for arg in ("-H", header)),
    ]


def st_command(base_url: str, headers: list[str], seed: int) -> list[str]:
    return [
        str(BIN / "st"),
        "run",
        str(bundled_spec_path()),
        "--url",
        base_url,
        "--seed",
        str(seed),
        "--max-examples",
        str(DEFAULT_MAX_EXAMPLES),
        "--continue-on-failure",
        "--no-color",
        *(arg for header in headers for arg in ("-H", header)),
    ]


def timed(command: list[str]) -> float:
    # `st run` writes caches into its working directory
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        result = subprocess.run(command, cwd=scratch, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(
            f"{command[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return elapsed


if __name__ == "__main__":
    sys.exit(main())
