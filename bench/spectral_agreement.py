"""Agreement and speed (a script, not a test): `contract lint --ruleset` vs Spectral 6 on public rulesets.

For each vendored ruleset (tests/contract_spectools/rulesets/public) and each spec (the corpus plus the
bundled contract), runs Spectral and `contract lint --ruleset R SPEC --format json`, reduces each
finding to (rule, JSON pointer) over the rules the ruleset defines itself, and prints per pair: how
many each found, how many both, only Spectral, only ours, the median wall times and the speed-up.
Spectral's results are cached in bench/.spectral-cache (git-ignored); --refresh runs it again.
Needs node/npx (Spectral comes from npm through npx).

    .venv/bin/python bench/spectral_agreement.py                         # every ruleset x every spec
    .venv/bin/python bench/spectral_agreement.py --rulesets sps-commerce --runs 3 --refresh   # speed
    .venv/bin/python bench/spectral_agreement.py --json agreement.json   # everything, for a closer look
    .venv/bin/python bench/spectral_agreement.py --record                # the default suite's test data
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import statistics
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.contract_spectools.rulesets import spectral_runs as runs  # noqa: E402

CACHE = REPO / "bench" / ".spectral-cache"


@dataclass
class Pair:
    ruleset: str
    spec: str
    spectral_seconds: float | None = None
    our_seconds: float | None = None
    spectral_error: str | None = None
    our_error: str | None = None
    spectral_findings: int | None = None  # all of Spectral's, spectral:oas ones included
    spectral: list[list[str]] | None = None  # (rule, pointer) of the ruleset's own rules
    ours: list[list[str]] | None = None

    @property
    def compared(self) -> bool:
        return self.spectral is not None and self.ours is not None

    def both(self) -> list[tuple[str, ...]]:
        return sorted(self._keys(self.spectral) & self._keys(self.ours))

    def only_spectral(self) -> list[tuple[str, ...]]:
        return sorted(self._keys(self.spectral) - self._keys(self.ours)) if self.compared else []

    def only_ours(self) -> list[tuple[str, ...]]:
        return sorted(self._keys(self.ours) - self._keys(self.spectral)) if self.compared else []

    @staticmethod
    def _keys(keys: list[list[str]] | None) -> set[tuple[str, ...]]:
        return {tuple(k) for k in keys or []}

    @property
    def speedup(self) -> float | None:
        if (
            self.spectral_error
            or self.our_error
            or not self.spectral_seconds
            or not self.our_seconds
        ):
            return None  # a failed run is not a time
        return self.spectral_seconds / self.our_seconds


def default_specs() -> list[Path]:
    corpus = Path(os.environ.get("CONTRACT_CORPUS", REPO.parent / "shared" / "corpus"))
    found = sorted(p for p in corpus.glob("*") if p.suffix in (".json", ".yaml", ".yml"))
    return [*found, runs.BUNDLED_SPEC]


def cache_key(entry: Path, spec: Path) -> str:
    digest = hashlib.sha256(runs.SPECTRAL.encode())
    for path in [*sorted(runs.ruleset_files(entry)), spec]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def spectral(entry: Path, spec: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Spectral's findings and timings for the pair, from the cache unless --refresh."""
    cached = CACHE / f"{cache_key(entry, spec)}.json"
    if cached.exists() and not args.refresh:
        return dict(json.loads(cached.read_text(encoding="utf-8")))
    outcomes = [runs.run_spectral(entry, spec, timeout=args.timeout) for _ in range(args.runs)]
    last = outcomes[-1]
    # a crash or a timeout is the pair's result, not a reason to run it again
    result = {
        "seconds": [o.seconds for o in outcomes],
        "findings": last.findings,
        "error": last.error,
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(result), encoding="utf-8")
    return result


def compile_kit() -> None:
    """Our modules' bytecode, written once as pip writes it when it installs the kit. Without it, an
    editable install under PYTHONDONTWRITEBYTECODE=1 (CI images set it) would recompile our own
    modules in every timed run: about 40 ms that no installed copy pays."""
    for package in ("contract_core", "contract_spectools", "contract_cli"):
        compileall.compile_dir(REPO / package, quiet=1)


