"""Smoke test of the benchmark's corpus generator: valid, exact in size, deterministic."""

from __future__ import annotations

import difflib
import importlib.util
import json
import sys
from pathlib import Path

from graph_model.build import validate

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"


def _load_generator():
    spec = importlib.util.spec_from_file_location("synthetic_corpus", BENCH_DIR / "synthetic_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synthetic_corpus", module)
    spec.loader.exec_module(module)
    return module.generate_corpus


generate_corpus = _load_generator()


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_corpus_validates_with_exact_statement_count(tmp_path):
    counts = generate_corpus(tmp_path / "seeds", 200, seed=0)
    report = validate(tmp_path / "seeds", shapes=False)
    assert report.conforms, "\n".join(str(p) for p in report.sorted_problems()[:20])
    assert report.statement_count == 200
    assert counts == {"articles": 4, "entities": counts["entities"], "statements": 200}
    assert len(list((tmp_path / "seeds" / "articles").glob("*.txt"))) == 4
    assert len(list((tmp_path / "seeds" / "mapping").glob("*.yaml"))) == 4


def test_uneven_split_still_exact(tmp_path):
    generate_corpus(tmp_path / "seeds", 37, seed=3, statements_per_article=10)
    report = validate(tmp_path / "seeds", shapes=False)
    assert report.conforms, "\n".join(str(p) for p in report.sorted_problems()[:20])
    assert report.statement_count == 37
    assert len(list((tmp_path / "seeds" / "mapping").glob("*.yaml"))) == 4


def test_same_seed_gives_byte_identical_corpus(tmp_path):
    generate_corpus(tmp_path / "a", 200, seed=7)
    generate_corpus(tmp_path / "b", 200, seed=7)
    generate_corpus(tmp_path / "c", 200, seed=8)
    first, second, other = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert first == second
    assert first != other


def _load_scale_bench():
    sys.path.insert(0, str(BENCH_DIR))  # scale_bench imports its sibling benches
    spec = importlib.util.spec_from_file_location("scale_bench", BENCH_DIR / "scale_bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("scale_bench", module)
    spec.loader.exec_module(module)
    return module


def test_scale_bench_runs_every_step_end_to_end(tmp_path):
    """bench/scale_bench.py at 200 statements: every step runs, and the counting proxy sees the
    edited article's graph go to the server."""
    scale_bench = _load_scale_bench()
    report_path = tmp_path / "scale.md"
    assert scale_bench.main(["--sizes", "200", "--work-dir", str(tmp_path), "--runs", "2", "--query-budget", "2",
                             "--budget", "300", "--output", str(report_path)]) == 0
    [result] = json.loads((tmp_path / "scale-results.json").read_text())
    failed = {name: step["error"] for name, step in result["steps"].items() if not step["ok"]}
    assert not failed, failed
    steps, info = result["steps"], result["info"]
    # The server may also hold a build's provenance, which the deterministic export leaves out.
    assert steps["remote.build"]["server_quads"] >= info["quads"] > 0
    assert steps["build"]["maxrss"] > 0 and steps["build"]["tree_rss"] > 0
    assert steps["raw"]["wall"] > 0 and steps["incremental"]["wall"] > 0
    assert info["edit"]["graph"] in steps["remote.incremental"]["graphs"]
    assert set(steps["queries"]["queries"]) == {"entity-statements", "proposers"}
    text = report_path.read_text()
    for heading in ("### Full build", "### Peak memory", "### Incremental build", "### Named queries",
                    "### Remote build", "### Commands run"):
        assert heading in text
    assert "error:" not in text
    assert not (tmp_path / "scale-200").exists()  # removed without --keep; the corpus stays
    assert (tmp_path / "seeds-200" / "mapping").is_dir()


def test_scale_bench_edit_changes_one_line_of_a_linked_copy_only(tmp_path):
    scale_bench = _load_scale_bench()
    generate_corpus(tmp_path / "corpus", 200, seed=0)
    before = _files(tmp_path / "corpus")
    scale_bench.link_copy(tmp_path / "corpus", tmp_path / "copy")
    edit = scale_bench.edit_one_article(tmp_path / "copy")
    assert _files(tmp_path / "corpus") == before
    after = _files(tmp_path / "copy")
    changed = [name for name in before if before[name] != after[name]]
    assert changed == [edit["file"]]
    diff = [line[:2] for line in difflib.ndiff(before[edit["file"]].decode().splitlines(),
                                               after[edit["file"]].decode().splitlines()) if line[:2] in ("- ", "+ ")]
    assert sorted(diff) in (["+ ", "- "], ["+ "])  # one statement's modality line changed, or added
    assert edit["graph"].endswith(Path(edit["file"]).stem)
    report = validate(tmp_path / "copy", shapes=False)
    assert report.conforms, "\n".join(str(p) for p in report.sorted_problems()[:20])
