"""Spectral's `match`/`notMatch` strings as linear-time matchers.

RE2 (google-re2) matches in time linear in the input, so a user's `^(a+)+$` cannot hang a run
(issue 19: one backtracking rule took a team's lint from 2 s to over an hour). RE2 has no
lookaround and no backreferences; a pattern that needs them is matched by the `regex` package
instead of the standard `re`, because `regex` takes a `timeout` per match: a thread cannot interrupt
`re`, which holds the GIL for the whole match. Such a pattern is reported (`engine_notice`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import re2

from contract_core.errors import ContractError
from contract_core.records import Struct, field

# A per-match limit for the backtracking fallback: far above any sane pattern on an API spec value.
FALLBACK_TIMEOUT_S = 0.5
# `/body/flags`, as Spectral reads a JSON ruleset's `"/[a-b]+/im"` (pattern.ts REGEXP_PATTERN)
_SLASHED = re.compile(r"^/(.+)/([a-z]*)$", re.DOTALL)
_JS_FLAGS = frozenset("dgimsuvy")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_VERDICTS_KEPT = 10_000  # per pattern
_NAME_SIZE = 100  # the texts whose verdicts are kept: names, paths, short values


class PatternTimeout(ContractError):
    """The fallback engine gave up on one value after FALLBACK_TIMEOUT_S."""


class Matcher(Struct, frozen=True):
    """One compiled user pattern, with the engine that runs it."""

    source: str  # as written in the ruleset
    engine: str  # "re2" or "regex" (the bounded fallback)
    compiled: Any
    sticky: bool  # the `y` flag: a match must start at the first character
    # answers already given (`_NAME_SIZE`): a ruleset tests the same names (`id`, `type`...) again and again,
    # in many rules and under every schema; a dict look-up costs a tenth of a search
    verdicts: dict[str, bool] = field(default_factory=dict)

    def test(self, text: str) -> bool:
        """RegExp.prototype.test: does the pattern match anywhere in `text`?"""
        if len(text) > _NAME_SIZE:
            return self._search(text)  # a description: rarely seen twice, not worth keeping
        known = self.verdicts.get(text)
        if known is None:
            if len(self.verdicts) >= _VERDICTS_KEPT:
                self.verdicts.clear()  # bounded: a long-lived process lints many specs
            known = self.verdicts[text] = self._search(text)
        return known

    def _search(self, text: str) -> bool:
        if self.engine == "re2":
            encoded = utf8(text)
            found = self.compiled.match(encoded) if self.sticky else self.compiled.search(encoded)
            return found is not None
        return self._test_bounded(text)

    def _test_bounded(self, text: str) -> bool:
        method = self.compiled.match if self.sticky else self.compiled.search
        try:
            return method(text, timeout=FALLBACK_TIMEOUT_S) is not None
        except TimeoutError as error:
            raise PatternTimeout(self.source) from error


class InvalidPattern(ContractError):
    """A `match`/`notMatch` that neither engine compiles."""


@lru_cache(maxsize=1024)
def compile_pattern(source: str) -> Matcher:
    """Spectral's createRegex: `/body/flags` or a bare body; RE2 first, the bounded fallback second."""
    body, flags = _split(source)
    unknown = set(flags) - _JS_FLAGS
    if unknown:
        raise InvalidPattern(f"Invalid flags supplied to RegExp constructor '{flags}'")
    inline = "".join(f for f in "ims" if f in flags)
    prefix = f"(?{inline})" if inline else ""
    sticky = "y" in flags
    multiline = "m" in flags
    compiled_re2 = _try_re2(prefix + js_to_python(body, re2_syntax=True, multiline=multiline))
    if compiled_re2 is not None:
        return Matcher(source, "re2", compiled_re2, sticky)
    translated = prefix + js_to_python(body, re2_syntax=False, multiline=multiline)
    superset = _without_lookarounds(body)
    prefilter = (
        _try_re2(prefix + js_to_python(superset, re2_syntax=True, multiline=multiline))
        if superset is not None
        else None
    )
    return Matcher(source, "regex", _Fallback(body, translated, prefilter), sticky)


