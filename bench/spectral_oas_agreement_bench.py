"""The bundled `spectral:oas` rules against Spectral itself (a script, not a test: it runs Spectral).

For each spec, both tools lint with `extends: [[spectral:oas, all]]`; the `(rule, JSON pointer)` pairs
of the rules the kit runs from its bundled translation are compared. Prints the counts and the pairs
only one tool reported. Needs node/npx. Exit 1 when any spec differs.

    .venv/bin/python bench/spectral_oas_agreement_bench.py                # the bundled spec + the corpus
    .venv/bin/python bench/spectral_oas_agreement_bench.py SPEC [SPEC...]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from contract_core import bundled_spec_path
from contract_spectools.rulesets.loader import load_ruleset
from contract_spectools.rulesets.spectral_oas import BUNDLED

REPO = Path(__file__).resolve().parent.parent
SPECTRAL = "@stoplight/spectral-cli@6.16.3"
Pairs = set[tuple[str, str]]


def pointer(path: list[str | int]) -> str:
    return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def spectral_pairs(ruleset: Path, spec: Path, names: set[str]) -> Pairs:
    command = ["npx", "--yes", SPECTRAL, "lint", "-r", str(ruleset), str(spec), "-f", "json", "-q"]
    out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    return {(d["code"], pointer(d["path"])) for d in json.loads(out or "[]") if d["code"] in names}


def kit_pairs(ruleset: Path, spec: Path, names: set[str]) -> Pairs:
    command = [sys.executable, "-m", "contract_cli", "lint", "--ruleset", str(ruleset)]
    out = subprocess.run([*command, "--format", "json", str(spec)], capture_output=True, text=True)
    found = json.loads(out.stdout)["findings"]
    return {(f["rule"], f["pointer"]) for f in found if f["rule"] in names}


def compare(ruleset: Path, spec: Path, names: set[str]) -> bool:
    theirs, ours = spectral_pairs(ruleset, spec, names), kit_pairs(ruleset, spec, names)
    print(
        f"{spec.name}: Spectral {len(theirs)}, contract lint {len(ours)}, both {len(theirs & ours)}"
    )
    for pair in sorted(theirs - ours):
        print("  only Spectral:", *pair)
    for pair in sorted(ours - theirs):
        print("  only contract lint:", *pair)
    return theirs == ours


def default_specs() -> list[Path]:
    corpus = REPO.parent / "shared" / "corpus"
    return [
        bundled_spec_path(),
        *sorted(p for p in corpus.glob("*") if p.suffix in {".yaml", ".json"}),
    ]


def main() -> None:
    specs = [Path(a) for a in sys.argv[1:]] or default_specs()
    names = set(load_ruleset(BUNDLED).rules)
    with tempfile.TemporaryDirectory() as folder:
        ruleset = Path(folder) / "all.yaml"
        ruleset.write_text("extends: [[spectral:oas, all]]\n", encoding="utf-8")
        same = [compare(ruleset, spec, names) for spec in specs]
    sys.exit(0 if all(same) else 1)


if __name__ == "__main__":
    main()
