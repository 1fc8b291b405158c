"""Agreement with Spectral 6 itself (slow, needs npx): per vendored public ruleset, on the bundled
spec and the smallest corpus spec, the (rule, JSON pointer) pairs of the ruleset's own rules are
Spectral's, except for the documented differences (spectral_runs.DOCUMENTED_DIFFERENCES).

bench/spectral_agreement.py runs every ruleset on every corpus spec and prints each difference.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import corpus_specs
from tests.contract_spectools.rulesets import spectral_runs as runs

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("npx") is None, reason="npx (node) is needed to run Spectral"),
]


def small_specs() -> list[Path]:
    smallest = min(corpus_specs(), key=lambda p: p.stat().st_size, default=None)
    return [runs.BUNDLED_SPEC] + ([smallest] if smallest else [])


@pytest.mark.parametrize("spec", small_specs(), ids=lambda p: p.name)
@pytest.mark.parametrize("name", sorted(runs.RULESETS))
def test_our_findings_are_spectrals_but_for_the_documented_differences(
    name: str, spec: Path
) -> None:
    if reason := runs.missing_engine():
        pytest.skip(reason)
    entry = runs.RULESETS[name]
    theirs = runs.run_spectral(entry, spec, timeout=240)
    ours = runs.run_ours(entry, spec, timeout=240)
    assert theirs.findings is not None, f"Spectral: {theirs.error}"
    assert ours.findings is not None, f"contract lint: {ours.error}"
    rules = runs.own_rules(entry)
    spectral = runs.agreeing(runs.spectral_keys(theirs.findings, rules), name)
    mine = runs.agreeing(runs.our_keys(ours.findings, rules), name)
    assert (sorted(mine - spectral), sorted(spectral - mine)) == ([], []), (
        "(only ours, only Spectral)"
    )
