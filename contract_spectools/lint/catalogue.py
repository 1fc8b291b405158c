"""Every rule a lint run knows, where it came from, and the severities contract.toml's `[lint.rules]` sets.

The catalogue starts with the kit's own rules (source `kit`); other sources (a Spectral ruleset,
source `FILE:LINE`, or `spectral:oas:LINE` for the bundled spectral:oas rules) add theirs with
`Catalogue.add` before the settings are checked against it. `[lint.rules]` gives any rule a
severity (`error`, `warning`, `info`, `hint`) or turns it `off`; a name the catalogue lacks is a
ConfigError naming `contract.toml:LINE`. Findings carry their rule's default severity;
`RuleSettings.apply` gives them the configured one afterwards, so every rule source is overridden
the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from contract_core.config import Table
from contract_core.errors import ConfigError
from contract_core.records import Struct, field, replace
from contract_spectools.lint.findings import RULES, LintFinding, RuleSeverity, Severity

SETTINGS = ("error", "warning", "info", "hint", "off")
KIT = "kit"


class CatalogueRule(Struct, frozen=True):
    """A rule as `--list-rules` shows it: its name, default severity, description and source."""

    name: str
    severity: str  # one of SETTINGS: a ruleset may define a rule that is off
    description: str
    source: str = KIT  # `kit`, or `FILE:LINE` of the ruleset that defines it (`spectral:oas:LINE`)


class Catalogue(Struct):
    rules: dict[str, CatalogueRule] = field(default_factory=dict)

    def add(self, rules: Iterable[CatalogueRule]) -> None:
        """Add another source's rules; a later rule of the same name replaces the earlier one."""
        for rule in rules:
            self.rules[rule.name] = rule


def kit_catalogue() -> Catalogue:
    return Catalogue(
        {rule.id: CatalogueRule(rule.id, rule.severity, rule.title) for rule in RULES.values()}
    )


class RuleSetting(Struct, frozen=True):
    severity: str  # one of SETTINGS
    where: str  # `contract.toml:LINE`


class ActiveRule(Struct, frozen=True):
    name: str
    severity: str  # one of SETTINGS
    source: str  # where the severity comes from: the rule's source, or the setting's place
    description: str


class RuleSettings(Struct):
    """`[lint.rules]`: rule name -> the severity the project wants."""

    settings: dict[str, RuleSetting] = field(default_factory=dict)

    @classmethod
    def from_table(cls, table: Table | None) -> RuleSettings:
        """Read `[lint.rules]`; a value that is no severity is a ConfigError at its line."""
        if table is None:
            return cls()
        return cls({name: _setting(table, name, value) for name, value in table.values.items()})

    def check_known(self, catalogue: Catalogue) -> None:
        """Every configured rule must exist. Call it after every rule source joined the catalogue
        (a ruleset's rules are known only once it has loaded)."""
        for name, setting in self.settings.items():
            if name not in catalogue.rules:
                close = _close_matches(name, list(catalogue.rules))
                hint = (
                    f'; did you mean "{close[0]}"?'
                    if close
                    else "; `contract lint --list-rules` lists them"
                )
                raise ConfigError(setting.where, f'unknown rule "{name}" in [lint.rules]{hint}')

    def severity_map(self) -> dict[str, RuleSeverity]:
        """Rule name -> setting, as a ruleset runner takes it."""
        # each was checked against SETTINGS when read
        return {name: cast(RuleSeverity, s.severity) for name, s in self.settings.items()}

    def apply(self, findings: Sequence[LintFinding]) -> list[LintFinding]:
        """The findings with their configured severities; those of rules set `off` are dropped."""
        return [self._applied(f) for f in findings if self._severity(f.rule) != "off"]

    def _applied(self, finding: LintFinding) -> LintFinding:
        severity = self._severity(finding.rule)
        if severity is None:
            return finding
        return replace(finding, severity=cast(Severity, severity))

    def _severity(self, rule: str) -> str | None:
        setting = self.settings.get(rule)
        return setting.severity if setting is not None else None

    def active(self, catalogue: Catalogue) -> list[ActiveRule]:
        """Every rule of the catalogue with its effective severity and where that comes from."""
        return [self._active(rule) for rule in catalogue.rules.values()]

    def _active(self, rule: CatalogueRule) -> ActiveRule:
        setting = self.settings.get(rule.name)
        if setting is None:
            return ActiveRule(rule.name, rule.severity, rule.source, rule.description)
        return ActiveRule(rule.name, setting.severity, setting.where, rule.description)


def _setting(table: Table, name: str, value: object) -> RuleSetting:
    if value not in SETTINGS:
        close = _close_matches(str(value), SETTINGS)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        raise table.error(
            name,
            f"{name} in {table.name}: expected one of {', '.join(SETTINGS)}, "
            f"found {table.shown(value)}{hint}",
        )
    return RuleSetting(str(value), table.where(name))


def _close_matches(word: str, known: Sequence[str]) -> list[str]:
    # imported here: difflib costs 1 ms of start-up, and only an error message needs it
    from difflib import get_close_matches

    return get_close_matches(word, known, n=1)
