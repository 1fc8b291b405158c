"""Start-up: what `contract lint` and `contract --help` import (a fresh interpreter each, no timing).

The heavy libraries are imported where they are used (docs/design.md, "Start-up"); these tests
fail when a module-level import brings one back onto a path that does not need it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from contract_core import bundled_spec_path, load_spec

# Runs `contract ARGS...` in this interpreter, then prints which of the watched modules were imported.
_PROBE = """
import contextlib, io, sys
from contract_cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):  # --help exits
    main(sys.argv[2:])
print("imported:" + ",".join(sorted(name for name in sys.argv[1].split(",") if name in sys.modules)))
"""


def _imported(watched: list[str], *args: str) -> list[str]:
    command = [sys.executable, "-c", _PROBE, ",".join(watched), *args]
    found = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    assert found.returncode == 0, found.stderr
    last = found.stdout.strip().splitlines()[-1]
    assert last.startswith("imported:"), found.stdout  # the probe ran to its end
    return [name for name in last.removeprefix("imported:").split(",") if name]


def test_linting_a_json_spec_without_a_ruleset_loads_no_yaml_regex_or_toml(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(load_spec().document), encoding="utf-8")
    watched = ["yaml", "regex", "tomllib", "difflib", "importlib.resources", "contract_core.redact"]
    assert _imported(watched, "lint", str(spec), "--format", "json") == []


def test_a_ruleset_reads_its_lines_only_for_the_rules_it_reports(tmp_path: Path) -> None:
    # a rule's FILE:LINE (a finding's hint) is a read of its ruleset file: none without findings
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(load_spec().document), encoding="utf-8")
    ruleset = tmp_path / "ruleset.yaml"
    rule = "rules:\n  titled:\n    given: $.info\n    then: {{field: title, function: {}}}\n"
    ruleset.write_text(rule.format("truthy"), encoding="utf-8")
    args = ("lint", str(spec), "--ruleset", str(ruleset), "--format", "json")
    assert _imported(["contract_core.yaml_lines"], *args) == []
    ruleset.write_text(rule.format("falsy"), encoding="utf-8")  # now it reports the title
    assert _imported(["contract_core.yaml_lines"], *args) == ["contract_core.yaml_lines"]


def test_a_lint_with_a_ruleset_loads_no_findings_file_shutil_orjson_inspect_or_regex() -> None:
    # the findings file: only --ignore reads one; shutil: argparse imports it to size help text
    # (contract_cli.HelpFormatter sizes it without); orjson: the `schema` function keys with json;
    # typing_extensions, inspect, email.utils: msgspec and jsonschema-rs are imported without them
    # (contract_core.thirdparty);
    # regex: SPS Commerce's lookahead pattern meets no server URL with a port here
    spec = Path(__file__).parent / "specs" / "duplicate-operation-id.yaml"
    ruleset = Path(__file__).parents[1] / "rulesets" / "public" / "sps-commerce" / ".spectral.yml"
    watched = ["contract_core.findings_file", "contract_spectools.lint.ignores", "shutil", "orjson"]
    watched += ["typing_extensions", "inspect", "email.utils"]
    for fmt in ("text", "json", "github", "sarif"):
        args = ("lint", str(spec), "--ruleset", str(ruleset), "--format", fmt)
        assert _imported([*watched, "regex"], *args) == [], fmt
    # the bundled contract's server has a port: only the backtracking engine can answer
    args = ("lint", str(bundled_spec_path()), "--ruleset", str(ruleset), "--format", "json")
    assert _imported(["regex"], *args) == ["regex"]


def test_the_probe_sees_what_an_ignore_file_needs(tmp_path: Path) -> None:
    spec = Path(__file__).parent / "specs" / "duplicate-operation-id.yaml"
    ignore = tmp_path / "ignore.json"
    ignore.write_text('{"version": 1, "entries": []}', encoding="utf-8")
    watched = ["contract_core.findings_file", "contract_spectools.lint.ignores"]
    assert _imported(watched, "lint", str(spec), "--ignore", str(ignore)) == watched


def test_a_plain_yaml_spec_is_located_without_pyyaml_and_one_with_anchors_with_it(
    tmp_path: Path,
) -> None:
    # the lines of a YAML spec's findings: plain block YAML is read line by line, the rest by libyaml
    spec = Path(__file__).parent / "specs" / "duplicate-operation-id.yaml"
    watched = ["contract_core.yaml_lines", "yaml"]
    assert _imported(watched, "lint", str(spec), "--format", "json") == watched[:1]
    anchored = tmp_path / "anchored.yaml"
    text = spec.read_text(encoding="utf-8") + "x-shared: &shared {a: 1}\nx-again: *shared\n"
    anchored.write_text(text, encoding="utf-8")
    assert _imported(watched, "lint", str(anchored), "--format", "json") == watched


def test_help_does_not_import_the_mock_server_or_requests() -> None:
    watched = ["connexion", "faker", "mock_server", "requests"]
    assert _imported(watched, "--help") == []


# Runs `contract ARGS...`, then prints the dataclasses of the kit's own modules that it imported.
_DATACLASS_PROBE = """
import contextlib, dataclasses, io, sys
from contract_cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    main(sys.argv[1:])
kit = ("contract_core", "contract_spectools", "contract_cli")
built = sorted(
    f"{name}.{value.__qualname__}"
    for name, module in list(sys.modules.items())
    if name.partition(".")[0] in kit
    for value in list(vars(module).values())
    if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == name
)
print("dataclasses:" + ",".join(built))
"""


def _dataclasses_built(*args: str) -> list[str]:
    command = [sys.executable, "-c", _DATACLASS_PROBE, *args]
    found = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    assert found.returncode == 0, found.stderr
    last = found.stdout.strip().splitlines()[-1]
    assert last.startswith("dataclasses:"), found.stdout
    return [name for name in last.removeprefix("dataclasses:").split(",") if name]


def test_linting_with_a_ruleset_builds_no_dataclass() -> None:
    # a @dataclass costs ~300 us to build at import: lint's records are msgspec Structs (docs/design.md)
    ruleset = Path(__file__).parents[1] / "rulesets" / "public" / "sps-commerce" / ".spectral.yml"
    spec = str(load_spec().source)
    assert _dataclasses_built("lint", spec, "--ruleset", str(ruleset), "--format", "json") == []


def test_the_dataclass_probe_sees_the_differs_dataclasses() -> None:
    spec = str(load_spec().source)
    assert "contract_spectools.diff.changes.Change" in _dataclasses_built("diff", spec, spec)


# Runs the console script's `run` on ARGS, then says at exit whether the heap was frozen.
_EXIT_PROBE = """
import atexit, gc, sys
atexit.register(lambda: print("frozen:", gc.get_freeze_count() > 0))
from contract_cli import run
sys.argv = ["contract", *sys.argv[1:]]
run()
"""


def _frozen_at_exit(*args: str) -> tuple[int, str]:
    command = [sys.executable, "-c", _EXIT_PROBE, *args]
    found = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    return found.returncode, found.stdout.strip().splitlines()[-1]


def test_only_lint_skips_the_last_collection_at_exit() -> None:
    # lint's process holds nothing to finalise: its exit skips the full collection of its heap
    spec = Path(__file__).parent / "specs" / "duplicate-operation-id.yaml"
    assert _frozen_at_exit("lint", str(spec), "--format", "json") == (1, "frozen: True")
    assert _frozen_at_exit("diff", str(spec), str(spec)) == (0, "frozen: False")
