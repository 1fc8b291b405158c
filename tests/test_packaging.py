"""The wheel as users install it: what it carries, and that it works from a fresh environment.

The wheel is built from a copy of the source tree (setuptools' `build/` keeps files from earlier
builds, which would hide a file the package lost, and the test must not write into the tree), without
build isolation so that no index is needed. It is installed with --no-deps --no-index into a new venv
that borrows this environment's dependencies through a `.pth` file: the .pth names a directory, whose
own .pth files (the editable install of the kit among them) Python does not process, so the kit can
only come from the wheel, and the tests assert that it does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)
# Variables that would point the fresh environment elsewhere.
LEAKY_VARIABLES = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "PYTEST_PLUGINS"}


@dataclass(frozen=True)
class Installed:
    root: Path  # the venv
    workdir: Path  # an empty folder to run from, so that nothing of the source tree is on sys.path

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = {name: value for name, value in os.environ.items() if name not in LEAKY_VARIABLES}
        return subprocess.run(
            [str(self.root / "bin" / program), *args],
            cwd=self.workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source") / "kit"
    shutil.copytree(REPO, source, symlinks=True, ignore=NOT_SOURCE)
    dist = tmp_path_factory.mktemp("dist")
    build = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
    ]
    _check([*build, "--quiet", "--wheel-dir", str(dist), str(source)])
    [built] = dist.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("fresh") / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(root)
    python = root / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"]
    _check([*install, "--no-index", "--quiet", str(wheel)])
    # Only now the dependencies: pip installing the wheel must not see this environment's kit.
    site_packages = _check(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
    )
    ours = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    Path(site_packages.strip(), "dependencies.pth").write_text("\n".join(ours) + "\n")
    return Installed(root, tmp_path_factory.mktemp("workdir"))


def _check(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_wheel_carries_the_kit_and_its_data_but_no_tests(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        spec = archive.read("contract_core/specs/api-tokens.yaml")
        [entry_points] = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
        declared = archive.read(entry_points).decode()
    files = [Path(name) for name in names]
    assert not [f for f in files if f.name == "conftest.py" or f.name.startswith("test_")]
    assert not [f for f in files if f.parts[0] == "tests"]
    assert Path("contract_core/py.typed") in files
    assert Path("conformance/pytest_mode/suite.py") in files
    # `extends: spectral:oas` reads the bundled ruleset; its licence travels with it
    assert Path("contract_spectools/rulesets/bundled/spectral-oas.yaml") in files
    assert Path("contract_spectools/rulesets/bundled/LICENSE-spectral.txt") in files
    # contract_core/specs/ holds a link to openapi/api-tokens.yaml: the wheel must carry the file itself
    assert spec == (REPO / "openapi" / "api-tokens.yaml").read_bytes()
    assert "[pytest11]\ncontract = conformance.pytest_mode.plugin" in declared
    assert "[console_scripts]\ncontract = contract_cli:run" in declared


def test_the_kit_is_imported_from_the_wheel_with_its_spec(installed: Installed) -> None:
    script = (
        "import conformance.pytest_mode.plugin, contract_cli\n"
        "from contract_core import load_spec\n"
        "from contract_core.spec import bundled_spec_path\n"
        "print(conformance.pytest_mode.plugin.__file__, contract_cli.__file__, bundled_spec_path())\n"
        "print(bundled_spec_path().is_symlink(), len(load_spec().operations))"
    )
    result = installed.run("python", "-c", script)
    assert result.returncode == 0, result.stderr
    paths, facts = result.stdout.splitlines()
    for path in paths.split():
        assert Path(path).is_relative_to(installed.root), path
    is_link, operations = facts.split()
    assert is_link == "False" and int(operations) > 0


def test_the_contract_command_runs(installed: Installed) -> None:
    result = installed.run("contract", "--help")
    assert result.returncode == 0, result.stderr
    assert "conform" in result.stdout and "mock" in result.stdout


def test_pytest_finds_the_plugin_and_the_suite(installed: Installed) -> None:
    help_text = installed.run("python", "-m", "pytest", "--help")
    assert help_text.returncode == 0, help_text.stderr
    assert "--contract-base-url=URL" in help_text.stdout
    # The suite is collected by name from site-packages, and skipped without --contract-base-url.
    suite = installed.run(
        "python", "-m", "pytest", "-p", "no:cacheprovider", "-rs", "--pyargs",
        "conformance.pytest_mode.suite",
    )  # fmt: skip
    assert suite.returncode == 5, suite.stdout + suite.stderr  # pytest's "no tests ran"
    assert "1 skipped" in suite.stdout and "needs --contract-base-url" in suite.stdout
    assert "site-packages/conformance/pytest_mode/suite.py" in suite.stdout  # the wheel's copy
