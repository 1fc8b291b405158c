"""A loaded ruleset run over one document: every rule's `given` matches, `then` fields, the core
function on each target, and the results as the kit's `LintFinding`s, located where they are written.

A function that throws on one node is that node's non-match (Spectral's crash on such a filter ends
the whole lint). `--timeout` is a deadline checked between nodes and calls: passing it raises
`LintTimeout` naming the rule that was running.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from contract_core import pointer
from contract_core.collector import collector_paused
from contract_core.lines import LineMap
from contract_core.records import Struct
from contract_spectools.lint.findings import LintFinding, Severity, finding
from contract_spectools.rulesets.errors import LintTimeout
from contract_spectools.rulesets.jsonpath import CONTAINERS, DescentIndexes, JsonPath, Match, Path
from contract_spectools.rulesets.loader import DEFAULT, Ruleset, RulesetRule, RuleSeverity, Then
from contract_spectools.rulesets.messages import render_message
from contract_spectools.rulesets.overrides import overridden
from contract_spectools.rulesets.registry import core_functions
from contract_spectools.rulesets.resolved import DocumentView, as_written, resolved

SKIPPED_RULE = "ruleset-rule-skipped"
FALLBACK_RULE = "ruleset-pattern-fallback"


class Deadline:
    """`--timeout`: one deadline for a whole run, and the rule now running (what a timeout names)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.rule: RulesetRule | None = None

    def tick(self) -> None:
        if time.monotonic() > self.at and self.rule is not None:
            raise LintTimeout(self.seconds, self.rule.name, self.rule.source)


class _NoDeadline(Deadline):
    def __init__(self) -> None:
        self.rule = None

    def tick(self) -> None:
        pass


class Document(Struct, frozen=True):
    """The spec a ruleset runs on: parsed, its text (for lines), and its file name; `lines` the
    caller's LineMap of that text when it has one (built once: it reads the whole text)."""

    data: Any
    text: str
    source: str
    lines: LineMap | None = None


def run_ruleset(
    ruleset: Ruleset,
    document: Document,
    *,
    severities: Mapping[str, RuleSeverity] | None = None,
    deadline: Deadline | None = None,
) -> list[LintFinding]:
    """Every finding of every enabled rule; `severities` (contract.toml's) replaces a rule's own."""
    with collector_paused():
        found = _run(ruleset, document, severities or {}, deadline or _NoDeadline())
    return [*found, *_undefined(ruleset)]


def _run(
    ruleset: Ruleset, document: Document, severities: Mapping[str, RuleSeverity], clock: Deadline
) -> list[LintFinding]:
    """The rules' findings, each once. The views and indexes are gone when this returns: the
    collector, started again, then has only the findings left to look at."""
    views = _Views(document)
    formats = document_formats(document.data)
    found: dict[tuple[str, str, str, str], LintFinding] = {}
    for rule in ruleset.rules.values():
        for f in _rule_findings(rule, ruleset, views, formats, clock, severities):
            found.setdefault((f.rule, f.source, f.pointer, f.message), f)
    return list(found.values())


class _Views:
    """The document as written and resolved, each built on first use."""

    def __init__(self, document: Document):
        self.document = document
        self._views: dict[bool, DocumentView] = {}
        self._lines: LineMap | None = None
        self._indexes: dict[bool, DescentIndexes] = {}
        self._matches: dict[tuple[bool, str], list[Match]] = {}

    def get(self, resolve: bool) -> DocumentView:
        if resolve not in self._views:
            build = resolved if resolve else as_written
            document = self.document
            self._lines = self._lines or document.lines or LineMap(document.text)
            self._views[resolve] = build(document.data, document.source, self._lines)
        return self._views[resolve]

    def indexes(self, resolve: bool) -> DescentIndexes:
        """The `..` indexes of a view, each built on first use."""
        return self._indexes.setdefault(resolve, DescentIndexes())

    def matches(self, given: JsonPath, resolve: bool, tick: Callable[[], None]) -> list[Match]:
        """A `given`'s matches in a view, found once: rulesets repeat a `given` across rules (SPS
        Commerce's `$.paths.*~` in 15, `$..properties.*~` in 5), and a match is never changed."""
        key = (resolve, given.text)
        if key not in self._matches:
            self._matches[key] = given.find(self.get(resolve).root, tick, self.indexes(resolve))
        return self._matches[key]


