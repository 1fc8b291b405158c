"""JSONPath filter expressions (`?(@.in === 'query' && @property.match(/^x-/))`) as Spectral reads them.

Spectral hands filters to jsonpath-plus, which evaluates them as JavaScript. No Python JSONPath
library evaluates JavaScript expressions (jsonpath-ng, python-jsonpath and jsonpath-rw each have a
filter language of their own, without `===`, `@property`, `.match(/re/)` or `typeof`), so this is a
small evaluator of the JavaScript subset real rulesets use: literals (strings, numbers, regexes,
arrays), `@`-names, member access, the common string and array methods, `typeof`, `!`, arithmetic,
comparisons, `in`, `&&`, `||` and `?:`, with JavaScript's truthiness and equality.

An expression that would throw in JavaScript (a property of `null`, a method a value lacks) raises
`FilterFailed`; the caller takes that as the node's non-match, never the end of the run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any


class _Undefined:
    """JavaScript's `undefined`: what a missing property reads as."""

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Any = _Undefined()


class FilterSyntaxError(ValueError):
    """The expression does not parse (a ruleset load error)."""


class FilterFailed(Exception):
    """The expression threw on this node (JavaScript's TypeError): the node does not match."""


class Scope:
    """What `@`-names read for one candidate node. A filter runs on every child of every node a `..`
    walks (100k+ on a large spec) and few read `@path`, so its text is built only when read; a plain
    slotted class, as a frozen dataclass's `__init__` alone costs as much again."""

    __slots__ = ("parent", "parent_prop", "prop", "root", "tokens", "value")

    def __init__(
        self,
        value: Any,
        prop: str | int | None,
        parent: Any,
        parent_prop: str | int | None,
        tokens: tuple[str | int, ...],
        root: Any,
    ):
        self.value = value
        self.prop = prop
        self.parent = parent
        self.parent_prop = parent_prop
        self.tokens = tokens  # the candidate's path from the root
        self.root = root

    @property
    def path(self) -> str:
        """`@path`: jsonpath-plus's normalized path of the candidate."""
        return path_text(self.tokens)


def path_text(path: tuple[str | int, ...]) -> str:
    """jsonpath-plus's normalized path, what `@path` reads: `$['paths']['/pets'][0]`."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f"['{p}']" for p in path)


Expression = Callable[[Scope], Any]

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<at>@[A-Za-z_]*)
  | (?P<name>[A-Za-z_$][\w$]*)
  | (?P<op>===|!==|==|!=|<=|>=|&&|\|\||[-+*/%<>!?:.,()\[\]])
)""",
    re.VERBOSE,
)
_REGEX = re.compile(r"/((?:[^/\\\n]|\\.)+)/([a-z]*)")
_AT_NAMES = {"@", "@property", "@parentProperty", "@parent", "@path", "@root"}
_KEYWORDS = {"true": True, "false": False, "null": None, "undefined": UNDEFINED}


def compile_filter(text: str) -> Expression:
    """The expression as a function of a Scope; FilterSyntaxError when it does not parse."""
    parser = _Parser(_tokens(text))
    expression = parser.ternary()
    if parser.peek() is not None:
        raise FilterSyntaxError(f"unexpected {parser.peek()!r} in filter {text!r}")
    return expression


def matches(expression: Expression, scope: Scope) -> bool:
    """Truthy result; a throw (or a Python error on a strange value) is the node's non-match."""
    try:
        return truthy(expression(scope))
    except (FilterFailed, TypeError, ValueError, KeyError, IndexError, RecursionError, re.error):
        return False


