"""The style ruleset on every corpus spec: the run ends (under --timeout), and its findings are located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract_cli import main
from tests.conftest import corpus_params

STYLE = Path(__file__).parent / "data" / "style.yaml"


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.parametrize("spec", corpus_params())
def test_the_style_ruleset_on_a_corpus_spec(capsys: pytest.CaptureFixture[str], spec: Path) -> None:
    code = main(
        ["lint", "--format", "json", "--timeout", "120", "--ruleset", str(STYLE), str(spec)]
    )
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err  # 2 would be a timeout or an unreadable spec
    found = json.loads(captured.out)["findings"]
    own = [
        f
        for f in found
        if f["rule"]
        in {
            "operation-summary",
            "schema-properties-described",
            "paths-kebab-case",
            "query-params-camel",
            "info-contact",
        }
    ]
    assert own, "the ruleset found nothing on a large public spec"
    assert all(f["line"] for f in own)