def _rule_findings(
    rule: RulesetRule,
    ruleset: Ruleset,
    views: _Views,
    formats: set[str],
    clock: Deadline,
    severities: Mapping[str, RuleSeverity],
) -> Iterator[LintFinding]:
    base = severities.get(rule.name, rule.effective_severity)
    if base == "off" and not any(rule.name in o.severities for o in ruleset.overrides):
        return
    if rule.custom_function is not None:
        yield _skipped(rule)
        return
    yield from _fallback_notices(rule)
    if rule.formats is not None and not rule.formats & formats:
        return
    clock.rule = rule
    view = views.get(rule.resolved)
    hint = ""  # written at the first finding: a rule's FILE:LINE reads its ruleset file's YAML
    for target_path, result in _results(rule, view, views, clock):
        hint = (
            hint
            or rule.documentation_url
            or f"follow the ruleset's rule {rule.name} ({rule.source})"
        )
        located = _finding(rule, view, target_path, result, hint)
        severity: str = base
        if ruleset.overrides:  # most rulesets have none: no call per finding
            severity = overridden(
                ruleset.overrides, rule.name, base, located.source, located.pointer
            )
        if severity != "off":
            yield _with_severity(located, severity, rule)


def _with_severity(located: LintFinding, severity: str, rule: RulesetRule) -> LintFinding:
    chosen: Severity = rule.severity if severity == DEFAULT else severity  # type: ignore[assignment]
    if chosen == located.severity:
        return located  # the usual case: no second finding built
    return LintFinding(
        located.rule,
        chosen,
        located.pointer,
        located.message,
        located.hint,
        located.source,
        located.line,
    )


def _results(
    rule: RulesetRule, view: DocumentView, views: _Views, clock: Deadline
) -> Iterator[tuple[Path, Any]]:
    """Each function result, with the path of the target it was found on."""
    # what does not depend on the node, looked up once per rule: this loop runs once per target
    # (thousands per rule on a large spec), and each attribute or global read in it is paid there
    registry = core_functions()
    tick = clock.tick
    calls = [(then, registry.function(then.function), then.options) for then in rule.then]
    # one context for the rule, its two paths set for each target rather than a context built for
    # each (a fifth of this loop): a function returns its results as a list, keeping no context
    context = registry.context(view.root, (), (), rule.name, rule.ruleset_dir)
    for given in rule.given:
        for match in views.matches(given, rule.resolved, tick):
            context.given_path = match.path
            for then, function, options in calls:
                plain = then.field is None  # the match itself: no `_targets` list built
                targets = ((match.value, match.path),) if plain else _targets(then, match)
                for value, path in targets:
                    tick()
                    context.path = path
                    try:
                        results = function(value, options, context)
                    except LintTimeout:
                        raise
                    except Exception:  # a throw on one node: its non-match, never the run's end
                        continue
                    for result in results:
                        yield path, result


def _targets(then: Then, match: Match) -> list[tuple[Any, Path]]:
    """The values `field` names under a `given` match, as Spectral's getLintTargets: a `field` under
    a value that is not an object or array is ignored (the value itself is linted), and none found
    is undefined at the match."""
    if then.field is None or not isinstance(match.value, CONTAINERS):
        return [(match.value, match.path)]
    if then.field == "@key":
        return _key_targets(match)
    if then.field_path is not None:
        found = [(m.value, (*match.path, *m.path)) for m in then.field_path.find(match.value)]
        return found or [(None, match.path)]
    tokens = field_tokens(then.field)
    return [(_lookup(match.value, tokens), (*match.path, *tokens))]


