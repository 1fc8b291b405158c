"""One plain-pytest conformance run (`pytest --pyargs conformance.pytest_mode.suite ...`), as conform sees one.

The tests send their cases through the same request gate and record every exchange in the same
Tally (and so the same CoverageTally) as conform's engine-driven run; at the end the same RunResult
is built, so the session can show conform's coverage table and reach conform's verdict.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from conformance.checker.sent_request import SentRequests
from conformance.engine.budget import RequestGate
from conformance.engine.cleanup import clean_up
from conformance.engine.options import ConformOptions
from conformance.engine.ownership import Ownership
from conformance.engine.project import project_settings
from conformance.engine.runner import (
    ensure_reachable,
    load_schemathesis_schema,
    result_of,
    run_gate,
    run_redactor,
)
from conformance.engine.schemathesis_checks import bind
from conformance.engine.tally import Tally
from conformance.reporting.coverage import CoverageTally
from conformance.reporting.findings import RunResult
from contract_core import Spec, load_spec
from contract_core.config import find_config
from contract_core.redact import Redactor


def with_project_config(options: ConformOptions, spec: Spec) -> ConformOptions:
    """The options with what contract.toml (or `[tool.contract]`) in the working directory adds, as
    `contract conform` reads it: `[conform.data]`, `[conform.auth]` and the values never to print.
    The table's other keys are conform's options; pytest mode takes its own from the command line."""
    config = find_config()
    table = config.table("conform", os.environ) if config is not None else None
    return options if table is None else replace(options, **project_settings(table, spec))


@dataclass
class PytestRun:
    options: ConformOptions
    spec: Spec
    schema: Any  # Schemathesis' schema, whose `parametrize` makes the tests
    redactor: Redactor
    gate: RequestGate
    ownership: Ownership
    # those whose tests were collected and selected
    operations: list[str] = field(default_factory=list)
    tally: Tally = field(init=False)
    # what the session created and what became of it (filled by `clean_up`)
    created: list[dict[str, Any]] = field(default_factory=list)
    _sent: SentRequests | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.tally = Tally(self.redactor, CoverageTally(self.spec, self.operations))

    @classmethod
    def start(cls, options: ConformOptions) -> PytestRun:
        """Load the spec and schema and check the target answers; raises ConformanceError when it cannot run."""
        spec = load_spec(options.spec_path)
        options = with_project_config(options, spec)
        schema = load_schemathesis_schema(spec, options)
        ensure_reachable(options.base_url, options.timeout)
        redactor = run_redactor(spec, schema, options)
        gate, ownership = run_gate(spec, options, redactor)
        return cls(options, spec, schema, redactor, gate, ownership)

    def clean_up(self) -> None:
        """Delete what the session created (unless --contract-keep-created), as conform does."""
        self.created = [
            created.as_dict() for created in clean_up(self.ownership, self.gate, self.options)
        ]

    def valid_as_sent(self, request: Any) -> bool:
        """Whether the request Schemathesis sent (a `requests.PreparedRequest`) reads as valid."""
        if self._sent is None:
            checker = bind(self.schema.raw_schema, self.spec)
            self._sent = SentRequests(checker.documented, urlsplit(self.options.base_url).path)
        body = request.body.encode() if isinstance(request.body, str) else request.body
        return self._sent.violations(request.method, request.url, dict(request.headers), body) == []

    def select(self, operations: list[str]) -> None:
        """Count coverage over the operations whose tests run (after `-k`, `--deselect`, `--shard`)."""
        self.operations = sorted(set(operations))
        self.tally.coverage = CoverageTally(self.spec, self.operations)

    def result(self) -> RunResult:
        result = result_of(
            self.options, self.spec, self.schema, self.operations, self.tally, self.gate
        )
        result.created, result.cleanup_requests = self.created, self.gate.cleanup_sent
        return result
