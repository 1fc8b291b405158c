"""Failures that are the tool's, not the server's: Schemathesis misreading a path that another
operation documents, and a negative case whose bytes are valid as sent."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from conformance.checker.documented_responses import DocumentedResponses
from conformance.checker.sent_request import SentRequests
from conformance.engine.options import ConformOptions
from conformance.engine.ownership import path_under
from conformance.engine.schemathesis_checks import bind
from conformance.engine.tally import Excuse
from contract_core import Spec
from contract_core.contract import Contract


def run_excuse(spec: Spec, schema: Any, options: ConformOptions) -> Excuse:
    """Failures that are the tool's, not the server's (conform and pytest mode)."""
    misread = _documented_elsewhere(spec, options.base_url)
    valid = _valid_as_sent(bind(schema.raw_schema, spec).documented, options.base_url)
    return lambda check, interaction: misread(check, interaction) or valid(check, interaction)


def _valid_as_sent(documented: DocumentedResponses, base_url: str) -> Excuse:
    """`negative_data_rejection` on a case that is valid as sent: generated as invalid, but its bytes
    read as valid by the kit's own readers (a form's `encoding` rules, 3.1 `nullable`), so a server
    that accepts it is right (`conformance.checker.sent_request`)."""
    sent = SentRequests(documented, urlsplit(base_url).path)

    def excused(check: str, interaction: Any) -> bool:
        if interaction is None or check != "negative_data_rejection":
            return False
        request = interaction.request
        headers = {name: ", ".join(values) for name, values in request.headers.items()}
        return sent.violations(request.method, request.uri, headers, request.body) == []

    return excused


def _documented_elsewhere(spec: Spec, base_url: str) -> Excuse:
    """`unsupported_method` failures that are Schemathesis' misreading, not the server's defect: the
    method and concrete URL are another documented operation's (Qdrant's `GET /collections/x/points/batch`
    is `GET /collections/{name}/points/{id}`). Schemathesis' config cannot say this; it can for
    `negative_data_rejection` (`_REFUSALS_TOO`)."""
    matcher = Contract.of(spec).matcher

    def excused(check: str, interaction: Any) -> bool:
        if interaction is None or check != "unsupported_method":
            return False
        path = path_under(base_url, urlsplit(interaction.request.uri).path)
        return matcher.operation_id_anywhere(interaction.request.method, path) is not None

    return excused
