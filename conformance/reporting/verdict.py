"""A run's verdict: its exit code and the lines that explain it, the same for every driver.

`contract conform` and the plain pytest mode (`pytest --pyargs conformance.pytest_mode.suite`) both
end here, so a run that tested nothing is never green in either, with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.reporting.findings import RunResult

CONFORMANT, FINDINGS, NOT_TESTED = 0, 1, 2  # the kit's exit codes: ok, findings, could not run


@dataclass(frozen=True)
class Verdict:
    exit_code: int
    messages: tuple[str, ...]  # one line each, for stderr or pytest's terminal summary

    @property
    def untested(self) -> bool:
        return self.exit_code == NOT_TESTED


def judge(
    result: RunResult,
    min_coverage: float | None,
    conformant: bool | None = None,
    *,
    min_coverage_option: str = "--min-coverage",
) -> Verdict:
    """2 when nothing was tested (never green); 1 for new findings or too little coverage; else 0.

    A wrong credential or base path makes every finding its artefact: 2. Otherwise findings win over
    "nothing tested": a server that answers every valid request with an undocumented 200 exercised
    nothing, and its findings are what its developers need to see. `conformant` is the result's own
    (no new finding) unless the driver keeps findings elsewhere: pytest mode's are its failed tests.
    `min_coverage_option` is the driver's name for the option (pytest mode's is --contract-min-coverage)."""
    conformant = result.conformant if conformant is None else conformant
    if result.untested:
        code = FINDINGS if not conformant and not result.set_up_wrong else NOT_TESTED
        return Verdict(code, (f"nothing was tested: {result.untested}",))
    messages = [_not_exercised(result)] if result.not_exercised else []
    if min_coverage is not None and result.coverage_percent < min_coverage:
        messages.append(
            f"coverage {result.coverage_percent:.1f}% is below {min_coverage_option} {min_coverage:g}%"
        )
        return Verdict(FINDINGS, tuple(messages))
    return Verdict(CONFORMANT if conformant else FINDINGS, tuple(messages))


def _not_exercised(result: RunResult) -> str:
    return f"not exercised (no documented success for a valid request): {', '.join(result.not_exercised)}"