def _tokens(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        regex = _REGEX.match(text, _skip_space(text, position))
        if regex and _regex_allowed(tokens):
            tokens.append(("regex", _js_regex(regex.group(1), regex.group(2))))
            position = regex.end()
            continue
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            raise FilterSyntaxError(f"cannot read {text[position:].strip()!r} in filter {text!r}")
        tokens.append(_token(found))
        position = found.end()
    return tokens


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _regex_allowed(tokens: list[tuple[str, Any]]) -> bool:
    """A `/` starts a regex where a value is expected (JavaScript's rule), else it divides."""
    if not tokens:
        return True
    kind, value = tokens[-1]
    return kind == "op" and value not in (")", "]")


def _token(found: re.Match[str]) -> tuple[str, Any]:
    kind = found.lastgroup or ""
    text = found.group(kind)
    if kind == "number":
        return ("value", float(text) if any(c in text for c in ".eE") else int(text))
    if kind == "string":
        return ("value", _unquote(text))
    if kind == "at" and text not in _AT_NAMES:
        raise FilterSyntaxError(f"unknown name {text!r} (known: {', '.join(sorted(_AT_NAMES))})")
    if kind == "name" and text in _KEYWORDS:
        return ("value", _KEYWORDS[text])
    return (kind, text)


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def _js_regex(source: str, flags: str) -> re.Pattern[str]:
    """A JavaScript regex literal in Python's `re` (the syntax real filters use is shared)."""
    python_flags = (re.IGNORECASE if "i" in flags else 0) | (re.MULTILINE if "m" in flags else 0)
    try:
        return re.compile(source, python_flags | (re.DOTALL if "s" in flags else 0))
    except re.error as exc:
        raise FilterSyntaxError(f"invalid regular expression /{source}/: {exc}") from None


class _Parser:
    """Precedence climbing over the tokens; each rule returns a closure over a Scope."""

    def __init__(self, tokens: list[tuple[str, Any]]):
        self.tokens = tokens
        self.index = 0

    def peek(self) -> Any:
        return self.tokens[self.index][1] if self.index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, Any]:
        if self.index >= len(self.tokens):
            raise FilterSyntaxError(f"the filter ends early (expected {expected or 'more'})")
        token = self.tokens[self.index]
        if expected is not None and token[1] != expected:
            raise FilterSyntaxError(f"expected {expected!r}, found {token[1]!r}")
        self.index += 1
        return token

    def at_op(self, *ops: str) -> str | None:
        if self.index < len(self.tokens) and self.tokens[self.index][0] in ("op", "name"):
            value = self.tokens[self.index][1]
            if value in ops:
                self.index += 1
                return str(value)
        return None

    def ternary(self) -> Expression:
        condition = self.binary(0)
        if self.at_op("?") is None:
            return condition
        then = self.ternary()
        self.take(":")
        otherwise = self.ternary()
        return lambda s: then(s) if truthy(condition(s)) else otherwise(s)

    def binary(self, level: int) -> Expression:
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while (op := self.at_op(*_LEVELS[level])) is not None:
            left = _combine(op, left, self.binary(level + 1))
        return left

    def unary(self) -> Expression:
        op = self.at_op("!", "-", "+", "typeof")
        if op is None:
            return self.postfix(self.primary())
        operand = self.unary()
        unary: dict[str, Expression] = {
            "!": lambda s: not truthy(operand(s)),
            "-": lambda s: -_number(operand(s)),
            "+": lambda s: _number(operand(s)),
            "typeof": lambda s: type_of(operand(s)),
        }
        return unary[op]

    def primary(self) -> Expression:
        kind, value = self.take()
        if kind in ("value", "regex"):
            literal: Expression = lambda s: value  # noqa: E731 (kept to be looked up below)
            _LITERALS[literal] = value
            return literal
        if kind == "at":
            return _AT_READERS[value]
        if value == "(":
            inner = self.ternary()
            self.take(")")
            return inner
        if value == "[":
            return self.array()
        if kind == "name" and value in _GLOBALS:
            return lambda s: _GLOBALS[value]
        raise FilterSyntaxError(f"unexpected {value!r}")

    def array(self) -> Expression:
        items: list[Expression] = []
        while self.peek() != "]":
            items.append(self.ternary())
            if self.peek() != "]":
                self.take(",")
        self.take("]")
        return lambda s: [item(s) for item in items]

    def postfix(self, target: Expression) -> Expression:
        while True:
            if self.at_op("."):
                kind, name = self.take()
                if kind != "name" and not (kind == "value" and isinstance(name, bool | None)):
                    raise FilterSyntaxError(f"expected a property name after '.', found {name!r}")
                target = self.member(target, _literal_name(name))
            elif self.at_op("["):
                index = self.ternary()
                self.take("]")
                target = _computed(target, index)
            else:
                return target

    def member(self, target: Expression, name: str) -> Expression:
        if self.at_op("("):
            arguments = self.arguments()
            return lambda s: call_method(target(s), name, [a(s) for a in arguments])
        read: Expression = lambda s: get_property(target(s), name)  # noqa: E731
        if target is _AT_READERS["@"] and name != "length" and not _numeric(name):
            _MEMBERS[read] = name
            _REQUIRED_MEMBERS[read] = frozenset({name})  # `@.x` alone is truthy only if x is there
        return read

    def arguments(self) -> list[Expression]:
        arguments: list[Expression] = []
        while self.peek() != ")":
            arguments.append(self.ternary())
            if self.peek() != ")":
                self.take(",")
        self.take(")")
        return arguments


