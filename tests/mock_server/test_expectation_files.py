"""`contract mock --expectations DIR`: loaded at start, located errors, reloaded under --watch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from tests.mock_server.cli_mock import cli_mock, wait_for

AUTH = {"Authorization": "Bearer t"}
TOKENS = "/v1/accounts/api-tokens"
CREATE = {"account": {"id": "acc_1"}, "modules": [{"id": "mod_1"}]}

PINNED_JSON = [
    {
        "request": {"method": "POST", "path": TOKENS, "headers": {"X-Case": "json"}},
        "response": {"status": 201, "body": {"name": "from json"}},
    },
    {
        "id": "refuse",
        "request": {"method": "POST", "path": TOKENS, "headers": {"X-Case": "refuse"}},
        "response": {"status": 400},
    },
]
PINNED_YAML = f"""\
request:
  method: POST
  path: {TOKENS}
  headers: {{X-Case: yaml}}
response:
  status: 201
  body:
    name: from yaml
"""
BROKEN_YAML = f"""\
request:
  method: POST
  path: {TOKENS}
response:
  status: 201
  body:
    name: fine
    id: 5
"""


def folder(tmp_path: Path) -> Path:
    made = tmp_path / "expectations"
    made.mkdir()
    (made / "tokens.json").write_text(json.dumps(PINNED_JSON, indent=2), encoding="utf-8")
    (made / "named.yaml").write_text(PINNED_YAML, encoding="utf-8")
    (made / "notes.txt").write_text("not an expectation", encoding="utf-8")
    return made


def case(base_url: str, name: str) -> httpx.Response:
    return httpx.post(base_url + TOKENS, json=CREATE, headers={**AUTH, "X-Case": name})


def test_a_folder_is_loaded_at_start(tmp_path: Path) -> None:
    with cli_mock(tmp_path, "--expectations", str(folder(tmp_path))) as mock:
        assert case(mock.base_url, "json").json()["name"] == "from json"
        assert case(mock.base_url, "yaml").json()["name"] == "from yaml"
        assert case(mock.base_url, "refuse").status_code == 400
        assert case(mock.base_url, "other").status_code == 201
        listed = httpx.get(mock.base_url + "/__mock/expectations").json()["expectations"]
        assert sorted(e["id"] for e in listed) == ["named.yaml#0", "refuse", "tokens.json#0"]


def start(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "contract_cli", "mock", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_a_broken_file_stops_the_start_with_file_and_line(tmp_path: Path) -> None:
    made = folder(tmp_path)
    (made / "broken.yaml").write_text(BROKEN_YAML, encoding="utf-8")
    done = start("--expectations", str(made))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == [
        f'contract: error: cannot mock: {made / "broken.yaml"}:8: `/id`: 5 is not of type "string", '
        "`#/components/schemas/ApiToken/properties/id/type`"
    ]


def test_unreadable_files_and_a_missing_folder_are_one_line(tmp_path: Path) -> None:
    made = folder(tmp_path)
    (made / "tokens.json").write_text('[\n  {"request": \n', encoding="utf-8")
    done = start("--expectations", str(made))
    assert done.returncode == 2 and f"{made / 'tokens.json'}:3: not JSON" in done.stderr
    missing = start("--expectations", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "not a folder" in missing.stderr
    assert "Traceback" not in done.stderr + missing.stderr


def test_the_folder_may_come_from_contract_toml(tmp_path: Path) -> None:
    made = folder(tmp_path)
    (made / "broken.yaml").write_text(BROKEN_YAML, encoding="utf-8")
    (tmp_path / "contract.toml").write_text(
        '[mock]\nexpectations = "expectations"\n', encoding="utf-8"
    )
    done = start(cwd=tmp_path)
    assert done.returncode == 2 and "broken.yaml:8:" in done.stderr


def test_watch_reloads_and_a_broken_edit_keeps_the_last_good_set(tmp_path: Path) -> None:
    made = folder(tmp_path)
    with cli_mock(tmp_path, "--expectations", str(made), "--watch") as mock:
        assert case(mock.base_url, "yaml").json()["name"] == "from yaml"
        mark = len(mock.log())
        (made / "named.yaml").write_text(
            BROKEN_YAML.replace("POST", "POST\n  headers: {X-Case: yaml}"), encoding="utf-8"
        )
        log = mock.wait_for_log("expectations reload failed", after=mark)
        assert f"{made / 'named.yaml'}:9: `/id`: 5 is not of type" in log
        assert case(mock.base_url, "yaml").json()["name"] == "from yaml"  # the last good set
        (made / "named.yaml").write_text(
            PINNED_YAML.replace("from yaml", "edited"), encoding="utf-8"
        )
        wait_for(
            lambda: case(mock.base_url, "yaml").json()["name"] == "edited", 30, "the edit served"
        )
        (made / "named.yaml").unlink()
        wait_for(
            lambda: case(mock.base_url, "yaml").json()["name"] != "edited", 30, "the removal served"
        )
        assert case(mock.base_url, "json").json()["name"] == "from json"


def test_a_refusal_never_quotes_a_secret_value(tmp_path: Path) -> None:
    made = tmp_path / "secrets"
    made.mkdir()
    leaky = {
        "request": {"method": "POST", "path": TOKENS},
        "response": {"status": 201, "body": {"token": 1234567890}},
    }
    (made / "leaky.json").write_text(json.dumps(leaky, indent=2), encoding="utf-8")
    done = start("--expectations", str(made))
    assert (
        done.returncode == 2
        and "leaky.json:9: `/token`: [REDACTED]" in done.stderr
        and "/token" in done.stderr
    )
    assert "1234567890" not in done.stderr
