"""Agreement with Spectral 6 without node: our findings on the bundled spec, per vendored public
ruleset, against Spectral's output recorded once (`bench/spectral_agreement.py --record`).

The slow test_spectral_agreement.py runs Spectral itself; this one catches a regression in the
default suite.
"""

from __future__ import annotations

import json

import pytest

from contract_cli import main
from tests.contract_spectools.rulesets import spectral_runs as runs


def recorded(name: str) -> list[dict[str, object]]:
    return list(json.loads((runs.RECORDED / f"{name}.json").read_text(encoding="utf-8")))


def our_findings(capsys: pytest.CaptureFixture[str], name: str) -> list[dict[str, object]]:
    entry = str(runs.RULESETS[name])
    code = main(["lint", str(runs.BUNDLED_SPEC), "--ruleset", entry, "--format", "json"])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    return list(json.loads(out)["findings"])


@pytest.mark.parametrize("name", sorted(runs.RULESETS))
def test_our_findings_on_the_bundled_spec_match_spectrals_recorded_ones(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    if reason := runs.missing_engine():
        pytest.skip(reason)
    rules = runs.own_rules(runs.RULESETS[name])
    spectral = runs.agreeing(runs.spectral_keys(recorded(name), rules), name)
    ours = runs.agreeing(runs.our_keys(our_findings(capsys, name), rules), name)
    assert spectral, "the recording has no finding of the ruleset's own rules: nothing compared"
    assert (sorted(ours - spectral), sorted(spectral - ours)) == ([], []), (
        "(only ours, only Spectral)"
    )


def test_every_vendored_ruleset_has_a_recording() -> None:
    assert sorted(p.stem for p in runs.RECORDED.glob("*.json")) == sorted(runs.RULESETS)
