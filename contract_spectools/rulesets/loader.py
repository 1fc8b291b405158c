"""A Spectral ruleset file -> a `Ruleset`: its rules validated, `extends` followed, aliases expanded.

Every defect is a `RulesetError` naming the ruleset file and the line of the offending key, raised
at load time: a run never starts with a rule that cannot work.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from contract_core.records import Struct, field, replace
from contract_spectools.lint.findings import RULES as KIT_RULES
from contract_spectools.lint.findings import Rule, RuleSeverity, Severity
from contract_spectools.rulesets.jsonpath import JsonPath, JsonPathSyntaxError
from contract_spectools.rulesets.registry import core_functions
from contract_spectools.rulesets.source import RulesetSource, Where, is_bundled, read_source
from contract_spectools.rulesets.spectral_oas import BUNDLED, EXTENDS_NAME, SPECTRAL_OAS

DEFAULT = "default"  # a rule enabled at the severity it was defined with
OTHER_FORMATS = frozenset({"spectral:asyncapi", "spectral:arazzo"})
ExtendsMode = Literal["recommended", "all", "off"]

# Spectral's names: `warn` is the kit's `warning`; 0-3 are error, warn, info, hint.
_SEVERITIES: dict[Any, RuleSeverity] = {
    "error": "error",
    "warn": "warning",
    "warning": "warning",
    "info": "info",
    "information": "info",
    "hint": "hint",
    "off": "off",
    0: "error",
    1: "warning",
    2: "info",
    3: "hint",
}
FORMATS = frozenset(
    {
        "oas2",
        "oas3",
        "oas3.0",
        "oas3.1",
        "oas3_0",
        "oas3_1",
        "json-schema",
        "json-schema-loose",
        "json-schema-draft4",
        "json-schema-draft6",
        "json-schema-draft7",
        "json-schema-draft2019-09",
        "json-schema-2019-09",
        "json-schema-draft2020-12",
        "json-schema-2020-12",
        "asyncapi2",
        "arazzo1",
    }
)


class Then(Struct, frozen=True):
    field: str | None  # as written: a name, a dotted path, "@key", or a JSONPath from "$"
    function: str
    options: Any
    field_path: JsonPath | None = None  # the compiled JSONPath field


class RulesetRule(Struct, frozen=True):
    name: str
    severity: Severity  # as defined; `effective_severity` is "off" when not enabled
    description: str
    message: str | None
    given: tuple[JsonPath, ...]
    then: tuple[Then, ...]
    formats: frozenset[str] | None
    resolved: bool
    recommended: bool
    documentation_url: str | None
    where: Where  # the rule's definition (`source` is its FILE:LINE)
    ruleset_dir: Path
    custom_function: str | None = None  # a JavaScript function the kit does not run
    enabled: bool = True

    @property
    def effective_severity(self) -> RuleSeverity:
        return self.severity if self.enabled else "off"

    @property
    def source(self) -> str:
        """ "FILE:LINE" of the rule's definition."""
        return str(self.where)

    def as_rule(self) -> Rule:
        """The rule in the kit's catalogue terms (SARIF's rules list)."""
        title = self.description or self.name
        return Rule(self.name, self.severity, title, self.documentation_url or title)


class Override(Struct, frozen=True):
    """`overrides`: severities for files matching a glob, or for a JSON pointer of a file."""

    files: tuple[str, ...]
    severities: dict[str, str]  # a RuleSeverity, or DEFAULT: enabled as defined
    base: Path  # globs and file names are relative to the ruleset's folder
    source: Where


