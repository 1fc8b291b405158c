"""One request delivered: with the current credential, renewed and resent once after a 401, and
resent after the server's rate limit is waited out. The request gate calls it once per admitted
request, so a resend never spends the budget twice, and Schemathesis sees only the final answer.
"""

from __future__ import annotations

from collections.abc import Callable

import requests

from conformance.engine.credentials import Credential
from conformance.engine.rate_limits import Patience

Send = Callable[[requests.PreparedRequest], requests.Response]


def deliver(
    send: Send,
    request: requests.PreparedRequest,
    credential: Credential | None,
    patience: Patience | None,
) -> requests.Response:
    sent, value = _with_credential(request, credential)
    response = send(sent)
    renewing = credential if credential is not None and credential.renewable else None
    renewed, attempt = False, 0
    while _resendable(request):
        # a 401 to the run's own credential (not to a probe without one), which a renewal may cure
        if renewing and value is not None and not renewed and response.status_code == 401:
            renewing.renew_after_refusal(value)
            renewed = True
        elif patience is not None and patience.wait_to_resend(response, attempt):
            attempt += 1
        else:
            break
        response.close()
        sent, value = _with_credential(request, credential)
        response = send(sent)
    response.request = request  # what Schemathesis records: the placeholder, never the credential
    return response


def _with_credential(
    request: requests.PreparedRequest, credential: Credential | None
) -> tuple[requests.PreparedRequest, str | None]:
    return (request, None) if credential is None else credential.apply(request)


def _resendable(request: requests.PreparedRequest) -> bool:
    """A body read from a stream cannot be sent twice (Schemathesis sends bytes; a user's hook may not)."""
    return request.body is None or isinstance(request.body, (bytes, str))
