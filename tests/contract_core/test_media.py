"""Media types as the kit reads them: base types, and which documented `content` key answers a sent type."""

from __future__ import annotations

import pytest

from contract_core.media import base_type, documented_range


@pytest.mark.parametrize(
    ("documented", "sent", "expected"),
    [
        ({"application/json", "application/*", "*/*"}, "application/json", "application/json"),
        # the range before the catch-all
        ({"application/*", "*/*"}, "application/json", "application/*"),
        ({"text/*", "*/*"}, "application/json", "*/*"),
        ({"text/plain", "text/*"}, "application/json", None),
        (set(), "application/json", None),
    ],
)
def test_the_most_specific_documented_key_answers(
    documented: set[str], sent: str, expected: str | None
) -> None:
    assert documented_range(documented, sent) == expected


def test_parameters_and_case_are_not_part_of_the_base_type() -> None:
    assert (
        documented_range({"application/json"}, base_type("Application/JSON; charset=utf-8"))
        == "application/json"
    )