def _literal_name(name: Any) -> str:
    """`@.true` reads the key "true": after a dot every word is a name."""
    return name if isinstance(name, str) else _key(name) if name is not None else "null"


def _computed(target: Expression, index: Expression) -> Expression:
    return lambda s: get_property(target(s), index(s))


_LEVELS: list[tuple[str, ...]] = [
    ("||",),
    ("&&",),
    ("===", "!==", "==", "!="),
    ("<", "<=", ">", ">=", "in"),
    ("+", "-"),
    ("*", "/", "%"),
]


def _combine(op: str, left: Expression, right: Expression) -> Expression:
    combined: Expression
    if op == "||":
        combined = lambda s: value if truthy(value := left(s)) else right(s)  # noqa: E731
    elif op == "&&":
        combined = lambda s: right(s) if truthy(value := left(s)) else value  # noqa: E731
    else:
        operation = _BINARY[op]
        combined = lambda s: operation(left(s), right(s))  # noqa: E731
    keys = _keys_of(op, left, right)
    if keys is not None:
        _PROPERTY_KEYS[combined] = keys
    members = _members_of(op, left, right)
    if members:
        _REQUIRED_MEMBERS[combined] = members
    return combined


# What lets `$..[?(@property === 'x')]` look up `x` instead of running the filter on every node of a
# large spec: the literals of an expression, and the only property names that can satisfy one.
_LITERALS: dict[Expression, Any] = {}
_PROPERTY_KEYS: dict[Expression, frozenset[str]] = {}


_MEMBERS: dict[Expression, str] = {}  # `@.x` readers -> "x"
_REQUIRED_MEMBERS: dict[Expression, frozenset[str]] = {}


def required_members(expression: Expression) -> frozenset[str]:
    """Own keys the candidate node must have (an object) for the filter to be true: `@.in == 'query'`
    needs `in`; empty when the filter may hold without any."""
    return _REQUIRED_MEMBERS.get(expression, frozenset())


def _members_of(op: str, left: Expression, right: Expression) -> frozenset[str]:
    if op in ("===", "=="):
        for reader, literal in ((left, right), (right, left)):
            if (
                reader in _MEMBERS
                and literal in _LITERALS
                and _LITERALS[literal] not in (None, UNDEFINED)
            ):
                return frozenset({_MEMBERS[reader]})  # undefined equals no other literal
        return frozenset()
    if op == "&&":
        return _REQUIRED_MEMBERS.get(left, frozenset()) | _REQUIRED_MEMBERS.get(right, frozenset())
    return frozenset()


def property_keys(expression: Expression) -> frozenset[str] | None:
    """The property names outside which the filter is certainly false (None: any name may match)."""
    return _PROPERTY_KEYS.get(expression)


def _keys_of(op: str, left: Expression, right: Expression) -> frozenset[str] | None:
    if op in ("===", "=="):
        for reader, literal in ((left, right), (right, left)):
            value = _LITERALS.get(literal)
            if (
                reader is _AT_READERS["@property"]
                and isinstance(value, str)
                and not _numeric(value)
            ):
                return frozenset({value})  # a non-numeric name never equals an array index
        return None
    left_keys, right_keys = _PROPERTY_KEYS.get(left), _PROPERTY_KEYS.get(right)
    if op == "&&":
        if left_keys is not None and right_keys is not None:
            return left_keys & right_keys
        return left_keys if left_keys is not None else right_keys
    if op == "||" and left_keys is not None and right_keys is not None:
        return left_keys | right_keys
    return None


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text.strip() == ""  # "" == 0 in JavaScript
    return True


