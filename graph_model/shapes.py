"""The SHACL data contract: check produced RDF against ``shapes.ttl`` with pySHACL.

The shapes graph uses blank nodes (SHACL's own idiom for property shapes); the data never does.
"""

from __future__ import annotations

from pathlib import Path

from .errors import Problem

SHAPES_PATH = Path(__file__).parent / "shapes.ttl"


def check_shapes(nquads: bytes, *, source: Path = Path("<generated RDF>")) -> list[Problem]:
    """Validate N-Quads (plus the ontology) against the shapes; returns one Problem per violation."""
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    from .iris import read_ontology_text

    data = Graph()
    # The shapes are about each resource wherever it lives, so check the union of all graphs.
    data.parse(data=_triples_of(nquads), format="nt")
    data.parse(data=read_ontology_text(), format="turtle")
    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                            allow_warnings=True, advanced=True)
    if conforms:
        return []
    problems = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        problems.append(Problem(source, None, f"SHACL: {focus} {path}: {message}",
                                "This is a bug in the RDF mapping stage if kg validate passed on the mapping; please report it."))
    return sorted(problems)


def _triples_of(nquads: bytes) -> str:
    """N-Triples of N-Quads: drop each line's graph term (the last IRI before ' .')."""
    lines = []
    for line in nquads.decode("utf-8").splitlines():
        head, _, _graph = line[:-2].rpartition(" <")
        lines.append(head + " .")
    return "\n".join(lines)
