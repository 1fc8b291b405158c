"""contract_core.yaml_lines: the block reader locates every node where libyaml's events do.

libyaml is the oracle: on each text the block reader accepts, every path of the document (and a
missing key under each) must get the line the event reader gives. Texts it does not accept go to
the event reader whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_core.yaml_lines import (
    _NotPlainBlock,
    block_line_tree,
    event_line_tree,
    line_in,
    line_tree,
)
from tests.conftest import corpus_dir

REPO = Path(__file__).parents[2]
CORPUS_YAML = sorted((corpus_dir() or REPO / "no corpus").glob("*.yaml"))  # $CONTRACT_CORPUS


def _paths(document: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every path of the document, and a missing key under each."""
    found = [prefix, (*prefix, "no such key")]
    if isinstance(document, dict):
        for key, value in document.items():
            name = str(key).lower() if isinstance(key, bool) else str(key)
            found += _paths(value, (*prefix, name))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += _paths(value, (*prefix, str(index)))
    return found


def _assert_same_lines(text: str) -> bool:
    """The block reader's lines equal the event reader's on `text`; False when it declines it."""
    try:
        block = block_line_tree(text)
    except _NotPlainBlock:
        return False
    events = event_line_tree(text)
    document = yaml.load(text, Loader=yaml.CSafeLoader)  # libyaml's: OpenAI's 3 MB in a second
    differing = [p for p in _paths(document) if line_in(block, p) != line_in(events, p)]
    assert differing == [], [(p, line_in(block, p), line_in(events, p)) for p in differing[:5]]
    return True


def _yaml_files() -> list[Path]:
    found = [*CORPUS_YAML, REPO / "openapi" / "api-tokens.yaml"]
    found += sorted(p for p in (REPO / "tests").rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))
    return [p for p in found if _is_yaml(p)]  # not the broken-input fixtures


def _is_yaml(path: Path) -> bool:
    try:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError):
        return False
    return True


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: str(p.relative_to(p.parents[1])))
def test_every_yaml_file_of_the_corpus_and_the_tests_is_located_alike(path: Path) -> None:
    _assert_same_lines(path.read_text(encoding="utf-8"))


def test_the_block_reader_takes_the_corpus_specs_and_the_sps_commerce_ruleset() -> None:
    # the texts a lint reads most: no PyYAML for them (its import costs more than their trees);
    # that it locates them as libyaml does is the test above
    sps = REPO / "tests" / "contract_spectools" / "rulesets" / "public" / "sps-commerce"
    texts = [*CORPUS_YAML, *sps.glob("*.yml"), REPO / "openapi" / "api-tokens.yaml"]
    declined = []
    for path in texts:
        try:
            block_line_tree(path.read_text(encoding="utf-8"))
        except _NotPlainBlock:
            declined.append(path.name)
    assert declined == []