_AT_READERS: dict[str, Expression] = {
    "@": lambda s: s.value,
    "@property": lambda s: s.prop,
    "@parentProperty": lambda s: s.parent_prop,
    "@parent": lambda s: s.parent,
    "@path": lambda s: s.path,
    "@root": lambda s: s.root,
}


# --- JavaScript semantics ----------------------------------------------------------------------


def truthy(value: Any) -> bool:
    # the types of parsed JSON first, by exact type: a filter runs on every node a `..` walks
    kind = type(value)
    if kind is str:
        return value != ""
    if kind is dict or kind is list:
        return True
    if value is UNDEFINED or value is None or value is False:
        return False
    if isinstance(value, bool):
        return True
    if isinstance(value, int | float):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True  # objects, arrays and regexes, even empty ones


def type_of(value: Any) -> str:
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if callable(value):
        return "function"
    return "object"  # null too, as in JavaScript


def get_property(target: Any, name: Any) -> Any:
    """`target[name]`; reading any property of null or undefined throws."""
    if type(target) is dict and type(name) is str:  # `@.in`: the usual read, answered at once
        return target.get(name, UNDEFINED)
    if target is None or target is UNDEFINED:
        raise FilterFailed(f"cannot read property {name!r} of {target!r}")
    if isinstance(target, dict):
        return target.get(_key(name), UNDEFINED)
    if isinstance(target, list | str):
        return _sequence_member(target, name)
    return UNDEFINED


def _sequence_member(target: list[Any] | str, name: Any) -> Any:
    if name == "length":
        return len(target)
    index = _index(name)
    if index is not None and 0 <= index < len(target):
        return target[index]
    return UNDEFINED


def _key(name: Any) -> str:
    if isinstance(name, bool):
        return "true" if name else "false"
    if isinstance(name, float) and name.is_integer():
        return str(int(name))
    return name if isinstance(name, str) else str(name)


def _index(name: Any) -> int | None:
    if isinstance(name, int) and not isinstance(name, bool):
        return name
    if isinstance(name, float) and name.is_integer():
        return int(name)
    if isinstance(name, str) and name.isdigit():
        return int(name)
    return None


def _number(value: Any) -> float | int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if value is None:
        return 0
    if isinstance(value, str):
        try:
            return float(value.strip()) if value.strip() else 0
        except ValueError:
            return math.nan
    return math.nan


def strict_equal(left: Any, right: Any) -> bool:
    if type(left) is str:  # a name or a value against a string literal: the usual comparison
        return type(right) is str and left == right
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    both_numbers = isinstance(left, int | float) and isinstance(right, int | float)
    if both_numbers:
        return bool(left == right)
    if type(left) is not type(right):
        return False
    if isinstance(left, dict | list):
        return left is right  # objects compare by identity
    return bool(left == right)


def loose_equal(left: Any, right: Any) -> bool:
    if type(left) is str and type(right) is str:  # the usual comparison, as `strict_equal` has it
        return left == right
    nullish = (None, UNDEFINED)
    if left in nullish or right in nullish:
        return left in nullish and right in nullish
    if isinstance(left, dict | list) or isinstance(right, dict | list):
        if isinstance(left, dict | list) and isinstance(right, dict | list):
            return left is right
        primitive = right if isinstance(left, dict | list) else left
        composite = left if isinstance(left, dict | list) else right
        return loose_equal(_to_string(composite), primitive)
    if type(left) is type(right) or strict_equal(left, right):
        return strict_equal(left, right)
    return _number(left) == _number(right)