class Ruleset(Struct):
    rules: dict[str, RulesetRule] = field(default_factory=dict)
    overrides: list[Override] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    # `spectral:oas` rule -> a RuleSeverity, or DEFAULT (enabled at the kit's own severity)
    spectral_oas: dict[str, str] = field(default_factory=dict)
    kit_steering: dict[str, str] = field(default_factory=dict)  # kit rules named in `rules`
    undefined_names: dict[str, str] = field(
        default_factory=dict
    )  # a severity for no rule -> FILE:LINE

    @property
    def kit_severities(self) -> dict[str, RuleSeverity]:
        """The kit's rules as `spectral:oas` names (or their own names) steer them; unnamed ones keep
        the kit's severity. Where two Spectral rules map onto one kit rule, an enabled one wins."""
        steered: dict[str, str] = {}
        for name, severity in self.spectral_oas.items():
            for kit_rule in SPECTRAL_OAS[name].kit_rules:
                if steered.get(kit_rule, "off") == "off":
                    steered[kit_rule] = severity
        steered.update(self.kit_steering)
        return {rule: _SEVERITIES[s] for rule, s in steered.items() if s != DEFAULT}


def load_ruleset(path: str | Path) -> Ruleset:
    """The ruleset at `path` with everything it extends; RulesetError at the first defect."""
    return _load(Path(path), ())


def _load(path: Path, chain: tuple[Path, ...]) -> Ruleset:
    source = read_source(path)
    ruleset = Ruleset()
    for index, (name, mode) in enumerate(_extends_entries(source)):
        _extend(ruleset, source, name, mode, (*chain, path.resolve()), index)
    ruleset.aliases.update(_aliases(source))
    custom = _custom_functions(source)
    rules = source.document.get("rules", {})
    if not isinstance(rules, dict):
        raise source.error("`rules` must be a mapping of rule names to rules", "rules")
    for name, definition in rules.items():
        _add_rule(ruleset, source, str(name), definition, custom)
    ruleset.overrides.extend(_overrides(source))
    return ruleset


# --- extends --------------------------------------------------------------------------------------


def _extends_entries(source: RulesetSource) -> list[tuple[str, ExtendsMode]]:
    extends = source.document.get("extends", [])
    entries = extends if isinstance(extends, list) else [extends]
    found: list[tuple[str, ExtendsMode]] = []
    for index, entry in enumerate(entries):
        found.append(_extends_entry(source, entry, index))
    return found


def _extends_entry(source: RulesetSource, entry: Any, index: int) -> tuple[str, ExtendsMode]:
    if isinstance(entry, str):
        return entry, "recommended"
    modes = ("recommended", "all", "off")
    if (
        isinstance(entry, list)
        and len(entry) == 2
        and isinstance(entry[0], str)
        and entry[1] in modes
    ):
        return entry[0], entry[1]
    raise source.error(
        "an `extends` entry is a ruleset name or [name, recommended|all|off]", "extends", index
    )


def _extend(
    ruleset: Ruleset,
    source: RulesetSource,
    name: str,
    mode: ExtendsMode,
    chain: tuple[Path, ...],
    index: int,
) -> None:
    if name == EXTENDS_NAME:
        _extend_spectral_oas(ruleset, mode, chain)
        return
    if name in OTHER_FORMATS:
        return  # their rules are for AsyncAPI and Arazzo documents; the kit lints OpenAPI only
    if name.startswith("spectral:") or "://" in name:
        raise source.error(
            f"cannot extend {name!r}: only `spectral:oas` and ruleset files are supported",
            "extends",
            index,
        )
    target = source.path.parent / name
    if target.resolve() in chain:
        cycle = " -> ".join(p.name for p in (*chain, target.resolve()))
        raise source.error(f"`extends` goes round in a circle: {cycle}", "extends", index)
    if not target.is_file():
        raise source.error(
            f"the extended ruleset {name!r} is not a file ({target})", "extends", index
        )
    _merge(ruleset, _load(target, chain), mode)


def _extend_spectral_oas(ruleset: Ruleset, mode: ExtendsMode, chain: tuple[Path, ...]) -> None:
    """The bundled rules run as an extended file would; the rest steer the kit's rules."""
    _merge(ruleset, _load(BUNDLED, chain), mode)
    for rule_name, rule in SPECTRAL_OAS.items():
        enabled = mode == "all" or (mode == "recommended" and rule.recommended)
        ruleset.spectral_oas[rule_name] = DEFAULT if enabled else "off"


