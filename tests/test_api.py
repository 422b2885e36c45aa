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


def test_entity_types_are_one_list_the_ontology_and_shapes_agree_with():
    """vocabulary.EntityType is the list in code; the ontology's classes and the SHACL shape's
    sh:in list (both Turtle, which cannot import it) must name the same types."""
    from pathlib import Path

    import pyoxigraph as ox

    from graph_model.iris import PREFIXES, read_ontology_text
    from graph_model.vocabulary import EntityType

    store = ox.Store()
    store.load(read_ontology_text(), format=ox.RdfFormat.TURTLE)
    store.load((Path(graph_model.__file__).parent / "shapes.ttl").read_text(encoding="utf-8"),
               format=ox.RdfFormat.TURTLE)
    prefixes = PREFIXES | {"sh": "http://www.w3.org/ns/shacl#"}
    in_code = {str(t.iri) for t in EntityType}
    classes = {s["c"].value for s in store.query("SELECT ?c WHERE { ?c rdfs:subClassOf kg:Entity }", prefixes=prefixes)}
    shaped = {s["t"].value for s in store.query(
        "SELECT ?t WHERE { ?p sh:path kg:entityType ; sh:in/rdf:rest*/rdf:first ?t }", prefixes=prefixes)}
    assert classes == in_code
    assert shaped == in_code
