"""A run's verdict: its exit code and the lines that explain it, the same for every driver.

`contract conform`, the plain pytest mode (`pytest --pyargs conformance.pytest_mode.suite`) and
`contract verify` all end here, so a run that tested nothing is never green in any of them, a known
finding never fails one, and `--update-baseline` passes each the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conformance.reporting.findings import Findings

CONFORMANT, FINDINGS, NOT_TESTED = 0, 1, 2  # the kit's exit codes: ok, findings, could not run


@dataclass(frozen=True)
class Verdict:
    exit_code: int
    messages: tuple[str, ...]  # one line each, for stderr or pytest's terminal summary


def judge(
    result: Findings[Any],
    min_coverage: float | None = None,
    conformant: bool | None = None,
    *,
    updating_baseline: bool = False,
    min_coverage_option: str = "--min-coverage",
) -> Verdict:
    """2 when nothing was tested or the run was cut short (never green); 1 for new findings or too
    little coverage; else 0.

    A wrong set-up (a credential, a base path, a record without bodies) makes every finding its
    artefact: 2. Otherwise findings win over "nothing tested": a server that answers every valid
    request with an undocumented 200 exercised nothing, and its findings are what its developers need
    to see. A run that tested something and wrote its findings as the baseline (`updating_baseline`)
    passes. `conformant` is the result's own (no new finding) unless the driver keeps findings
    elsewhere: pytest mode's are its failed tests. `min_coverage_option` is the driver's name for
    the option (pytest mode's is --contract-min-coverage)."""
    conformant = result.conformant if conformant is None else conformant
    if result.untested:
        code = FINDINGS if not conformant and not result.set_up_wrong else NOT_TESTED
        stopped = (result.incomplete,) if result.incomplete else ()
        return Verdict(code, (*stopped, f"{result.untested_headline}: {result.untested}"))
    if result.incomplete:
        # what ran may be clean, but a run cut short proves nothing about the rest: never green
        return Verdict(FINDINGS if not conformant else NOT_TESTED, (result.incomplete,))
    if updating_baseline:
        return Verdict(CONFORMANT, ())
    notes = tuple(result.coverage_notes())
    shortfall = result.coverage_shortfall(min_coverage, min_coverage_option)
    if shortfall:
        return Verdict(FINDINGS, (*notes, shortfall))
    return Verdict(CONFORMANT if conformant else FINDINGS, notes)