class _Fallback:
    """The bounded engine, asked only about the values RE2 cannot settle alone, and so imported and
    compiled on the first of them (`regex` costs 7 ms of start-up): the pattern without its
    lookarounds, backreferences read as any text, matches every text the pattern matches, so a text
    it misses is a miss (SPS Commerce's `(?!https?://localhost)(https?://.*):(\\d*)` needs no
    backtracking for a URL without a port)."""

    def __init__(self, body: str, translated: str, prefilter: Any | None):
        self.body = body
        self.translated = translated
        self.prefilter = prefilter
        self._compiled: Any | None = None
        _check_syntax(body, translated)

    def search(self, text: str, timeout: float) -> Any | None:
        if self._misses(text, anchored=False):
            return None
        return self.compiled().search(text, timeout=timeout)

    def match(self, text: str, timeout: float) -> Any | None:
        if self._misses(text, anchored=True):
            return None
        return self.compiled().match(text, timeout=timeout)

    def _misses(self, text: str, *, anchored: bool) -> bool:
        """The pre-check settles it: the pattern cannot match `text`."""
        if self.prefilter is None:
            return False
        encoded = utf8(text)
        found = self.prefilter.match(encoded) if anchored else self.prefilter.search(encoded)
        return found is None

    def compiled(self) -> Any:
        if self._compiled is None:
            self._compiled = _compile_fallback(self.body, self.translated)
        return self._compiled


def _check_syntax(body: str, translated: str) -> None:
    """InvalidPattern at load, as Spectral's createRegex would raise it. The standard `re` reads the
    `regex` package's syntax but for additions (`\\p{L}`...): what it accepts needs no `regex`."""
    try:
        re.compile(translated, re.ASCII)
    except re.error:
        _compile_fallback(body, translated)  # `regex` itself says whether, and why not


def _compile_fallback(body: str, translated: str) -> Any:
    import regex  # imported here: 7 ms of start-up, and only a pattern RE2 cannot run needs it

    try:
        return regex.compile(translated, regex.ASCII | regex.VERSION0)
    except regex.error as error:
        raise InvalidPattern(f"Invalid regular expression: /{body}/: {error}") from error


_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")
_ANY_TEXT = r"[\s\S]*"


def _without_lookarounds(body: str) -> str | None:
    """A JavaScript pattern that matches at least every text `body` matches, in RE2 as in the
    fallback: lookarounds dropped (an assertion that always holds), backreferences read as any text,
    `\\s` widened to the fallback's. None where dropping would leave a quantifier without its
    operand (`(?=a)*`)."""
    out: list[str] = []
    index, in_class = 0, False
    while index < len(body):
        if not in_class and body.startswith(_LOOKAROUNDS, index):
            end = _group_end(body, index)
            if end is None or body[end + 1 : end + 2] in ("*", "+", "?", "{"):
                return None
            index = end + 1
            continue
        piece, index = _pattern_piece(body, index, in_class)
        if not in_class and _is_backreference(piece):
            piece = _ANY_TEXT
        elif piece == "\\s":  # RE2's \s lacks the vertical tab that the fallback's has
            piece = "\\s\\x0B" if in_class else "[\\s\\x0B]"
        in_class = (in_class or piece == "[") and not (in_class and piece == "]")
        out.append(piece)
    return "".join(out)


def _pattern_piece(body: str, index: int, in_class: bool) -> tuple[str, int]:
    """The next character, escape (`\\k<name>` whole), or JavaScript's `[]`/`[^]`."""
    if body[index] == "\\" and index + 1 < len(body):
        end = body.find(">", index + 3)
        if body.startswith("k<", index + 1) and end != -1 and not in_class:
            return body[index : end + 1], end + 1
        digits = index + 1
        while not in_class and digits < len(body) and body[digits].isdigit():
            digits += 1
        return body[index : max(digits, index + 2)], max(digits, index + 2)
    for whole in ("[^]", "[]"):
        if not in_class and body.startswith(whole, index):
            return whole, index + len(whole)
    return body[index], index + 1