def _merge(ruleset: Ruleset, parent: Ruleset, mode: ExtendsMode) -> None:
    for name, rule in parent.rules.items():
        enabled = mode == "all" or (mode == "recommended" and rule.enabled)
        ruleset.rules[name] = rule if rule.enabled == enabled else replace(rule, enabled=enabled)
        ruleset.spectral_oas.pop(name, None)
    ruleset.overrides.extend(parent.overrides)
    ruleset.aliases.update(parent.aliases)
    ruleset.kit_steering.update(parent.kit_steering)
    ruleset.undefined_names.update(parent.undefined_names)
    for name, severity in parent.spectral_oas.items():
        ruleset.spectral_oas[name] = "off" if mode == "off" else severity


def _aliases(source: RulesetSource) -> dict[str, list[str]]:
    aliases = source.document.get("aliases", {})
    if not isinstance(aliases, dict):
        raise source.error("`aliases` must be a mapping of names to JSONPaths", "aliases")
    found: dict[str, list[str]] = {}
    for name, value in aliases.items():
        found[str(name)] = _alias_paths(source, str(name), value)
    return found


def _alias_paths(source: RulesetSource, name: str, value: Any) -> list[str]:
    if isinstance(value, dict) and isinstance(value.get("targets"), list):
        # Scoped aliases name a path per format; every one of them is taken (formats still gate rules).
        value = [
            p
            for target in value["targets"]
            if isinstance(target, dict)
            for p in _list(target.get("given"))
        ]
    paths = _list(value)
    if not paths or not all(isinstance(p, str) for p in paths):
        raise source.error(f"alias {name!r} must be a JSONPath or a list of them", "aliases", name)
    return paths


def _custom_functions(source: RulesetSource) -> set[str]:
    declared = source.document.get("functions", [])
    if not isinstance(declared, list) or not all(isinstance(f, str) for f in declared):
        raise source.error("`functions` must be a list of function names", "functions")
    return set(declared)


# --- rules ----------------------------------------------------------------------------------------


def _add_rule(
    ruleset: Ruleset, source: RulesetSource, name: str, definition: Any, custom: set[str]
) -> None:
    if isinstance(definition, dict):
        ruleset.rules[name] = _rule(ruleset, source, name, definition, custom)
        ruleset.spectral_oas.pop(
            name, None
        )  # the ruleset's own rule of that name replaces Spectral's
        return
    enabled, severity = _bare_severity(source, name, definition)
    if name in ruleset.rules:
        rule = ruleset.rules[name]
        ruleset.rules[name] = replace(rule, enabled=enabled, severity=severity or rule.severity)
    elif name in ruleset.spectral_oas:
        ruleset.spectral_oas[name] = _steering(enabled, severity)
    elif name in KIT_RULES:
        ruleset.kit_steering[name] = _steering(enabled, severity)
    else:
        # Spectral 6 accepts a severity for a rule defined nowhere (the Italian ruleset has
        # `oas2: false`): not an error, but reported once, so a misspelt name is seen
        ruleset.undefined_names[name] = source.where("rules", name)


def _steering(enabled: bool, severity: Severity | None) -> str:
    return "off" if not enabled else severity or DEFAULT


def _bare_severity(source: RulesetSource, name: str, value: Any) -> tuple[bool, Severity | None]:
    """`rule: warn`, `rule: off`, `rule: 1`, `rule: true` (enabled as defined), `rule: false`."""
    if isinstance(value, bool):
        return value, None
    severity = _severity(source, value, "rules", name)
    return (severity != "off", None if severity == "off" else severity)


def _severity(source: RulesetSource, value: Any, *where: str | int) -> RuleSeverity:
    key = value.lower() if isinstance(value, str) else value
    if isinstance(key, bool) or key not in _SEVERITIES:
        raise source.error(
            f"bad severity {value!r}: use error, warn, info, hint, off (or 0-3)", *where
        )
    return _SEVERITIES[key]


