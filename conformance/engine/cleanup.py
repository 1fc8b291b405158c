"""The clean-up: at the end of a run, delete every record it created that still exists.

A staging server is shared; records a run leaves behind pile up run after run. The clean-up runs
after a spent budget and after Ctrl-C too, so its requests pass the request gate without spending
the budget (counted apart), and only to records the run created (the guard still applies).
"""

from __future__ import annotations

import requests

from conformance.engine.budget import RequestGate
from conformance.engine.credentials import run_headers
from conformance.engine.options import ConformOptions
from conformance.engine.ownership import Created, Ownership

DELETED = "deleted in the clean-up"
KEPT = "kept (--keep-created)"


def clean_up(ownership: Ownership, gate: RequestGate, options: ConformOptions) -> list[Created]:
    """Every record the run created, each with what became of it."""
    remaining = ownership.still_there()
    if options.keep_created:
        for created in remaining:
            created.outcome = KEPT
        return ownership.created()
    gate.cleaning = True
    try:
        with requests.Session() as session:
            # the credential's placeholder too: the request gate sets the current credential there
            session.headers.update(run_headers(options.headers, options.auth))
            session.verify = not options.insecure
            for created in remaining:
                created.outcome = _delete(session, created, options)
    finally:
        gate.cleaning = False
    return ownership.created()


def _delete(session: requests.Session, created: Created, options: ConformOptions) -> str:
    if created.delete is None:
        return "left behind: the spec documents no DELETE for it"
    try:
        answer = session.delete(
            options.base_url.rstrip("/") + created.path, timeout=options.timeout
        )
    except requests.RequestException as exc:
        return f"left behind: DELETE failed ({type(exc).__name__})"
    # 404/410: already gone, which is what the clean-up wants
    if 200 <= answer.status_code < 300 or answer.status_code in (404, 410):
        return DELETED
    return f"left behind: DELETE answered {answer.status_code}"
