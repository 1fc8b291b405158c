"""`contract proxy` start-up compiles the contract once: one view, one path matcher, shared by the judge,
the checker and the in-process mock."""

from __future__ import annotations

from typing import Any

from conformance.traffic.proxy import ProxySettings, create_proxy_app
from contract_core import load_spec
from contract_core.contract import Contract
from contract_core.paths import PathMatcher


def test_one_compiled_view_for_the_judge_the_checker_and_the_fallback_mock(
    monkeypatch: Any,
) -> None:
    matchers: list[PathMatcher] = []
    original = PathMatcher.__init__

    def counted(self: PathMatcher, spec: Any) -> None:
        matchers.append(self)
        original(self, spec)

    monkeypatch.setattr(PathMatcher, "__init__", counted)
    spec = load_spec()
    proxy = create_proxy_app(spec, ProxySettings("http://127.0.0.1:9", fallback_mock=True))
    assert len(matchers) == 1
    contract = Contract.of(spec)
    assert proxy.judge.contract is contract and proxy.judge.matcher is contract.matcher
    assert proxy.fallback is not None
    assert proxy.fallback.app.responder.contract is contract