def _rule(
    ruleset: Ruleset, source: RulesetSource, name: str, definition: dict[str, Any], custom: set[str]
) -> RulesetRule:
    where = ("rules", name)
    severity = _severity(source, definition.get("severity", "warn"), *where, "severity")
    recommended = definition.get("recommended", True) is not False
    then = tuple(
        _then(source, item, (*where, *at), custom)
        for item, at in _then_items(source, definition, where)
    )
    customs = [t.function for t in then if t.function in custom]
    return RulesetRule(
        name=name,
        severity="warning" if severity == "off" else severity,
        description=str(definition.get("description", "")),
        message=_optional_text(source, definition, "message", where),
        given=_givens(ruleset, source, definition, where),
        then=then,
        formats=_formats(source, definition, where),
        resolved=definition.get("resolved", True) is not False,
        recommended=recommended,
        documentation_url=_optional_text(source, definition, "documentationUrl", where),
        where=Where(source, *where),
        ruleset_dir=source.path.parent,
        custom_function=customs[0] if customs else None,
        enabled=severity != "off" and recommended,
    )


def _optional_text(
    source: RulesetSource, definition: dict[str, Any], key: str, where: tuple[str, ...]
) -> str | None:
    value = definition.get(key)
    if value is not None and not isinstance(value, str):
        raise source.error(f"`{key}` must be a string", *where, key)
    return value


def _givens(
    ruleset: Ruleset, source: RulesetSource, definition: dict[str, Any], where: tuple[str, ...]
) -> tuple[JsonPath, ...]:
    if "given" not in definition:
        raise source.error("a rule needs `given` (a JSONPath or a list of them)", *where)
    givens = _list(definition["given"])
    compiled: list[JsonPath] = []
    for index, given in enumerate(givens):
        at: tuple[str | int, ...] = (
            (*where, "given", index) if isinstance(definition["given"], list) else (*where, "given")
        )
        if not isinstance(given, str):
            raise source.error("`given` must be a JSONPath string (or a list of them)", *at)
        for text in _expand_alias(ruleset, source, given, at, ()):
            compiled.append(_compiled(source, text, at))
    if not compiled:
        raise source.error("`given` is empty", *where, "given")
    return tuple(compiled)


def _expand_alias(
    ruleset: Ruleset, source: RulesetSource, given: str, at: tuple[Any, ...], seen: tuple[str, ...]
) -> list[str]:
    """`#Name` and `#Name.rest` -> the alias' paths (an alias may name another alias)."""
    if not given.startswith("#"):
        return [given]
    # the name runs to the first `.` or `[`: `#Op[get].parameters` is Op + `[get].parameters`
    name = re.split(r"[.\[]", given[1:], maxsplit=1)[0]
    suffix = given[1 + len(name) :]
    if name not in ruleset.aliases:
        raise source.error(f"unknown alias '#{name}' (define it under `aliases`)", *at)
    if name in seen:
        raise source.error(f"alias '#{name}' refers to itself", *at)
    expanded: list[str] = []
    for path in ruleset.aliases[name]:
        expanded.extend(_expand_alias(ruleset, source, path + suffix, at, (*seen, name)))
    return expanded


def _compiled(source: RulesetSource, text: str, at: tuple[Any, ...]) -> JsonPath:
    try:
        return _json_path(text)
    except JsonPathSyntaxError as exc:
        raise source.error(f"`given` does not parse: {exc}", *at) from None


@lru_cache(maxsize=4096)
def _json_path(text: str) -> JsonPath:
    """One parse per path text: rulesets repeat their paths (SPS with spectral:oas: 94 texts in 131
    `given`s), and a parsed path is read-only."""
    return JsonPath(text)


