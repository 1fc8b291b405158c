"""The conformance suites as plain pytest tests, for teams that want them in their own test run.

    pytest conformance/ --base-url https://staging.example.com --header 'Authorization: Bearer ...'

or, with the kit installed, `pytest --pyargs conformance --base-url ...`. The same Schemathesis
checks and the kit's own checks run, under the same request gate (`--max-requests`, `--rate-limit`).
Without `--base-url` the suite is skipped, so a plain `pytest` never reaches for a live server.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.budget import RequestGate, origin_of
from conformance.options import (
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_MAX_REQUESTS,
    DEFAULT_TIMEOUT,
    ConformOptions,
    parse_header,
    parse_rate_limit,
)
from conformance.redact import Redactor


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract-conform", "contract conformance against a live implementation")
    _add(group, "--base-url", dest="conform_base_url", help="the implementation under test")
    group.addoption("--spec", dest="conform_spec", help="OpenAPI file (default: the bundled contract)")
    group.addoption("--header", dest="conform_headers", action="append", default=[], metavar="'Name: value'",
                    help="header sent with every request; repeatable")
    group.addoption("--max-examples", dest="conform_max_examples", type=int, default=DEFAULT_MAX_EXAMPLES)
    group.addoption("--max-requests", dest="conform_max_requests", type=int, default=DEFAULT_MAX_REQUESTS)
    group.addoption("--rate-limit", dest="conform_rate_limit", metavar="N/s")
    group.addoption("--request-timeout", dest="conform_timeout", type=float, default=DEFAULT_TIMEOUT)
    group.addoption("--conform-seed", dest="conform_seed", type=int)
    group.addoption("--insecure", dest="conform_insecure", action="store_true")


def _add(group: Any, name: str, **kwargs: Any) -> None:
    with contextlib.suppress(ValueError):  # pytest-base-url already owns --base-url; we read its value then
        group.addoption(name, **kwargs)


_ACTIVE: dict[str, ConformOptions | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    _ACTIVE["options"] = options_from(config)


def active_options() -> ConformOptions | None:
    """The options of this pytest session (None without --base-url); read at collection time."""
    return _ACTIVE.get("options")


def options_from(config: pytest.Config) -> ConformOptions | None:
    base_url = config.getoption("conform_base_url", None) or config.getoption("base_url", None)
    if not base_url:
        return None
    rate = config.getoption("conform_rate_limit")
    return ConformOptions(
        base_url=base_url,
        spec_path=Path(config.getoption("conform_spec")) if config.getoption("conform_spec") else None,
        headers=dict(parse_header(text) for text in config.getoption("conform_headers")),
        max_examples=config.getoption("conform_max_examples"),
        max_requests=config.getoption("conform_max_requests"),
        rate_limit=parse_rate_limit(rate) if rate else None,
        timeout=config.getoption("conform_timeout"),
        seed=config.getoption("conform_seed"),
        insecure=config.getoption("conform_insecure"),
    )


@pytest.fixture(scope="session")
def conform_options(pytestconfig: pytest.Config) -> ConformOptions:
    options = options_from(pytestconfig)
    if options is None:
        pytest.skip("conformance suites need --base-url")
    return options


@pytest.fixture(scope="session")
def conform_gate(conform_options: ConformOptions) -> Iterator[RequestGate]:
    gate = RequestGate(origin_of(conform_options.base_url), conform_options.max_requests, conform_options.rate_limit)
    with gate.installed():
        yield gate


@pytest.fixture(scope="session")
def conform_redactor(conform_options: ConformOptions) -> Redactor:
    redactor = Redactor()
    redactor.add_headers(conform_options.headers)
    return redactor


def load_schema(options: ConformOptions) -> Any:
    from conformance.runner import load_schemathesis_schema
    from contract_core import load_spec

    return load_schemathesis_schema(load_spec(options.spec_path), options)
