"""contract.toml on the command line: every command's table is its long options, the command line wins,
and every mistake is one located line (exit 2). Known data and auth are read and checked here too."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance.engine.known_data import (
    KnownData,
    basis_of,
    fill_parameters,
    filled_body,
    known_data_from_table,
)
from contract_cli import SUBCOMMANDS, build_parser, main
from contract_cli.config import (
    apply_table,
    command_in,
    config_argument,
    scrubbed_output,
    subcommand_parser,
)
from contract_core import load_spec
from contract_core.config import read_config
from contract_core.errors import ConfigError
from tests.conformance.pets import SPEC as PETS_SPEC
from tests.conftest import REPO

CREATE = "POST /v1/accounts/api-tokens"


def parsed(
    tmp_path: Path,
    command: str,
    text: str,
    argv: list[str] = (),  # type: ignore[assignment]
    environ: dict[str, str] | None = None,
) -> argparse.Namespace:
    """`contract COMMAND ARGV` with `text` as contract.toml (parsed, not run)."""
    path = tmp_path / "contract.toml"
    path.write_text(text)
    config = read_config(path, "contract.toml")
    config.check_tables(SUBCOMMANDS)
    parser = build_parser(command)
    table = config.table(command, environ or {})
    assert table is not None
    apply_table(
        subcommand_parser(parser, command), table, ("data", "auth") if command == "conform" else ()
    )
    return parser.parse_args([command, *argv])


def test_every_kind_of_option_of_conform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = parsed(
        tmp_path,
        "conform",
        """
[conform]
base-url = "https://staging.example"
spec = "openapi.yaml"
headers = ["Authorization: Bearer ${TOKEN}", "X-Tenant: 7"]
include = ["createApiToken"]
max-requests = 300
timeout = 2
rate-limit = "10/s"
insecure = true
seed = 42
junit-xml = "out/junit.xml"
""",
        environ={"TOKEN": "t0k3n-from-env"},
    )
    assert args.base_url == "https://staging.example"
    assert args.spec == Path("openapi.yaml")
    assert args.headers == ["Authorization: Bearer t0k3n-from-env", "X-Tenant: 7"]
    assert args.include == ["createApiToken"]
    assert (args.max_requests, args.timeout, args.rate_limit) == (300, 2.0, "10/s")
    assert isinstance(args.timeout, float)
    assert (args.insecure, args.seed, args.junit_xml) == (True, 42, Path("out/junit.xml"))
    assert args.max_examples == 25  # not in the file: the command's own default
    assert args.project_config.secrets == {"t0k3n-from-env"}


def test_paths_in_a_file_elsewhere_are_relative_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path.parent)  # `--config <tmp_path>/contract.toml` from another folder
    args = parsed(
        tmp_path,
        "conform",
        '[conform]\nbase-url = "https://x"\nspec = "openapi.yaml"\nbaseline = "/abs.json"\n',
    )
    assert args.spec == tmp_path / "openapi.yaml"
    assert args.baseline == Path("/abs.json")


def test_the_command_line_wins(tmp_path: Path) -> None:
    text = """