def ours(entry: Path, spec: Path, args: argparse.Namespace) -> runs.Outcome:
    outcomes = [
        runs.run_ours(entry, spec, timeout=args.timeout, memory_gb=args.memory_gb)
        for _ in range(args.runs)
    ]
    median = statistics.median(o.seconds for o in outcomes)
    return runs.Outcome(median, outcomes[-1].exit_code, outcomes[-1].findings, outcomes[-1].error)


def compare(name: str, spec: Path, args: argparse.Namespace) -> Pair:
    entry = runs.RULESETS[name]
    rules = runs.own_rules(entry)
    theirs = spectral(entry, spec, args)
    mine = ours(entry, spec, args)
    pair = Pair(name, spec.name, statistics.median(theirs["seconds"]), mine.seconds)
    pair.spectral_error, pair.our_error = theirs["error"], mine.error
    if theirs["findings"] is not None:
        pair.spectral_findings = len(theirs["findings"])
        pair.spectral = sorted(map(list, runs.spectral_keys(theirs["findings"], rules)))
    if mine.findings is not None:
        pair.ours = sorted(map(list, runs.our_keys(mine.findings, rules)))
    return pair


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def count(keys: list[Any] | None, compared: bool = True) -> str:
    return "-" if keys is None or not compared else str(len(keys))


def row(pair: Pair) -> str:
    counts = [count(pair.spectral), count(pair.ours)]
    counts += [
        count(keys(), pair.compared) for keys in (pair.both, pair.only_spectral, pair.only_ours)
    ]
    speedup = "-" if pair.speedup is None else f"{pair.speedup:.1f}x"
    line = f"{pair.ruleset:20} {pair.spec[:36]:36} " + " ".join(f"{c:>7}" for c in counts)
    line += f" {seconds(pair.spectral_seconds):>9} {seconds(pair.our_seconds):>8} {speedup:>8}"
    notes = [f"Spectral {pair.spectral_error}" if pair.spectral_error else ""]
    notes.append(f"ours {pair.our_error}" if pair.our_error else "")
    return line + "".join(f"\n    {' | '.join(note.splitlines())[:200]}" for note in notes if note)


HEADER = (
    f"{'ruleset':20} {'spec':36} {'Spectral':>7} {'ours':>7} {'both':>7} {'only S':>7} "
    f"{'only us':>7} {'Spectral s':>9} {'ours s':>8} {'speed-up':>8}"
)


def differences(pairs: list[Pair]) -> list[str]:
    """Each differing rule of a ruleset once: how many pointers, on which specs, two examples."""
    by_rule: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for pair in pairs:
        for side, keys in (
            ("only Spectral", pair.only_spectral()),
            ("only ours", pair.only_ours()),
        ):
            for rule, where in keys:
                by_rule.setdefault((pair.ruleset, rule, side), []).append((pair.spec, where))
    lines = []
    for (ruleset, rule, side), places in sorted(by_rule.items()):
        specs = ", ".join(f"{s} {n}" for s, n in Counter(s for s, _ in places).items())
        examples = "; ".join(f"{s}#{w}" for s, w in places[:2])
        lines.append(f"{ruleset} {rule}: {side} {len(places)} ({specs}), e.g. {examples}")
    return lines


def totals(pairs: list[Pair]) -> str:
    crashed = [p for p in pairs if p.spectral_error]
    failed = [p for p in pairs if p.our_error]
    spent = sum(p.spectral_seconds or 0 for p in pairs), sum(p.our_seconds or 0 for p in pairs)
    slowest = max((p.our_seconds or 0 for p in pairs), default=0)
    return (
        f"{len(pairs)} pairs: Spectral failed on {len(crashed)}, ours on {len(failed)}; "
        f"Spectral {spent[0]:.0f} s in all, ours {spent[1]:.0f} s (slowest spec {slowest:.1f} s)"
    )


