"""The public API named in graph_model.__all__ is real and complete."""

import subprocess
import sys

import graph_model


def test_every_name_in_all_resolves():
    for name in graph_model.__all__:
        assert getattr(graph_model, name) is not None, name


def test_public_functions_of_the_pipeline_are_exported():
    for name in ("build", "validate", "read_corpus", "validate_corpus", "generate_quads", "GraphStore",
                 "run_named_query", "project_graph", "export_bytes"):
        assert name in graph_model.__all__


def test_import_does_no_heavy_work():
    code = "import sys, graph_model; print(sorted(m for m in ('rdflib', 'pyoxigraph', 'networkx', 'pyshacl') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
