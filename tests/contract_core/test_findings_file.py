"""The one findings file: old conform baselines still read, keys never hold lines or messages,
reviewers' reason/expiry survive a rewrite, expired entries stop excusing, unmatched ones resolve."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from conformance.reporting.baseline import BASELINE_FIELDS, load_baseline
from conformance.reporting.fingerprint import fingerprint
from contract_core.findings_file import (
    Entry,
    Fields,
    judge,
    read_findings_file,
    write_findings_file,
)

# A baseline as `contract conform --update-baseline` wrote it before the format was shared.
OLD_BASELINE = {
    "version": 1,
    "spec": "openapi/api-tokens.yaml",
    "entries": [
        {
            "fingerprint": fingerprint("GET /v1/x", "response_schema", "/items/*/id"),
            "operation": "GET /v1/x",
            "check": "response_schema",
            "pointer": "/items/3/id",
            "title": "Response violates schema",
            "count": 2,
            "reason": "the server fixes ids in 4.2",
            "expires": "2030-01-31",
        },
        {
            "operation": "POST /v1/x",
            "check": "status_code_conformance",
            "pointer": None,
            "expires": "",  # "never", as some hand-edited baselines say it
        },
    ],
}
FIELDS = Fields(("rule", "file", "pointer"), required=("rule",))
TODAY = dt.date(2027, 1, 1)


def test_an_old_conform_baseline_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(OLD_BASELINE))
    baseline = load_baseline(path)
    first, second = baseline.entries
    assert first.key == ("GET /v1/x", "response_schema", "/items/*/id")
    assert (first.reason, first.expires) == ("the server fixes ids in 4.2", dt.date(2030, 1, 31))
    assert (second.key, second.expires) == (("POST /v1/x", "status_code_conformance", ""), None)
    assert fingerprint(*first.key) == OLD_BASELINE["entries"][0]["fingerprint"]
    assert BASELINE_FIELDS.key({"operation": "GET /v1/x", "check": "response_schema"}) == (
        "GET /v1/x",
        "response_schema",
        "",
    )


def test_judge_excuses_expires_and_resolves(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    entries = [
        Entry(("a", "s.yaml", "#/x")),
        Entry(("b", "s.yaml", "#/y"), expires=dt.date(2026, 12, 31)),
        Entry(("c", "s.yaml", "#/z"), expires=TODAY),  # still valid on its last day
        Entry(("d", "s.yaml", "#/gone")),
    ]
    write_findings_file(path, FIELDS, entries)
    file = read_findings_file(path, FIELDS)
    seen = [("a", "s.yaml", "#/x"), ("b", "s.yaml", "#/y"), ("c", "s.yaml", "#/z"), ("e", "s", "#")]
    judgement = judge(file, seen, TODAY)
    assert [judgement.status(key) for key in seen] == ["excused", "expired", "excused", "new"]
    assert [entry.key for entry in judgement.resolved] == [("d", "s.yaml", "#/gone")]


keys = st.tuples(st.text(min_size=1), st.text(), st.text())


@given(
    reviewed=st.dictionaries(
        keys, st.tuples(st.text(), st.none() | st.dates()), min_size=1, max_size=5
    ),
    fresh=st.lists(keys, max_size=5),
)
def test_a_rewrite_keeps_what_reviewers_wrote(
    tmp_path_factory, reviewed: dict, fresh: list
) -> None:
    path = tmp_path_factory.mktemp("f") / "f.json"
    write_findings_file(path, FIELDS, [Entry(k, r, e) for k, (r, e) in reviewed.items()])
    previous = read_findings_file(path, FIELDS)
    found = [*reviewed, *fresh]
    write_findings_file(path, FIELDS, [Entry(k, info={"message": "m"}) for k in found], previous)
    again = read_findings_file(path, FIELDS).by_key()
    assert set(again) == set(found)
    for key, entry in again.items():
        assert (entry.reason, entry.expires) == reviewed.get(key, ("", None))
        assert entry.info == {"message": "m"}