[conform]
base-url = "https://staging.example"
max-requests = 300
insecure = true
headers = ["Authorization: Bearer from-file", "X-Tenant: 7"]
"""
    args = parsed(
        tmp_path,
        "conform",
        text,
        [
            "--base-url",
            "https://other.example",
            "--max-requests",
            "5",
            "-H",
            "Authorization: Bearer cli",
        ],
    )
    assert (args.base_url, args.max_requests, args.insecure) == ("https://other.example", 5, True)
    # a repeatable option: the file's values, then the command line's (whose header of a name wins)
    assert args.headers == [
        "Authorization: Bearer from-file",
        "X-Tenant: 7",
        "Authorization: Bearer cli",
    ]


def test_the_same_rules_for_other_commands(tmp_path: Path) -> None:
    lint = parsed(tmp_path, "lint", '[lint]\nformat = "json"\nfail-on = "warning"\n')
    assert (lint.format, lint.fail_on) == ("json", "warning")
    diff = parsed(tmp_path, "diff", '[diff]\nall = true\nformat = "json"\n', ["a.yaml", "b.yaml"])
    assert (diff.all, diff.format) == (True, "json")
    mock = parsed(tmp_path, "mock", "[mock]\nport = 0\nno-auth = true\ntoken = ['a', 'b']\n")
    assert (mock.port, mock.no_auth, mock.token) == (0, True, ["a", "b"])
    mock = parsed(tmp_path, "mock", "[mock]\nno-auth = false\n", ["--no-auth"])
    assert mock.no_auth is True


@pytest.mark.parametrize(
    ("command", "text", "message"),
    [
        (
            "conform",
            '[conform]\nbase-url = "https://x"\nmax-request = 5\n',
            'contract.toml:3: unknown key "max-request" in [conform]; did you mean "max-requests"?',
        ),
        (
            "conform",
            '[conform]\nmax-requests = "many"\n',
            'contract.toml:2: max-requests in [conform]: expected an integer, found "many"',
        ),
        (
            "conform",
            "[conform]\nmax-requests = 2.5\n",
            "contract.toml:2: max-requests in [conform]: expected an integer, found 2.5",
        ),
        (
            "conform",
            '[conform]\ninsecure = "yes"\n',
            'contract.toml:2: insecure in [conform]: expected true or false, found "yes"',
        ),
        (
            "lint",
            '[lint]\nformat = "xml"\n',
            'contract.toml:2: format in [lint]: expected one of text, json, github, sarif, found "xml"',
        ),
        (
            "conform",
            '[conform]\nheader = ["A: 1"]\nheaders = ["B: 2"]\n',
            'contract.toml:3: "headers" and "header" set the same option',
        ),
        ("conform", "[conform]\ndata = 3\n", "contract.toml:2: [conform.data] must be a table"),
        (
            "lint",
            "[lint]\n[lint.data]\nx = 1\n",
            'contract.toml:2: unknown key "data" in [lint] '
            "(known: fail-on, format, ignore, list-rules, ruleset, timeout, update-ignore)",
        ),
    ],
)
def test_mistakes_are_one_located_line(
    tmp_path: Path, command: str, text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parsed(tmp_path, command, text)
    assert str(caught.value) == message


def test_a_required_option_may_come_from_the_file(tmp_path: Path) -> None:
    args = parsed(tmp_path, "conform", '[conform]\nbase-url = "https://staging.example"\n')
    assert args.base_url == "https://staging.example"
    with pytest.raises(SystemExit):
        build_parser("conform").parse_args(["conform"])  # without the file it is still required


def test_where_config_and_the_command_stand() -> None:
    assert config_argument(["--config", "ci.toml", "conform"]) == Path("ci.toml")
    assert config_argument(["conform", "--config=ci.toml"]) == Path("ci.toml")
    assert config_argument(["conform", "--", "--config", "x"]) is None
    assert command_in(["--config", "ci.toml", "conform", "--seed", "1"], SUBCOMMANDS) == "conform"
    assert command_in(["--help"], SUBCOMMANDS) is None


# --- through `contract`: exit 2, one line on stderr, no traceback ----------------------------------


def run_cli(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    *argv: str,
) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "contract.toml").write_text(text)
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert out == ""
    return code, err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[conform]\nbase-url = "http://127.0.0.1:9"\nrate_limit = "1/s"\n',
            'contract.toml:3: unknown key "rate_limit" in [conform]; did you mean "rate-limit"?',
        ),
        (
            '[conform]\nbase-url = "http://127.0.0.1:9"\n\n[conform.data."POST /v1/accounts/api-tokens"]\n'
            '"/account/id" = [""]\n',
            'contract.toml:5: "/account/id" in [conform.data."POST /v1/accounts/api-tokens"]: value "" '
            'is not valid for POST /v1/accounts/api-tokens: "" is shorter than 1 character '
            "(#/components/schemas/ResourceReference/properties/id/minLength)",
        ),
        (
            '[conform]\nbase-url = "http://127.0.0.1:9"\nheaders = ["Authorization: Bearer ${NOT_SET_ANYWHERE}"]\n',
            "contract.toml:3: environment variable NOT_SET_ANYWHERE is not set (used by conform.headers)",
        ),
        (
            '[conform]\nbase-url = "http://127.0.0.1:9\n',
            "contract.toml:2: invalid TOML: Illegal character '\\n' (column 31)",
        ),
        (
            '[conform]\nbase-url = "http://127.0.0.1:9"\n[conform.auth]\ntype = "command"\ncomand = "x"\n',
            "contract.toml:5: unknown key 'comand': did you mean 'command'?",
        ),
    ],
)
def test_config_errors_exit_2_with_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    message: str,
) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    code, err = run_cli(tmp_path, monkeypatch, capsys, text, "conform")
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert message in err
    assert err.startswith(("contract: error: contract.toml:", "contract conform: contract.toml:"))


def test_a_value_from_the_environment_is_not_quoted_in_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACCOUNT_ID", "x" * 300)
    code, err = run_cli(
        tmp_path,
        monkeypatch,
        capsys,
        '[conform]\nbase-url = "http://127.0.0.1:9"\n[conform.data."createApiToken"]\n'
        '"/account/id" = ["${ACCOUNT_ID}"]\n',
        "conform",
    )
    assert code == 2
    assert "contract.toml:4:" in err and "(a value from the environment, not shown)" in err
    assert "xxxx" not in err


def test_config_option_global_and_per_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ci.toml").write_text("[lint]\nfail-on = 3\n")
    for argv in (["--config", "ci.toml", "lint"], ["lint", "--config", "ci.toml"]):
        code, err = run_cli(tmp_path, monkeypatch, capsys, "", *argv)
        assert (code, err) == (
            2,
            "contract: error: ci.toml:2: fail-on in [lint]: expected one of error, warning, info, hint, "
            "found 3\n",
        )
    code, err = run_cli(tmp_path, monkeypatch, capsys, "", "lint", "--config", "nope.toml")
    assert (code, err) == (2, "contract: error: nope.toml: no such file (given by --config)\n")


# --- [conform.data] --------------------------------------------------------------------------------


def data_table(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "contract.toml"
    path.write_text("[conform]\n" + text)
    table = read_config(path, "contract.toml").table("conform", {})
    assert table is not None
    return table.sub("data")


def test_known_data_is_read_by_operation_and_key(tmp_path: Path) -> None:
    table = data_table(
        tmp_path,
        f"""
