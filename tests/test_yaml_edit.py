"""graph_model.yaml_edit: values written back read as exactly what was meant."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from graph_model.yaml_edit import Edit, apply_edits, compose_yaml, mapping_value, render_scalar, scalar_span
from graph_model.yaml_reader import parse_located_yaml


def read(text: str):
    problems: list = []
    data = parse_located_yaml(text, Path("t.yaml"), problems)
    assert not problems, problems
    return data


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=40))
@example("yes")
@example("null")
@example("- x")
@example("a # b")
@example("x\u2028y")
@example("[a]")
@example("'q'")
@example(" padded ")
def test_a_rendered_value_reads_back_as_itself(value):
    assert read(f"k: {render_scalar(value)}\n")["k"] == value
    assert read(f"k: [{render_scalar(value, flow=True)}, z]\n")["k"] == [value, "z"]
    assert read(f"- {render_scalar(value)}\n") == [value]


@given(st.sampled_from(["'old'", '"old"', "old", "&a old", "!!str old"]))
def test_a_replaced_value_keeps_its_quoting_anchor_and_comment(written):
    text = f"a: {written}   # note\nb: 1\n"
    node = mapping_value(compose_yaml(text), "a")
    edited = apply_edits(text, [Edit(*scalar_span(text, node), render_scalar("new", like=node))])
    assert edited == text.replace("old", "new")
    assert read(edited)["a"] == "new"
