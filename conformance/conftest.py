"""Makes `pytest conformance/ --base-url URL` work: the options and fixtures live in pytest_plugin."""

from conformance.pytest_plugin import (  # noqa: F401  # re-exported for pytest to find
    conform_gate,
    conform_options,
    conform_redactor,
    pytest_addoption,
    pytest_configure,
)