def _key_targets(match: Match) -> list[tuple[Any, Path]]:
    """`@key`, as Spectral's getLintTargets: each key of an object (or index of an array, as a
    string) at its own path; a scalar match is its own target; no keys: undefined at the match."""
    value = match.value
    if not isinstance(value, (dict, list)):
        return [(value, match.path)]
    keys: list[str | int] = list(value) if isinstance(value, dict) else list(range(len(value)))
    undefined = core_functions().missing
    return [(str(key), (*match.path, key)) for key in keys] or [(undefined, match.path)]


@lru_cache(maxsize=1024)
def field_tokens(field: str) -> tuple[str | int, ...]:
    """lodash's toPath, as Spectral splits a plain `field`: `a.b[0]['c-d']` -> a, b, 0, c-d.
    Cached: asked for each target of each rule with a `field`, always of the ruleset's few."""
    tokens: list[str | int] = []
    for dotted, bracketed in re.findall(r"([^.\[\]]+)|\[(.*?)\]", field):
        token = dotted or bracketed.strip("'\"")
        tokens.append(int(token) if bracketed and token.isdigit() else token)
    return tuple(tokens)


def _lookup(node: Any, tokens: tuple[str | int, ...]) -> Any:
    """None where the path leaves the document (the functions tell it from a null by the path)."""
    for token in tokens:
        if isinstance(node, dict):
            node = node.get(str(token))
        elif isinstance(node, list) and str(token).isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _finding(
    rule: RulesetRule, view: DocumentView, target_path: Path, result: Any, hint: str
) -> LintFinding:
    origin, value, missing = view.locate(result.path_from(target_path))
    message = render_message(
        rule.message,
        error=result.message,
        path=origin.path,
        missing=missing,
        value=value,
        description=rule.description,
    )
    return LintFinding(
        rule.name,
        rule.severity,
        "#" + pointer.from_path(origin.path),
        message,
        hint,
        origin.file,
        view.line(origin),
    )


def _skipped(rule: RulesetRule) -> LintFinding:
    message = (
        f"rule '{rule.name}' was not run: it needs the custom JavaScript function "
        f"'{rule.custom_function}', which contract lint does not run"
    )
    return _at(finding(SKIPPED_RULE, "#", message), rule.source)


def _fallback_notices(rule: RulesetRule) -> Iterator[LintFinding]:
    """A pattern off RE2 (lookaround, backreferences) is bounded per value, not linear: say which."""
    notices = core_functions().engine_notices
    for then in rule.then:
        for notice in notices(then.function, then.options):
            yield _at(finding(FALLBACK_RULE, "#", f"rule '{rule.name}': {notice}"), rule.source)


def _at(skipped: LintFinding, where: str) -> LintFinding:
    """Located in the ruleset: `where` is FILE:LINE (or FILE)."""
    file, _, line = where.rpartition(":")
    if not line.isdigit():
        return skipped.located(where, None)
    return skipped.located(file, int(line))


def _undefined(ruleset: Ruleset) -> list[LintFinding]:
    return [
        _at(
            finding(SKIPPED_RULE, "#", f"rule '{name}' is given a severity but defined nowhere"),
            where,
        )
        for name, where in ruleset.undefined_names.items()
    ]


def document_formats(document: Any) -> set[str]:
    """Spectral's format names that describe the document."""
    if not isinstance(document, dict):
        return set()
    formats: set[str] = set()
    if str(document.get("swagger", "")).startswith("2."):
        formats.add("oas2")
    openapi = str(document.get("openapi", ""))
    if openapi.startswith("3."):
        minor = openapi[:3]
        formats |= {"oas3", f"oas{minor}", f"oas{minor.replace('.', '_')}"}
    if "$schema" in document or not formats:
        formats |= {"json-schema", "json-schema-loose"}
    return formats