CASES = {
    "indentless sequence": "a:\n- 1\n- x: 2\n  y: 3\nb: 4\n",
    "nested items": "a:\n  - name: p\n    in: query\n    schema:\n      type: string\n  - name: q\n",
    "item mapping below its dash": "a:\n  -\n    x: 1\n    y: 2\n  - 3\n",
    "block scalars": "a: |\n  one\n  # not a comment\n\n  two\nb: >-\n  folded\nc:\n  - |\n    x\n  - y\n",
    "folded plain scalars": "a: one\n  two\n  three no key\nb:\n  plain on\n  two lines\nc: 1\n",
    "quoted over lines": "a: \"one\n  two \\\" three\"\nb: 'it''s\n  two'\nc: 1\n",
    "flow over lines": "a: [\n  1,\n  {x: 1,\n   y: [2, 3]},\n  'q'  # c\n]\nb: {k: v, 'n': [1]}\n",
    "flow keys with spaces": "x: {\n  a : 1,\n  'b' : 2,\n  c   :\n    3\n}\n",
    "comments at a flow's line start": "a: [x\n#, y\n, z]\nb: {c: x\n#, d: 1\n, d: 2}\n",
    "flow members": "a: {x, y: , z: [1, {w: 2}]}\nb: [a, 'b', \"c\", d e]\n",
    "comments and blanks": "# top\n\na: 1  # c\n\n  # indented comment\nb:   # c\n  c: 2\n",
    "keys": "'quoted': 1\n\"dq\": 2\na:b: 3\nTrue: 4\n'it''s': 5\n200: 6\nurl: http://x:80/y\n",
    "empty values": "a:\nb:\n  c:\n  d:\ne: 1\nf:\n",
    "duplicate keys": "a: 1\nb: 2\na: 3\n",
    "crlf": "a:\r\n  b: 1\r\n  c:\r\n    - 2\r\n",
    "sequences in items": "a:\n  - - 1\n    - - 2\n      - x: 3\n  - 4\n",
    "indicators starting plain scalars": "a: ?x\nb: :y\nc: -z\n-d: 1\n",
    "deeper root": "  a: 1\n  b:\n    c: 2\n",
    "hash in values": "a: 'x # y'\nb: \"p: q # r\"\nc: x#y\nd: -1\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_hand_written_block_yaml_is_located_alike(text: str) -> None:
    assert _assert_same_lines(text)


DECLINED = {
    "anchor": "a: &x 1\nb: *x\n",
    "merge": "a: {x: 1}\nb:\n  <<: {y: 2}\n",
    "tag": "a: !!str 1\n",
    "explicit key": "? a\n: 1\n",
    "document marker": "---\na: 1\n",
    "escaped key": '"a\\tb": 1\n',
    "empty item": "a:\n  -\n  - 1\n",
    "pair in a flow sequence": "a: [x: 1]\n",
    "scalar document": "just text\n",
    "tab after a colon": "x:\n  a:\tb\n  c: d\n",
    "tab before a colon": "a: 1\nb\t: 2\n",
    "tabs as a value": "a: \t\n  b: 1\n",
}


@pytest.mark.parametrize("text", DECLINED.values(), ids=DECLINED.keys())
def test_other_yaml_goes_to_libyaml_whole(text: str) -> None:
    with pytest.raises(_NotPlainBlock):
        block_line_tree(text)
    tree, events = line_tree(text), event_line_tree(text)
    document = yaml.load(text, Loader=yaml.CSafeLoader)
    assert all(line_in(tree, p) == line_in(events, p) for p in _paths(document))


_KEYS = st.text(st.sampled_from("ab:#'\" -{}[],!&*?|>%@`\\~Tt\u00e9/"), min_size=1, max_size=6)
_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=30)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=st.dictionaries(_KEYS, _DOCUMENTS, min_size=1, max_size=4),
    flow=st.sampled_from([False, None, True]),
    width=st.sampled_from([8, 30, 1000]),
    indent=st.sampled_from([2, 4]),
    unicode=st.booleans(),
)
def test_documents_as_pyyaml_writes_them_are_located_alike(
    document: dict[str, Any], flow: bool | None, width: int, indent: int, unicode: bool
) -> None:
    # PyYAML folds long scalars over lines, quotes what needs it and writes flow collections over
    # lines at a small width: each form the block reader takes must locate as libyaml does
    text = yaml.safe_dump(
        document, default_flow_style=flow, width=width, indent=indent, allow_unicode=unicode
    )
    _assert_same_lines(text)


@pytest.mark.parametrize(
    ("text", "path", "line"),
    [
        ("a: " + "[" * 900 + "1" + "]" * 900 + "\n", ("a",), 0),
        ("a:\n  " + "{b: " * 600 + "1" + "}" * 600 + "\n", ("a", "b"), 1),
        ("x: 1\ny:\n  " + "- " * 995 + "z\n", ("y", "0"), 2),
    ],
    ids=["sequences", "mappings", "items"],
)
def test_nesting_past_the_recursion_limit_goes_to_libyaml(
    text: str, path: tuple[str, ...], line: int
) -> None:
    # libyaml reads up to 1,000 levels; the block reader recurses, and hands such a text over
    assert line_in(line_tree(text), path) == line_in(event_line_tree(text), path) == line
