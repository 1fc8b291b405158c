"""A ruleset file read as YAML or JSON, with the line of every key (for errors and `--list-rules`)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml_rs

from contract_core import pointer
from contract_core.lines import LineMap
from contract_core.records import Struct
from contract_spectools.rulesets.errors import RulesetError
from contract_spectools.rulesets.spectral_oas import BUNDLED, EXTENDS_NAME


class RulesetSource(Struct):
    path: Path
    document: dict[str, Any]
    lines: LineMap
    name: str  # the file as reports name it (`shown_name`)

    def line(self, *tokens: str | int) -> int | None:
        return self.lines.line(pointer.from_path(tokens))

    def where(self, *tokens: str | int) -> str:
        line = self.line(*tokens)
        return f"{self.name}:{line}" if line else self.name

    def error(self, detail: str, *tokens: str | int) -> RulesetError:
        return RulesetError(self.name, self.line(*tokens), detail)


class Where:
    """`FILE:LINE` of a key in a ruleset file (`str(where)`), looked up when first read: a run reads
    it only for the rules it reports (a finding's hint), and a file's first line costs a YAML read
    of the whole file. Equal when they name the same key of the same file."""

    __slots__ = ("_shown", "source", "tokens")

    def __init__(self, source: RulesetSource, *tokens: str | int) -> None:
        self.source = source
        self.tokens = tokens
        self._shown: str | None = None

    def __str__(self) -> str:
        if self._shown is None:
            self._shown = self.source.where(*self.tokens)
        return self._shown

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Where) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[Path, tuple[str | int, ...]]:
        return self.source.path, self.tokens


def read_source(path: Path) -> RulesetSource:
    """The parsed file; RulesetError when it cannot be read, is not YAML/JSON, or is not a mapping."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesetError(str(path), None, "no such ruleset file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesetError(str(path), None, f"cannot read the ruleset: {exc}") from None
    document = _parsed(text, str(path))
    if not isinstance(document, dict):
        raise RulesetError(str(path), 1, "a ruleset is a mapping (with `rules`, `extends`...)")
    return RulesetSource(path, document, LineMap(text), shown_name(path))


def shown_name(path: Path) -> str:
    """The bundled spectral:oas ruleset by the name a ruleset extends it by, not by where the kit is
    installed (`--list-rules`, a rule's hint and timeout); any other file by its path."""
    return EXTENDS_NAME if is_bundled(path) else str(path)


def is_bundled(path: Path) -> bool:
    """Is `path` the bundled spectral:oas ruleset (however it is named)?"""
    return path.resolve() == _bundled()


@cache
def _bundled() -> Path:
    return BUNDLED.resolve()  # once: the kit's own file, read on every ruleset file's load


def _parsed(text: str, name: str) -> Any:
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise RulesetError(name, exc.lineno, f"not valid JSON: {exc.msg}") from None
    try:
        # YAML 1.2, as Spectral reads it: `off` is the string "off", not false
        return yaml_rs.loads(text, parse_datetime=False)
    except (yaml_rs.YAMLDecodeError, ValueError):
        pass  # PyYAML says where it breaks
    import yaml  # imported here: PyYAML costs 7 ms of start-up and yaml-rs reads nearly every ruleset

    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise RulesetError(name, line, f"not valid YAML or JSON: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise RulesetError(name, None, f"not valid YAML or JSON: {exc}") from None
