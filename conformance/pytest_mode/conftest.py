"""Makes `pytest conformance/ --base-url URL` work: the options, hooks and fixtures live in pytest_plugin."""

from conformance.pytest_mode.plugin import (  # noqa: F401  # re-exported for pytest to find
    conform_options,
    conform_run,
    pytest_addoption,
    pytest_collection_finish,
    pytest_configure,
    pytest_sessionfinish,
    pytest_sessionstart,
    pytest_terminal_summary,
)
