"""`[conform.auth]` tables validated with the place named; Retry-After read and waits bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from conformance.engine.auth import AuthSettings, InvalidAuthTable, auth_from_table
from conformance.engine.rate_limits import LAST_BACKOFF, Patience, retry_after_seconds

WHERE = "contract.toml [conform.auth]"
OAUTH = {
    "type": "oauth2-client-credentials",
    "token-url": "https://idp.example/oauth/token",
    "client-id": "ci",
    "client-secret": "s3cret-value",
    "scope": "tokens:write",
}


def test_each_type_reads_into_its_settings() -> None:
    assert auth_from_table(OAUTH, WHERE) == AuthSettings(
        "oauth2-client-credentials",
        token_url="https://idp.example/oauth/token",
        client_id="ci",
        client_secret="s3cret-value",
        scope="tokens:write",
    )
    command = {"type": "command", "command": "vault read -field=token x", "refresh-seconds": 300}
    assert auth_from_table(command, WHERE).refresh_seconds == 300
    header = {"type": "header", "header": "X-Api-Key: abcd1234"}
    assert auth_from_table(header, WHERE).header == "X-Api-Key: abcd1234"


@pytest.mark.parametrize(
    ("table", "said"),
    [
        (
            {**OAUTH, "client_secret": "x"},
            "unknown key 'client_secret': did you mean 'client-secret'?",
        ),
        ({"type": "oauth2"}, "type 'oauth2': set type to one of"),
        ({"command": "x"}, "no type"),
        ({"type": "command"}, "type 'command' needs 'command': add it"),
        ({**OAUTH, "command": "x"}, "'command' does not apply to type 'oauth2-client-credentials'"),
        ({**OAUTH, "token-url": "idp.example/token"}, "'token-url' must be an http://"),
        ({"type": "command", "command": "x", "refresh-seconds": 0}, "'refresh-seconds' must be"),
        ({"type": "header", "header": "no colon here"}, "'header' must read 'Name: value'"),
        ({**OAUTH, "client-id": ""}, "'client-id' must be a non-empty string"),
    ],
)
def test_a_bad_table_is_one_line_naming_the_place_and_the_fix(
    table: dict[str, Any], said: str
) -> None:
    with pytest.raises(InvalidAuthTable) as error:
        auth_from_table(table, WHERE)
    message = str(error.value)
    assert message.startswith(f"{WHERE}: ") and said in message and "\n" not in message


@given(st.text(min_size=1, max_size=30).filter(lambda k: k not in {"type", *OAUTH}))
def test_any_unknown_key_is_named_and_no_value_is_quoted(key: str) -> None:
    with pytest.raises(InvalidAuthTable) as error:
        auth_from_table({**OAUTH, key: "v4lue-not-shown"}, WHERE)
    assert f"unknown key '{key}'" in str(error.value)
    assert "v4lue-not-shown" not in str(error.value) and "s3cret" not in str(error.value)


NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)


@given(st.integers(min_value=0, max_value=10**6))
def test_delta_seconds_are_read_as_given(seconds: int) -> None:
    assert retry_after_seconds(str(seconds), NOW) == seconds


@given(st.integers(min_value=-3600, max_value=3600))
def test_an_http_date_is_the_time_until_then(offset: int) -> None:
    date = format_datetime(NOW + timedelta(seconds=offset), usegmt=True)
    assert retry_after_seconds(date, NOW) == max(0, offset)


@pytest.mark.parametrize("value", [None, "", "soon", "-1", "1.5"])
def test_an_unreadable_retry_after_is_none(value: str | None) -> None:
    assert retry_after_seconds(value, NOW) is None


def _answer(status: int, retry_after: str | None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


answers = st.tuples(
    st.sampled_from([200, 401, 429, 500, 503]),
    st.one_of(st.none(), st.integers(0, 120).map(str)),
    st.integers(0, 10),
)


@given(
    st.lists(answers, max_size=40),
    st.floats(0.1, 30),
    st.floats(0, 100),
)
def test_waits_stay_within_the_timeout_each_and_the_cap_in_all(
    sequence: list[tuple[int, str | None, int]], timeout: float, cap: float
) -> None:
    slept: list[float] = []
    patience = Patience(timeout, cap, sleep=slept.append, now=lambda: NOW)
    for status, retry_after, attempt in sequence:
        resent = patience.wait_to_resend(_answer(status, retry_after), attempt)
        assert not resent or status in (429, 503)
        assert not (resent and status == 503 and retry_after is None)
    assert all(0 <= s <= min(timeout, max(LAST_BACKOFF, 120)) for s in slept)
    assert sum(slept) <= cap + 1e-9
    assert patience.waits == len(slept) and patience.waited == pytest.approx(sum(slept))
