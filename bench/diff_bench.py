"""Diff benchmark (a script, not a test): `contract diff` vs api-smart-diff on a spec and a copy with one edit.

The edit is the one the issue names: one property of Stripe's `charge` schema changes type
(`charge.amount`: integer -> string). Each tool runs in its own process, one warm-up then timed runs
(median wall time, peak RSS from wait4, as `lint_bench.py` measures). api-smart-diff has no command
line, so a five-line Node driver calls its `apiCompare`; it is installed once with npm into
~/.cache/contract-bench. oasdiff, the reference tool, is Go and not in the registries we can
install from (PyPI, npm, Debian), so it is not measured.

    .venv/bin/python bench/diff_bench.py [SPEC.json] [--runs 3] [--only contract]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from lint_bench import measure  # the same timing and RSS method as the linter benchmark

REPO = Path(__file__).resolve().parent.parent
STRIPE = REPO.parent / "shared" / "corpus" / "stripe-2021-08-23-spec3.json"
API_SMART_DIFF = "api-smart-diff@1.0.6"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "contract-bench"
DRIVER = """
const fs = require('fs');
const { apiCompare } = require('api-smart-diff');
const read = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));
const { diffs } = apiCompare(read(process.argv[2]), read(process.argv[3]));
console.log(JSON.stringify({ total: diffs.length, breaking: diffs.filter((d) => d.type === 'breaking').length }));
"""


def edited_copy(spec: Path, workdir: Path) -> Path:
    """The spec with `charge.amount` turned from integer into string (or the first integer property found)."""
    document = json.loads(spec.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    name, prop = ("charge", "amount") if "charge" in schemas else _first_integer_property(schemas)
    schemas[name]["properties"][prop]["type"] = "string"
    edited = workdir / f"edited-{spec.name}"
    edited.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return edited


def _first_integer_property(schemas: dict) -> tuple[str, str]:
    for name, schema in schemas.items():
        for prop, value in (schema.get("properties") or {}).items():
            if isinstance(value, dict) and value.get("type") == "integer":
                return name, prop
    sys.exit("no integer property to edit")


def api_smart_diff_driver() -> Path:
    """Install api-smart-diff once (npm) and write the driver beside it."""
    if not (CACHE / "node_modules" / "api-smart-diff").is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(CACHE), API_SMART_DIFF], check=True
        )
    driver = CACHE / "asd-driver.js"
    driver.write_text(DRIVER, encoding="utf-8")
    return driver


def commands(base: Path, revision: Path) -> dict[str, list[str]]:
    return {
        "contract diff": [
            sys.executable,
            "-m",
            "contract_cli",
            "diff",
            str(base),
            str(revision),
            "--format",
            "json",
            "--all",
        ],
        f"api-smart-diff {API_SMART_DIFF.rsplit('@', 1)[1]}": [
            "node",
            str(api_smart_diff_driver()),
            str(base),
            str(revision),
        ],
    }


def reported(tool: str, output: str) -> str:
    try:
        if tool.startswith("contract"):
            summary = json.loads(output)["summary"]
            return f"{summary['total']} ({summary['error']} errors)"
        counts = json.loads(output.strip().splitlines()[-1])
        return f"{counts['total']} ({counts['breaking']} breaking)"
    except (ValueError, KeyError, IndexError):
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path, default=STRIPE)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="run only tools whose name starts with this")
    args = parser.parse_args()
    spec = args.spec.resolve()
    print(
        f"{spec.name}: {spec.stat().st_size / 1e6:.1f} MB against a copy with one property's type changed; "
        f"{args.runs} timed runs after one warm-up"
    )
    print(f"{'tool':28} {'median s':>9} {'peak RSS MB':>12}  changes reported")
    with tempfile.TemporaryDirectory() as tmp:
        revision = edited_copy(spec, Path(tmp))
        for tool, command in commands(spec, revision).items():
            if args.only and not tool.lower().startswith(args.only.lower()):
                continue
            measure(command, REPO)
            runs = [measure(command, REPO) for _ in range(args.runs)]
            seconds = statistics.median(r.seconds for r in runs)
            rss = max(r.peak_rss_mb for r in runs)
            print(
                f"{tool:28} {seconds:9.2f} {rss:12.0f}  {reported(tool, runs[-1].output)}",
                flush=True,
            )


if __name__ == "__main__":
    main()
