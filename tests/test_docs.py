"""Docs that are generated or quoted must match the code."""

import os
from pathlib import Path

from graph_model.cli import format_cli_reference

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_up_to_date():
    expected = format_cli_reference()
    actual = (ROOT / "docs" / "cli-reference.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli-reference.md is stale: run `python -m graph_model.cli`"


def test_readme_starts_with_the_two_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    assert commands == ["scripts/run", "scripts/test"]
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()
    for script in commands:
        assert os.access(ROOT / script, os.X_OK)


def test_mapping_format_doc_lists_every_predicate():
    from graph_model.vocabulary import read_relations

    doc = (ROOT / "docs" / "mapping-format.md").read_text(encoding="utf-8")
    for name in read_relations():
        assert f"| `{name}` |" in doc, name