def _to_string(value: Any) -> str:
    if isinstance(value, list):
        return ",".join("" if v in (None, UNDEFINED) else _to_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _compare(op: str) -> Callable[[Any, Any], bool]:
    def compare(left: Any, right: Any) -> bool:
        if isinstance(left, str) and isinstance(right, str):
            pair: tuple[Any, Any] = (left, right)
        else:
            pair = (_number(left), _number(right))
            if any(isinstance(v, float) and math.isnan(v) for v in pair):
                return False
        return {"<": pair[0] < pair[1], "<=": pair[0] <= pair[1], ">": pair[0] > pair[1]}.get(
            op, pair[0] >= pair[1]
        )

    return compare


def _plus(left: Any, right: Any) -> Any:
    if isinstance(left, str | list | dict) or isinstance(right, str | list | dict):
        return _to_string(left) + _to_string(right)
    return _number(left) + _number(right)


def _arithmetic(operation: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        try:
            return operation(_number(left), _number(right))
        except ZeroDivisionError:
            return math.nan

    return apply


def _in(left: Any, right: Any) -> bool:
    """JavaScript's `in`: a key of an object, an index of an array; anything else throws."""
    if isinstance(right, dict):
        return _key(left) in right
    if isinstance(right, list):
        index = _index(left)
        return index is not None and 0 <= index < len(right)
    raise FilterFailed("'in' needs an object on its right")


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "===": strict_equal,
    "!==": lambda a, b: not strict_equal(a, b),
    "==": loose_equal,
    "!=": lambda a, b: not loose_equal(a, b),
    "<": _compare("<"),
    "<=": _compare("<="),
    ">": _compare(">"),
    ">=": _compare(">="),
    "in": _in,
    "+": _plus,
    "-": _arithmetic(lambda a, b: a - b),
    "*": _arithmetic(lambda a, b: a * b),
    "/": _arithmetic(lambda a, b: a / b),
    "%": _arithmetic(lambda a, b: math.fmod(a, b)),
}


# --- methods ------------------------------------------------------------------------------------


def call_method(target: Any, name: str, arguments: list[Any]) -> Any:
    """`target.name(...arguments)` for the methods filters use; any other throws."""
    if target is None or target is UNDEFINED:
        raise FilterFailed(f"cannot call {name}() on {target!r}")
    if isinstance(target, _Namespace) and name in target:
        return target[name](*arguments)
    for kind, methods in _METHODS:
        if isinstance(target, kind) and name in methods:
            return methods[name](target, *arguments)
    if isinstance(target, dict) and name == "hasOwnProperty":
        return _key(arguments[0]) in target if arguments else False
    raise FilterFailed(f"{type_of(target)} has no method {name}()")


def _match(text: str, pattern: Any = UNDEFINED) -> Any:
    regex = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(str(pattern)))
    found = regex.search(text)
    return [found.group(0), *found.groups()] if found else None


def _test(regex: re.Pattern[str], text: Any = UNDEFINED) -> bool:
    return regex.search(_to_string(text)) is not None


def _includes(target: Any, needle: Any = UNDEFINED) -> bool:
    if isinstance(target, str):
        return _to_string(needle) in target
    return any(strict_equal(item, needle) for item in target)


def _index_of(target: Any, needle: Any = UNDEFINED) -> int:
    if isinstance(target, str):
        return target.find(_to_string(needle))
    return next((i for i, item in enumerate(target) if strict_equal(item, needle)), -1)


_STRING_METHODS: dict[str, Callable[..., Any]] = {
    "match": _match,
    "includes": _includes,
    "indexOf": _index_of,
    "startsWith": lambda s, prefix="": s.startswith(_to_string(prefix)),
    "endsWith": lambda s, suffix="": s.endswith(_to_string(suffix)),
    "toLowerCase": lambda s: s.lower(),
    "toUpperCase": lambda s: s.upper(),
    "trim": lambda s: s.strip(),
    "toString": lambda s: s,
}
_LIST_METHODS: dict[str, Callable[..., Any]] = {
    "includes": _includes,
    "indexOf": _index_of,
    "join": lambda items, sep=",": _to_string(sep).join(_to_string(i) for i in items),
}
_METHODS: tuple[tuple[type | tuple[type, ...], dict[str, Callable[..., Any]]], ...] = (
    (str, _STRING_METHODS),
    (list, _LIST_METHODS),
    (re.Pattern, {"test": _test}),
)


class _Namespace(dict[str, Any]):
    """`Object.keys(x)`, `Array.isArray(x)`: the two globals real filters call."""


_GLOBALS: dict[str, Any] = {
    "Object": _Namespace(keys=lambda value: list(value) if isinstance(value, dict) else []),
    "Array": _Namespace(isArray=lambda value: isinstance(value, list)),
}
