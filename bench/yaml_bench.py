"""YAML loader benchmark (a script, not a test): fast PyPI YAML parsers vs PyYAML's CSafeLoader.

For each parser that is installed: median wall time to build the document from the text of each
YAML corpus spec, and whether the result equals PyYAML's with the kit's flavour (string keys, dates
kept as strings). A parser that is faster but builds a different document does not qualify. Line
numbers (`contract_core/lines.py`) are timed too: PyYAML's `compose` (what the kit used) against the
kit's tree of lines from libyaml's event stream.

    python bench/yaml_bench.py [SPEC.yaml ...] [--runs 3]

Run it in an environment where the candidates are installed
(`pip install rapidyaml yaml-rs ryaml libfyaml`); missing ones are skipped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402  (after the path tweak, so the kit in this checkout is measured)

from contract_core.spec import _parse_text, spec_loader  # noqa: E402
from contract_core.yaml_lines import block_line_tree, event_line_tree  # noqa: E402


def kit_loader(text: str) -> Any:
    return yaml.load(text, Loader=spec_loader())


def kit_compose(text: str) -> Any:
    return yaml.compose(text, Loader=spec_loader())


def candidates() -> dict[str, Callable[[str], Any]]:
    found: dict[str, Callable[[str], Any]] = {
        "PyYAML CSafeLoader (kit before)": kit_loader,
        "kit now: yaml-rs + string keys": lambda text: _parse_text(text, "bench"),
        "lines before: PyYAML compose": kit_compose,
        "lines: libyaml events": event_line_tree,
        "lines now: the block reader": block_line_tree,
    }
    try:
        import yaml_rs

        found["yaml-rs"] = yaml_rs.loads
    except ImportError:
        pass
    try:
        import ryaml

        found["ryaml"] = ryaml.loads
    except ImportError:
        pass
    try:
        import libfyaml

        found["libfyaml"] = lambda text: (
            libfyaml.loads(text).to_python()
            if hasattr(libfyaml.loads(text), "to_python")
            else libfyaml.loads(text)
        )
    except ImportError:
        pass
    try:
        import ryml

        found["rapidyaml (parse only, no Python objects)"] = lambda text: ryml.parse_in_arena(
            text.encode()
        )
    except ImportError:
        pass
    return found


def median_seconds(load: Callable[[str], Any], text: str, runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = load(text)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def first_difference(left: Any, right: Any, at: str = "#") -> str | None:
    """Where two parsed documents differ (None when equal), for the report."""
    if type(left) is not type(right):
        return f"{at}: {type(left).__name__} {str(left)[:40]!r} vs {type(right).__name__} {str(right)[:40]!r}"
    if isinstance(left, dict):
        if list(left) != list(right):
            missing = [k for k in left if k not in right][:3] or [
                k for k in right if k not in left
            ][:3]
            return f"{at}: keys differ ({missing!r}; types {[type(k).__name__ for k in right][:3]})"
        for key in left:
            found = first_difference(left[key], right[key], f"{at}/{key}")
            if found:
                return found
        return None
    if isinstance(left, list):
        if len(left) != len(right):
            return f"{at}: lengths {len(left)} vs {len(right)}"
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            found = first_difference(a, b, f"{at}/{i}")
            if found:
                return found
        return None
    return None if left == right else f"{at}: {left!r:.40} vs {right!r:.40}"


def yaml_corpus() -> list[Path]:
    corpus = Path(os.environ.get("CONTRACT_CORPUS", REPO.parent / "shared" / "corpus"))
    return sorted(p for p in corpus.glob("*.y*ml"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for spec in args.specs or yaml_corpus():
        text = spec.read_text(encoding="utf-8")
        print(f"\n{spec.name} ({len(text) / 1e6:.1f} MB)")
        reference = kit_loader(text)
        for name, load in candidates().items():
            try:
                seconds, result = median_seconds(load, text, args.runs)
            except Exception as exc:  # a parser that cannot read the spec is a result too
                print(f"  {name:45} failed: {type(exc).__name__}: {str(exc)[:80]}")
                continue
            same = (
                "n/a"
                if name.startswith("lines") or "rapidyaml" in name
                else (first_difference(reference, result) or "same document")
            )
            print(f"  {name:45} {seconds:6.3f} s   {same}")


if __name__ == "__main__":
    main()
