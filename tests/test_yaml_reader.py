"""YAML with line numbers: what a node graph would hide (alias loops and bombs, stray
characters, second documents) is one located problem, and nothing is expanded without bound."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from graph_model.yaml_reader import MAX_ALIAS_VALUES, parse_located_yaml

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def parsed(text: str):
    problems = []
    data = parse_located_yaml(text, Path("f.yaml"), problems)
    return data, [(p.line, str(p)) for p in problems]


@pytest.mark.parametrize("text, line, message", [
    ("statements:\n  - loop: &l [*l]\n", 2,
     "f.yaml:2: alias '*l' is inside the block it names ('&l' at line 2), so it would repeat forever. "
     "Write the value out instead of using an alias."),
    ("a: &m\n  b: 1\n  c: *m\n", 3,
     "f.yaml:3: alias '*m' is inside the block it names ('&m' at line 1), so it would repeat forever. "
     "Write the value out instead of using an alias."),
    (BILLION_LAUGHS, 5,
     f"f.yaml:5: aliases in this file expand to more than {MAX_ALIAS_VALUES:,} values. Aliases that repeat blocks "
     "full of aliases multiply (a 'billion laughs'); write the values out instead."),
    ("a: 1\nb: *nowhere\n", 2,
     "f.yaml:2: alias '*nowhere' names no anchor. Mark the block it repeats with '&nowhere' before this line, "
     "or write the value out."),
    ("article: {file: a.txt}\n---\narticle: {file: b.txt}\n", 2,
     "f.yaml:2: a second YAML document in one file. A file holds one document: remove the '---' that starts the "
     "second one and what follows it, or move that to a file of its own."),
    ("a: 1\nb: Pres\x07ident\n", 2,
     "f.yaml:2: character U+0007 (a control character) at column 8 is not allowed in YAML. Delete it: YAML files "
     "may hold only printable characters, tabs and line breaks."),
    ("a: 1\n\n  b: \x1b[31m\n", 3,
     "f.yaml:3: character U+001B (a control character) at column 6 is not allowed in YAML. Delete it: YAML files "
     "may hold only printable characters, tabs and line breaks."),
    ("a: \ufffe\n", 1,
     "f.yaml:1: character U+FFFE (a control character) at column 4 is not allowed in YAML. Delete it: YAML files "
     "may hold only printable characters, tabs and line breaks."),
    ("a: 1\nquote: We are\u2028ready\nb: 2\n", 2,
     "f.yaml:2: U+2028 (LINE SEPARATOR) at column 14: YAML reads it as a line break, so line numbers would not "
     "match your editor's. Replace it with a space, or with a plain line break."),
    ("a: 1\r\nb: 'x\ry'\r\n", 2,
     "f.yaml:2: a carriage return (CR) without a line feed at column 6: YAML reads it as a line break, so line "
     "numbers would not match your editor's. Replace it with a space, or with a plain line break."),
    ("[" * 2000 + "]" * 2000, 1,
     "f.yaml:1: YAML syntax error: exceeded maximum nesting depth (column 1001). Check the indentation and quoting "
     "on this line and the one before; quotes containing ':' or '\"' need single quotes."),
])
def test_a_file_yaml_cannot_read_whole_is_one_located_problem(text, line, message):
    assert parsed(text) == (None, [(line, message)])


def test_the_billion_laughs_are_refused_at_once():
    start = time.perf_counter()
    assert parsed(BILLION_LAUGHS)[0] is None
    assert time.perf_counter() - start < 1


def test_aliases_within_the_bound_are_read_with_the_lines_of_their_anchor():
    data, problems = parsed("role: &r President\nblock: &b {k: v}\nagain: *b\nrole2: *r\n")
    assert problems == []
    assert data == {"role": "President", "block": {"k": "v"}, "again": {"k": "v"}, "role2": "President"}
    assert data["again"].key_lines == {"k": 2}


def test_a_list_or_mapping_as_a_key_is_reported_and_the_rest_is_read():
    data, problems = parsed("? [a, b]\n: c\nd: 1\n")
    assert data == {"d": "1"}
    assert problems == [(1, "f.yaml:1: a key must be a plain name, not a list or a mapping. Write 'name: value'; "
                            "see docs/mapping-format.md for the fields.")]


def test_duplicate_keys_are_not_reported_after_a_syntax_error():
    """After a syntax error the parser's view of the keys is not the author's."""
    data, problems = parsed("a: 1\na: 2\nb: [\n")
    assert data is None
    assert [line for line, _ in problems] == [4]


def test_null_and_booleans_are_the_only_scalars_converted():
    data, _ = parsed("a: ~\nb: yes\nc: 2017-07-05\nd: 1.5\ne: !!str yes\nf: ''\n")
    assert data == {"a": None, "b": True, "c": "2017-07-05", "d": "1.5", "e": "yes", "f": ""}
