"""The project config reader: which file, which line, which environment variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_core.config import ConfigFile, find_config, key_lines, parse_toml, read_config
from contract_core.errors import ConfigError

CONFIG = """\
# the project's contract settings
[conform]
base-url = "https://staging.example"
headers = [
  "Authorization: Bearer ${TOKEN}",
  "X-Tenant: 7",
]
notes = '''
not = a key
'''
rate-limit = "10/s"

[conform.data."POST /v1/accounts/api-tokens"]
"/account/id" = ["ACC-1"]
'/modules/*/id' = ["MOD-1", "MOD-2"]

[conform.data."*"]
petId = [3, 4]

[conform.auth]
type = "command"
client.id = "x"
"""


def test_key_lines_finds_tables_keys_and_dotted_keys() -> None:
    lines = key_lines(CONFIG)
    assert lines[("conform",)] == 2
    assert lines[("conform", "base-url")] == 3
    assert lines[("conform", "headers")] == 4
    assert lines[("conform", "rate-limit")] == 11
    assert lines[("conform", "data", "POST /v1/accounts/api-tokens")] == 13
    assert lines[("conform", "data")] == 13  # first named by that header
    assert lines[("conform", "data", "POST /v1/accounts/api-tokens", "/account/id")] == 14
    assert lines[("conform", "data", "POST /v1/accounts/api-tokens", "/modules/*/id")] == 15
    assert lines[("conform", "data", "*", "petId")] == 18
    assert lines[("conform", "auth", "client")] == 22
    assert lines[("conform", "auth", "client", "id")] == 22
    # neither an array's next lines nor a multi-line string's are keys
    assert ("conform", "not") not in lines
    assert not any(keys[-1].startswith("Authorization") for keys in lines)


def test_where_falls_back_to_the_enclosing_table(tmp_path: Path) -> None:
    path = tmp_path / "contract.toml"
    path.write_text("[conform]\nauth = { type = 'command', bogus = 1 }\n")
    config = read_config(path, "contract.toml")
    assert config.where(("conform", "auth", "bogus")) == "contract.toml:2"
    assert config.where(("conform", "nothing")) == "contract.toml:1"
    assert config.where(("lint",)) == "contract.toml"


@pytest.mark.parametrize(
    ("text", "where", "detail"),
    [
        (
            '[conform]\nbase-url = "https://x\n',
            "contract.toml:2",
            "invalid TOML: Illegal character",
        ),
        ("[conform]\nseed = 1\nseed = 2\n", "contract.toml:3", "invalid TOML: Cannot overwrite"),
        ("[conform\n", "contract.toml:1", "invalid TOML: "),
    ],
)
def test_broken_toml_is_one_located_line(text: str, where: str, detail: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_toml(text, "contract.toml")
    assert caught.value.where == where
    assert str(caught.value).startswith(f"{where}: {detail}")
    assert "\n" not in str(caught.value)


def _config(tmp_path: Path, text: str) -> ConfigFile:
    path = tmp_path / "contract.toml"
    path.write_text(text)
    return read_config(path, "contract.toml")


def test_environment_values_fill_in_and_are_remembered_as_secrets(tmp_path: Path) -> None:
    config = _config(tmp_path, CONFIG)
    table = config.table("conform", {"TOKEN": "s3cr3t-value"})
    assert table is not None
    assert table.values["headers"][0] == "Authorization: Bearer s3cr3t-value"
    assert config.secrets == {"s3cr3t-value"}
    assert "s3cr3t" not in table.shown(table.values["headers"])
    assert table.shown(["X-Tenant: 7"]) == '["X-Tenant: 7"]'


def test_a_missing_environment_variable_names_itself_and_its_line(tmp_path: Path) -> None:
    config = _config(tmp_path, CONFIG)
    with pytest.raises(ConfigError) as caught:
        config.table("conform", {})
    assert str(caught.value) == (
        "contract.toml:4: environment variable TOKEN is not set (used by conform.headers)"
    )


def test_only_the_commands_table_reads_the_environment(tmp_path: Path) -> None:
    config = _config(tmp_path, '[lint]\nformat = "${FORMAT}"\n[conform]\nseed = 1\n')
    assert config.table("conform", {}) is not None  # [lint]'s variable is not needed
    with pytest.raises(ConfigError, match=r"contract.toml:2: environment variable FORMAT"):
        config.table("lint", {})


def test_unknown_tables_are_errors(tmp_path: Path) -> None:
    config = _config(tmp_path, "[conform]\n\n[conforn]\nseed = 1\n")
    with pytest.raises(ConfigError) as caught:
        config.check_tables(["conform", "lint"])
    assert str(caught.value) == "contract.toml:3: unknown table [conforn]; did you mean [conform]?"
    with pytest.raises(ConfigError, match=r"contract.toml:1: \[lint\] must be a table"):
        _config(tmp_path, "lint = 1\n").check_tables(["lint"])


def test_which_file(tmp_path: Path) -> None:
    assert find_config(None, tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(None, tmp_path) is None  # no [tool.contract]
    (tmp_path / "pyproject.toml").write_text("[tool.contract.conform]\nseed = 3\n")
    found = find_config(None, tmp_path)
    assert found is not None and found.name == "pyproject.toml"
    assert found.root == {"conform": {"seed": 3}}
    assert found.where(("conform", "seed")) == "pyproject.toml:2"
    (tmp_path / "contract.toml").write_text("[conform]\nseed = 4\n")
    found = find_config(None, tmp_path)
    assert found is not None and found.name == "contract.toml"  # contract.toml first
    other = tmp_path / "ci.toml"
    other.write_text("[conform]\nseed = 5\n")
    found = find_config(other, tmp_path)
    assert found is not None and found.root == {"conform": {"seed": 5}}
    with pytest.raises(ConfigError, match=r"missing.toml: no such file \(given by --config\)"):
        find_config(tmp_path / "missing.toml", tmp_path)


def test_a_broken_pyproject_is_not_ours_unless_it_names_our_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\n")
    assert find_config(None, tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[tool.contract.conform]\nseed = \n")
    with pytest.raises(ConfigError, match=r"^pyproject.toml:2: invalid TOML"):
        find_config(None, tmp_path)