def _then_items(
    source: RulesetSource, definition: dict[str, Any], where: tuple[str, ...]
) -> list[tuple[Any, tuple[Any, ...]]]:
    if "then" not in definition:
        raise source.error("a rule needs `then` (a function, or a list of them)", *where)
    then = definition["then"]
    if isinstance(then, list):
        return [(item, ("then", index)) for index, item in enumerate(then)]
    return [(then, ("then",))]


def _then(source: RulesetSource, definition: Any, at: tuple[Any, ...], custom: set[str]) -> Then:
    if not isinstance(definition, dict) or not isinstance(definition.get("function"), str):
        raise source.error("each `then` needs a `function` name", *at)
    name = definition["function"]
    _check_function(source, definition, at, custom)
    options = definition.get("functionOptions")
    return Then(_field(source, definition, at), name, options, _field_path(source, definition, at))


def _check_function(
    source: RulesetSource, definition: dict[str, Any], at: tuple[Any, ...], custom: set[str]
) -> None:
    """A core function with valid options, or a custom one the ruleset declares (skipped at run)."""
    name = definition["function"]
    registry = core_functions()
    if name in custom and name not in registry.functions:
        return
    if name in registry.bundled and is_bundled(source.path):
        return  # Spectral's own OpenAPI functions: for its spectral:oas rules, not a team's
    if name not in registry.functions:
        known = ", ".join(sorted(registry.functions))
        raise source.error(
            f"unknown function {name!r} (core functions: {known}; or declare it under `functions`)",
            *at,
            "function",
        )
    reason = registry.check_options(name, definition.get("functionOptions"))
    if reason is not None:
        key = "functionOptions" if "functionOptions" in definition else "function"
        raise source.error(f"bad functionOptions for {name}: {reason}", *at, key)


def _field(source: RulesetSource, definition: dict[str, Any], at: tuple[Any, ...]) -> str | None:
    value = definition.get("field")
    if value is not None and not isinstance(value, str):
        raise source.error("`field` must be a string", *at, "field")
    return value


def _field_path(
    source: RulesetSource, definition: dict[str, Any], at: tuple[Any, ...]
) -> JsonPath | None:
    value = definition.get("field")
    if isinstance(value, str) and value.startswith("$"):
        try:
            return _json_path(value)
        except JsonPathSyntaxError as exc:
            raise source.error(f"`field` does not parse: {exc}", *at, "field") from None
    return None


def _formats(
    source: RulesetSource, definition: dict[str, Any], where: tuple[str, ...]
) -> frozenset[str] | None:
    if "formats" not in definition:
        return None
    formats = definition["formats"]
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        raise source.error("`formats` must be a list of format names", *where, "formats")
    unknown = sorted(set(formats) - FORMATS)
    if unknown:
        raise source.error(
            f"unknown format {unknown[0]!r} (known: {', '.join(sorted(FORMATS))})",
            *where,
            "formats",
        )
    return frozenset(formats)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# --- overrides ------------------------------------------------------------------------------------


def _overrides(source: RulesetSource) -> list[Override]:
    overrides = source.document.get("overrides", [])
    if not isinstance(overrides, list):
        raise source.error("`overrides` must be a list of {files, rules}", "overrides")
    return [_override(source, entry, index) for index, entry in enumerate(overrides)]


def _override(source: RulesetSource, entry: Any, index: int) -> Override:
    at = ("overrides", index)
    files = entry.get("files") if isinstance(entry, dict) else None
    if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
        raise source.error("an override needs `files`: a list of globs or file#/pointer", *at)
    rules = entry.get("rules", {})
    if not isinstance(rules, dict):
        raise source.error("an override's `rules` must be a mapping", *at, "rules")
    severities: dict[str, str] = {}
    for name, value in rules.items():
        if isinstance(value, dict):
            raise source.error(
                "an override changes severities only (rule: warn|off|...); define the rule under `rules`",
                *at,
                "rules",
                name,
            )
        severities[str(name)] = _steering(*_bare_severity(source, str(name), value))
    return Override(tuple(files), severities, source.path.parent, Where(source, *at))
