"""``python -m graph_model.cli`` regenerates docs/cli-reference.md."""

from pathlib import Path

from . import format_cli_reference

Path("docs/cli-reference.md").write_text(format_cli_reference(), encoding="utf-8")
