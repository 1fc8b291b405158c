"""The core functions: the real package when present, else the stand-in (see standin_functions.py)."""

from __future__ import annotations

import importlib.util
import sys

from contract_spectools.rulesets.registry import FUNCTIONS_MODULE, core_functions
from tests.contract_spectools.rulesets import standin_functions

if importlib.util.find_spec(FUNCTIONS_MODULE) is None:
    sys.modules[FUNCTIONS_MODULE] = standin_functions
    core_functions.cache_clear()