[conform.data."{CREATE}"]
"/account/id" = ["ACC-1", "ACC-2"]
"/modules/*/id" = ["MOD-1000", "MOD-2000"]
""",
    )
    known = known_data_from_table(table, load_spec())
    assert known.body_pointers(CREATE) == {
        "/account/id": ("ACC-1", "ACC-2"),
        "/modules/*/id": ("MOD-1000", "MOD-2000"),
    }
    assert known.parameters(CREATE) == {}


def test_known_parameters_of_a_spec_with_ids_in_paths(tmp_path: Path) -> None:
    spec = load_spec(PETS_SPEC)
    table = data_table(
        tmp_path,
        '[conform.data."*"]\npetId = ["pet_3", "pet_4"]\n[conform.data.getPet]\npetId = ["pet_5"]\n',
    )
    known = known_data_from_table(table, spec)
    assert known.parameters("GET /pets/{petId}") == {"petId": ("pet_5",)}  # its own table first
    assert known.parameters("DELETE /pets/{petId}") == {"petId": ("pet_3", "pet_4")}
    with pytest.raises(ConfigError) as caught:
        known_data_from_table(data_table(tmp_path, '[conform.data."*"]\npetId = ["three"]\n'), spec)
    assert str(caught.value).startswith(
        'contract.toml:3: "petId" in [conform.data."*"]: value "three" is not valid for'
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[conform.data."GET /v1/nothing"]\nid = [1]\n',
            'contract.toml:2: [conform.data."GET /v1/nothing"]: ',
        ),
        (
            f'[conform.data."{CREATE}"]\n"/account/name" = ["x"]\n',
            f'contract.toml:3: "/account/name" in [conform.data."{CREATE}"]: {CREATE}\'s request body '
            "has no field /account/name",
        ),
        (
            f'[conform.data."{CREATE}"]\naccountId = ["x"]\n',
            f'contract.toml:3: "accountId" in [conform.data."{CREATE}"]: {CREATE} has no parameter \'accountId\'',
        ),
        (
            f'[conform.data."{CREATE}"]\n"/modules/*/id" = [7]\n',
            'value 7 is not valid for POST /v1/accounts/api-tokens: 7 is not of type "string"',
        ),
        (
            f'[conform.data."{CREATE}"]\n"/account/id" = []\n',
            'contract.toml:3: "/account/id" in [conform.data."POST /v1/accounts/api-tokens"]: expected a list',
        ),
        (
            '[conform.data."*"]\nid = [1]\n',
            'contract.toml:3: "id" in [conform.data."*"]: no operation has a parameter \'id\'',
        ),
        ("[conform.data]\nid = [1]\n", 'contract.toml:3: "id" in [conform.data]: expected a table'),
    ],
)
def test_known_data_mistakes(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        known_data_from_table(data_table(tmp_path, text), load_spec())
    assert message in str(caught.value)


def test_known_values_replace_what_was_generated_and_nothing_else() -> None:
    body = {"account": {"id": "x"}, "modules": [{"id": "a"}, {"id": "b"}], "name": "n"}
    known = {"/account/id": ("ACC-1", "ACC-2"), "/modules/*/id": ("M1", "M2"), "/icon": ("i",)}
    filled, changed = filled_body(body, known, basis=0)
    assert changed
    assert filled == {
        "account": {"id": "ACC-1"},
        "modules": [{"id": "M1"}, {"id": "M2"}],
        "name": "n",
    }
    assert body["account"]["id"] == "x"  # the generated body is left as it was
    assert "icon" not in filled  # a field the case left out stays out
    assert filled_body({"name": "n"}, known, basis=0) == ({"name": "n"}, False)
    # another generated value draws another listed one, the same one every time
    assert filled_body(body, known, basis=1)[0]["account"]["id"] == "ACC-2"
    assert basis_of(body) == basis_of(dict(reversed(body.items())))
    path = {"petId": "0"}
    assert fill_parameters(path, {"petId": (3, 4), "other": (1,)}, basis=5)
    assert path == {"petId": 4}
    assert not KnownData() and KnownData({CREATE: {"/account/id": ("a",)}})


# --- [conform.auth] --------------------------------------------------------------------------------


def test_the_documented_examples_are_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ```toml block of docs/staging.md and the README, and examples/staging/contract.toml,
    loads: its tables, its keys, its known data."""
    blocks = [
        block.split("```", 1)[0]
        for page in ("docs/staging.md", "README.md")
        for block in (REPO / page).read_text(encoding="utf-8").split("```toml\n")[1:]
    ]
    example = (REPO / "examples" / "staging" / "contract.toml").read_text(encoding="utf-8")
    assert len(blocks) >= 4 and example in blocks  # the README shows the example file as it is
    blocks.append(example)
    monkeypatch.chdir(tmp_path)
    for variable in (
        "STAGING_API_TOKEN",
        "STAGING_TENANT",
        "STAGING_CLIENT_SECRET",
        "CONFORM_CLIENT_SECRET",
        "TOKEN",
        "STAGING_API_KEY",
        "STAGING_ACCOUNT",
    ):
        monkeypatch.setenv(variable, "from-the-environment")
    bundled = 0
    for block in blocks:
        path = tmp_path / "contract.toml"
        path.write_text(block)
        config = read_config(path, "contract.toml")
        config.check_tables(SUBCOMMANDS)
        for command in config.root:
            table = config.table(command, os.environ)
            assert table is not None
            sections = ("data", "auth") if command == "conform" else ()
            apply_table(subcommand_parser(build_parser(command), command), table, sections)
            data = table.sub("data")
            if data is not None and CREATE in data.values:
                bundled += 1
                known = known_data_from_table(data, load_spec())
                assert known.body_pointers(CREATE)
    # the complete example for the bundled contract: docs/staging.md's, the README's, the file
    assert bundled == 3


def test_nothing_printed_shows_a_value_from_the_environment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with scrubbed_output({"value-from-env-91f2"}):
        print("sent value-from-env-91f2 to the server")
        print("value-from-env-91f2", file=sys.stderr)
        assert sys.stdout.isatty() is False
    out, err = capsys.readouterr()
    assert (out, err) == ("sent [REDACTED] to the server\n", "[REDACTED]\n")
    with scrubbed_output(()):
        print("nothing to hide")
    assert capsys.readouterr().out == "nothing to hide\n"


def test_pyproject_and_help(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.contract.lint]\nformat = 1\n"
    )
    assert main(["lint"]) == 2
    assert capsys.readouterr().err == (
        "contract: error: pyproject.toml:5: format in [tool.contract.lint]: expected one of text, "
        "json, github, sarif, found 1\n"
    )
    with pytest.raises(SystemExit) as help_exit:
        main(["lint", "--help"])  # help needs no config, even a broken one
    assert help_exit.value.code == 0
    assert "--config FILE" in capsys.readouterr().out