def _is_backreference(piece: str) -> bool:
    return piece.startswith("\\k<") or (
        len(piece) > 1 and piece[0] == "\\" and piece[1:].isdigit() and piece[1] != "0"
    )


def _group_end(body: str, index: int) -> int | None:
    """Where the group opened at `index` closes (escapes and classes skipped)."""
    depth, in_class = 0, False
    while index < len(body):
        piece, index = _pattern_piece(body, index, in_class)
        if in_class:
            in_class = piece != "]"
        elif piece == "[":
            in_class = True
        elif piece == "(":
            depth += 1
        elif piece == ")":
            depth -= 1
            if depth == 0:
                return index - 1
    return None


def engine_notice(source: str) -> str | None:
    """Why `source` runs on the bounded fallback, or None when RE2 runs it (or it does not compile)."""
    try:
        matcher = compile_pattern(source)
    except InvalidPattern:
        return None
    if matcher.engine == "re2":
        return None
    return (
        f"pattern {source!r} needs lookaround or a backreference, which the linear-time engine (RE2) "
        f"lacks: it runs on a backtracking engine with a {FALLBACK_TIMEOUT_S:g} s limit per value"
    )


def js_to_python(body: str, *, re2_syntax: bool, multiline: bool) -> str:
    """A JavaScript regex body in RE2's or the `regex` package's syntax, where the two differ.

    JavaScript's `[^]` (any character) and `[]` (none), `\\uXXXX` (RE2: `\\x{XXXX}`), `\\k<name>`
    (regex: `(?P=name)`) and `$` without the `m` flag (the end of the text; Python's `$` also
    matches before a final newline, RE2's does not).
    """
    out: list[str] = []
    index, in_class = 0, False
    while index < len(body):
        piece, index = _next_piece(body, index, in_class, re2_syntax, multiline)
        if piece == "[":
            in_class = True
        elif in_class and piece == "]":
            in_class = False
        out.append(piece)
    return "".join(out)


def _next_piece(
    body: str, index: int, in_class: bool, re2_syntax: bool, multiline: bool
) -> tuple[str, int]:
    char = body[index]
    if char == "\\" and index + 1 < len(body):
        return _escape(body, index, in_class, re2_syntax)
    if not in_class and body.startswith("[^]", index):
        return r"[\s\S]", index + 3
    if not in_class and body.startswith("[]", index):
        return (r"[^\x00-\x{10FFFF}]" if re2_syntax else "(?!)"), index + 2  # RE2 has no lookahead
    if char == "$" and not in_class and not multiline and not re2_syntax:
        return r"\Z", index + 1
    return char, index + 1


def _escape(body: str, index: int, in_class: bool, re2_syntax: bool) -> tuple[str, int]:
    letter = body[index + 1]
    if letter == "u" and re2_syntax and _HEX4.fullmatch(body, index + 2, index + 6):
        return "\\x{" + body[index + 2 : index + 6] + "}", index + 6
    end = body.find(">", index + 3)
    if (
        letter == "k"
        and not re2_syntax
        and not in_class
        and body[index + 2 : index + 3] == "<"
        and end != -1
    ):
        return f"(?P={body[index + 3 : end]})", end + 1
    return body[index : index + 2], index + 2


def _split(source: str) -> tuple[str, str]:
    slashed = _SLASHED.match(source)
    if slashed is None:
        return source, ""
    return slashed.group(1), slashed.group(2)


def compile_re2(pattern: str) -> Any:
    """An RE2 regex over UTF-8 bytes: google-re2 maps every match back to str offsets otherwise
    (10 us a search instead of 3), and a yes/no is all a rule needs. Raises re2.error."""
    options = re2.Options()
    options.log_errors = False  # RE2 writes every refused pattern to stderr otherwise
    return re2.compile(utf8(pattern), options)


def utf8(text: str) -> bytes:
    return text.encode(
        "utf-8", "surrogatepass"
    )  # a lone surrogate (JSON allows "\\ud800") stays a value


def _try_re2(pattern: str) -> Any:
    try:
        return compile_re2(pattern)
    except re2.error:
        return None
