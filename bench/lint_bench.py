"""Linter benchmark (a script, not a test): `contract lint` vs Redocly CLI and Spectral on one spec.

Each tool runs in its own process: one warm-up run (npx fills its cache, the OS its page cache), then
timed runs. Prints the median wall time and the peak RSS (of the process and the children it waited
for, from wait4) per tool, and how many problems each reported. Needs node/npx for the peers.

    .venv/bin/python bench/lint_bench.py                      # the largest spec of ../shared/corpus
    .venv/bin/python bench/lint_bench.py SPEC [--runs 3] [--only contract]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REDOCLY = "@redocly/cli@2.77.0"
SPECTRAL = "@stoplight/spectral-cli@6.16.3"


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    exit_code: int
    output: str


def largest_corpus_spec() -> Path:
    corpus = Path(os.environ.get("CONTRACT_CORPUS", REPO.parent / "shared" / "corpus"))
    specs = [p for p in corpus.glob("*") if p.suffix in (".json", ".yaml", ".yml")]
    if not specs:
        sys.exit(f"no specs in {corpus}; pass one")
    return max(specs, key=lambda p: p.stat().st_size)


def measure(command: list[str], cwd: Path) -> Run:
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Run(elapsed, usage.ru_maxrss / 1024, process.returncode, text)


def commands(spec: Path, workdir: Path) -> dict[str, list[str]]:
    ruleset = workdir / ".spectral.yaml"
    ruleset.write_text("extends: ['spectral:oas']\n", encoding="utf-8")
    return {
        "contract lint": [
            sys.executable,
            "-m",
            "contract_cli",
            "lint",
            str(spec),
            "--format",
            "json",
        ],
        f"Redocly CLI ({REDOCLY.rsplit('@', 1)[1]}, recommended)": [
            "npx",
            "--yes",
            REDOCLY,
            "lint",
            str(spec),
            "--format",
            "json",
        ],
        f"Spectral ({SPECTRAL.rsplit('@', 1)[1]}, spectral:oas)": [
            "npx",
            "--yes",
            SPECTRAL,
            "lint",
            str(spec),
            "--ruleset",
            str(ruleset),
            "--format",
            "json",
            "--quiet",
        ],
    }


def problem_count(tool: str, output: str) -> str:
    try:
        if tool.startswith("contract"):
            return str(len(json.loads(output)["findings"]))
        decoder = json.JSONDecoder()
        # a banner and progress lines surround the JSON; it lists 100 at most
        if tool.startswith("Redocly"):
            totals = decoder.raw_decode(output, output.index('{\n  "totals"'))[0]["totals"]
            return str(totals["errors"] + totals["warnings"])
        return str(len(decoder.raw_decode(output, output.index("["))[0]))
    except (ValueError, KeyError):
        match = re.search(r"(\d+) problems?", output)
        return match.group(1) if match else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="run only tools whose name starts with this")
    args = parser.parse_args()
    spec = (args.spec or largest_corpus_spec()).resolve()
    print(
        f"{spec.name}: {spec.stat().st_size / 1e6:.1f} MB, {args.runs} timed runs after one warm-up"
    )
    print(f"{'tool':42} {'median s':>9} {'peak RSS MB':>12} {'problems':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for tool, command in commands(spec, Path(tmp)).items():
            if args.only and not tool.lower().startswith(args.only.lower()):
                continue
            measure(command, Path(tmp))
            runs = [measure(command, Path(tmp)) for _ in range(args.runs)]
            seconds = statistics.median(r.seconds for r in runs)
            rss = max(r.peak_rss_mb for r in runs)
            print(
                f"{tool:42} {seconds:9.2f} {rss:12.0f} {problem_count(tool, runs[-1].output):>9}",
                flush=True,
            )


if __name__ == "__main__":
    main()
