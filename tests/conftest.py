from __future__ import annotations

import pytest

from contract_core import Spec, load_spec
from contract_core.validation import SchemaValidator


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="session")
def validator(spec: Spec) -> SchemaValidator:
    return SchemaValidator(spec)