# issue 19: at least 10x Spectral on every corpus spec, none over 5 s
GOAL_SPEEDUP, GOAL_SECONDS = 10.0, 5.0


def goals(pairs: list[Pair]) -> list[str]:
    """Per ruleset: its lowest speed-up and its slowest spec, against the goal. The goal is the
    issue's, on the corpus specs; the bundled contract, the smallest spec (a run of it is nearly all
    start-up on both sides), is told apart with its own speed-up."""
    lines = []
    for name in dict.fromkeys(p.ruleset for p in pairs):
        timed = [p for p in pairs if p.ruleset == name and p.speedup is not None]
        corpus = [p for p in timed if p.spec != runs.BUNDLED_SPEC.name]
        bundled = [f"the bundled contract {p.speedup:.1f}x" for p in timed if p not in corpus]
        if not corpus:
            lines.append(f"{name}: no corpus spec timed on both sides")
            continue
        lowest = min(corpus, key=lambda p: p.speedup or 0)
        slowest = max(corpus, key=lambda p: p.our_seconds or 0)
        met = (lowest.speedup or 0) >= GOAL_SPEEDUP and (slowest.our_seconds or 0) <= GOAL_SECONDS
        lines.append(
            f"{name}: lowest speed-up {lowest.speedup:.1f}x ({lowest.spec}), slowest "
            f"{slowest.our_seconds:.2f} s ({slowest.spec}), {len(corpus)} corpus specs: "
            + ("goal met" if met else "goal not met")
            + "".join(f"; {text}, outside the goal" for text in bundled)
        )
    return lines


def record() -> None:
    """Spectral's output on the bundled spec per ruleset, as the default suite reads it back."""
    runs.RECORDED.mkdir(exist_ok=True)
    for name, entry in runs.RULESETS.items():
        outcome = runs.run_spectral(entry, runs.BUNDLED_SPEC, timeout=240)
        if outcome.findings is None:
            sys.exit(f"{name}: Spectral gave no results ({outcome.error})")
        kept = [
            {k: f[k] for k in ("code", "path", "severity", "message")} for f in outcome.findings
        ]
        text = json.dumps(kept, indent=1, ensure_ascii=False) + "\n"
        (runs.RECORDED / f"{name}.json").write_text(text, encoding="utf-8")
        print(f"{name}: {len(kept)} findings recorded")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "specs", nargs="*", type=Path, help="default: the corpus and the bundled spec"
    )
    parser.add_argument("--rulesets", default=",".join(runs.RULESETS), help="comma-separated names")
    parser.add_argument("--runs", type=int, default=1, help="timed runs per tool (the median)")
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds per run and tool")
    parser.add_argument(
        "--memory-gb", type=float, default=4.0, help="address-space limit of our runs (default 4)"
    )
    parser.add_argument("--refresh", action="store_true", help="run Spectral even when cached")
    parser.add_argument("--json", type=Path, help="write every pair, with its keys, to this file")
    parser.add_argument("--record", action="store_true", help="record the default suite's data")
    args = parser.parse_args()
    if not runs.spectral_command():
        sys.exit("npx is not on PATH: Spectral comes from npm through npx")
    if args.record:
        return record()
    compile_kit()
    print(HEADER, flush=True)
    pairs = []
    for name in args.rulesets.split(","):
        for spec in [p.resolve() for p in args.specs] or default_specs():
            pairs.append(compare(name, spec, args))
            print(row(pairs[-1]), flush=True)
    print(totals(pairs))
    print(
        f"\nspeed goal ({GOAL_SPEEDUP:.0f}x Spectral on every corpus spec, none over {GOAL_SECONDS:.0f} s):"
    )
    print("\n".join(goals(pairs)))
    print("\ndifferences (ruleset rule: side count (specs), examples):")
    print("\n".join(differences(pairs)) or "none")
    if args.json:
        pairs_out = [{**asdict(p), "speedup": p.speedup} for p in pairs]
        args.json.write_text(json.dumps(pairs_out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
