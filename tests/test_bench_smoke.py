"""Smoke test of the benchmark's corpus generator: valid, exact in size, deterministic."""

from __future__ import annotations

import importlib.util
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
