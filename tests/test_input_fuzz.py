"""Any bytes in any seeds file end in a report, never a traceback.

Hypothesis mutates the one-article corpus of conftest: YAML punctuation, anchors and aliases,
control and invisible characters, other encodings, raw bytes, directories in place of files.
The only acceptable outcomes of reading and validating are a report whose problems are each
located (a path inside the seeds folder, a line of at least 1 or none, one line of text), or an
InputError carrying such a problem; when the corpus is valid, it must also map to N-Quads.

This run is bounded to a few seconds; ``scripts/fuzz_inputs.py`` runs the same strategies for
minutes and counts what it finds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from graph_model.build import build_nquads, validate
from graph_model.errors import InputError, Problem

from .conftest import TINY_ARTICLE, TINY_ENTITIES, TINY_MAPPING, write_seeds

FILES = {"article": "articles/001_tiny.txt", "entities": "entities/entities.yaml", "mapping": "mapping/001_tiny.yaml"}
BASES = {"article": TINY_ARTICLE, "entities": TINY_ENTITIES, "mapping": TINY_MAPPING}

# Pieces that change how YAML, the schema or validation read a file.
SNIPPETS = [
    "&a ", "*a", "&l [*l]", "<<: *a", "[", "]", "{", "}", ": ", "- ", "? ", "---\n", "...\n", "%YAML 1.1\n",
    "!!str ", "!!binary ", "!!python/object:os.system ", "|\n", ">-\n", "'", '"', "\\", "#", "~", "null", "yes",
    "\t", "\n", "\r", "  ", "\x00", "\x07", "\x1b", "\x85", "\u2028", "\ufeff", "\ufffe", "\u200b", "é", "“", "–",
    '"\\x07"', '"\\u2028"', '"\\0"', "lukashenko", "helsinki-2", "osce", "proposes", "involves", "holdsPosition",
    "subject: ", "object: ", "quote: ", "date: ", "2017", "2017-07-05", "--02-30", "late 2016", "٢٠١٧",
    "../../etc/passwd", "001_tiny.txt", "x" * 300, "entities:", "statements:", "article:", "file: ",
]
# Whole lines, inserted between lines: alias loops and bombs, anchored blocks used again.
LINES = [
    "loop: &l [*l]\n", "  - &s {subject: lukashenko, predicate: proposes, object: helsinki-2, quote: x}\n",
    "  - *s\n", "  - {<<: *s, quote: proposed}\n", "extra: *nowhere\n", "---\n",
    "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
            for p, n in zip(["", "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi")),
    "  - id: " + "x" * 100_000 + "\n", "    aliases: [" + ", ".join(["[a]"] * 3) + "]\n",
    "[" * 1200 + "\n", "    label: ''\n", "    type: ~\n",
]
CODECS = ["utf-8"] * 6 + ["utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "cp1251"]

text_piece = st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=8),
                       st.text(alphabet=st.characters(max_codepoint=0x2FFF, exclude_categories=("Cs",)), max_size=4))


@st.composite
def mutated_text(draw, base: str) -> str:
    text = base
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "line"]))
        if kind == "line":
            cut = text.rfind("\n", 0, at) + 1
            text = text[:cut] + draw(st.sampled_from(LINES)) + text[cut:]
        elif kind == "insert":
            text = text[:at] + draw(text_piece) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif kind == "replace":
            text = text[:at] + draw(text_piece) + text[at + draw(st.integers(1, 10)):]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                i = draw(st.integers(0, len(lines) - 1))
                text = "".join(lines[:i + 1] + lines[i:])
    return text


@st.composite
def file_content(draw, base: str):
    """Bytes for one file, or None for 'a directory in its place'."""
    shape = draw(st.sampled_from(["text"] * 8 + ["bytes", "directory"]))
    if shape == "directory":
        return None
    text = draw(mutated_text(base))
    data = text.encode(draw(st.sampled_from(CODECS)), errors="replace")
    if shape == "bytes":
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at + draw(st.integers(0, 3)):]
    return data


# Which files change (at least one), and their new contents.
corpora = st.sets(st.sampled_from(sorted(FILES)), min_size=1).flatmap(
    lambda names: st.fixed_dictionaries({name: file_content(BASES[name]) for name in sorted(names)}))


def write_corpus(root: Path, contents: dict) -> Path:
    seeds = write_seeds(root / "seeds")
    for name, data in contents.items():
        path = seeds / FILES[name]
        path.unlink()
        if data is None:
            path.mkdir()
        else:
            path.write_bytes(data)
    return seeds


def check_located(problem: Problem, seeds: Path) -> None:
    assert isinstance(problem, Problem), problem
    assert problem.path == seeds or seeds in problem.path.parents, problem
    assert problem.line is None or problem.line >= 1, problem
    assert "\n" not in str(problem) and "\r" not in str(problem), problem
    assert problem.message and problem.hint, problem


def check_outcome(seeds: Path) -> str:
    """Validate ``seeds`` and map it if valid; raises AssertionError (or whatever escaped) if
    the outcome is anything but located problems. Returns 'valid', 'problems' or 'input error'."""
    try:
        report = validate(seeds, shapes=False)
    except InputError as exc:
        check_located(exc.problem, seeds)
        return "input error"
    for problem in report.problems:
        check_located(problem, seeds)
    if not report.conforms:
        return "problems"
    build_nquads(seeds, shapes=False)
    return "valid"


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(corpora)
def test_any_bytes_in_any_seeds_file_end_in_located_problems(contents):
    with tempfile.TemporaryDirectory() as directory:
        check_outcome(write_corpus(Path(directory), contents))
