from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from contract_core import Spec, load_spec
from contract_core.validation import SchemaValidator

# A small profile by default (CI, `make test`); HYPOTHESIS_PROFILE=nightly for a long search.
settings.register_profile("ci", max_examples=25, deadline=None)
settings.register_profile(
    "nightly", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parent.parent


def corpus_dir() -> Path | None:
    """The large public specs (../shared/corpus by default, or $CONTRACT_CORPUS); None when absent."""
    folder = Path(os.environ.get("CONTRACT_CORPUS", REPO.parent / "shared" / "corpus"))
    return folder if folder.is_dir() else None


def corpus_specs() -> list[Path]:
    folder = corpus_dir()
    if folder is None:
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".json", ".yaml", ".yml"))


def corpus_params() -> list[object]:
    """Parametrize values for corpus tests: one per spec, or one skipped placeholder when absent."""
    specs = corpus_specs()
    if not specs:
        return [
            pytest.param(
                None, marks=pytest.mark.skip(reason="no corpus folder (set CONTRACT_CORPUS)")
            )
        ]
    return [pytest.param(p, id=p.stem) for p in specs]


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="session")
def validator(spec: Spec) -> SchemaValidator:
    return SchemaValidator(spec)
