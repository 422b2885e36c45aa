"""The SHACL data contract: check produced RDF against ``shapes.ttl`` with pySHACL.

The quads go to pySHACL as rdflib terms, straight from :func:`graph_model.rdf.generate_quads`:
the pipeline never re-parses text it has just written. (Re-parsing did harm twice: rdflib's N-Triples
reader splits lines on U+2028 and friends, and it re-scans its whole buffer for every 2 KB chunk
it reads, so a 10 MB article body took minutes.)

The shapes graph uses blank nodes (SHACL's own idiom for property shapes); the data never does.

pySHACL is the reference; :mod:`graph_model.shacl_core` checks the same shapes far faster, per
graph, and words its problems with :func:`format_problem` so the two can be swapped.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Problem

if TYPE_CHECKING:
    from rdflib import Graph

SHAPES_PATH = Path(__file__).parent / "shapes.ttl"
GENERATED = Path("<generated RDF>")
BUG_HINT = "This is a bug in the RDF mapping stage if kg validate passed on the mapping; please report it."


def check_shapes(quads: Iterable[tuple], *, sources: Mapping[str, tuple[Path, int | None]] | None = None,
                 shapes: Graph | None = None) -> list[Problem]:
    """Validate ``quads`` (rdflib terms, as generate_quads yields them) plus the ontology against
    ``shapes`` (default: ``shapes.ttl``); returns one Problem per violation, sorted, each worded
    ``SHACL: NODE PATH: the rule's sh:message [the constraint that failed, value ...]``.

    ``sources`` maps a node IRI (without its ``#fragment``) to the seeds file and line it came
    from (:func:`graph_model.rdf.node_sources`), so a problem points at the input; other nodes
    are reported against ``<generated RDF>``.

    >>> from rdflib import Literal, URIRef
    >>> from graph_model.vocabulary import KG, SKOS
    >>> x = URIRef("https://newsgraph.example/entity/x")
    >>> problems = check_shapes([(x, KG.entityType, KG.Person, x), (x, SKOS.prefLabel, Literal(""), x)])
    >>> problems[-1].message
    'SHACL: ent:x skos:prefLabel: an entity needs exactly one preferred label [sh:minLength, value ""]'
    """
    import pyshacl

    data = new_graph()
    # The shapes are about each resource wherever it lives, so check the union of all graphs.
    data.addN((s, p, o, data) for s, p, o, _ in quads)
    data.addN((s, p, o, data) for s, p, o in _ontology_triples())
    conforms, results, _ = pyshacl.validate(data, shacl_graph=read_shapes() if shapes is None else shapes,
                                            inference="none", allow_warnings=True, advanced=True)
    if conforms:
        return []
    return sorted(_problems(results, data, sources or {}))


def read_shapes(path: Path = SHAPES_PATH) -> Graph:
    """The shapes graph in ``path`` (default: the contract, ``shapes.ttl``)."""
    from rdflib import Graph

    return Graph().parse(path, format="turtle")


@functools.cache
def _ontology_triples() -> tuple:
    """The ontology's triples, parsed once per process: parsing it cost more than checking a
    small corpus."""
    from rdflib import Graph

    from .iris import read_ontology_text

    return tuple(Graph().parse(data=read_ontology_text(), format="turtle"))


def _problems(results, data, sources) -> Iterable[Problem]:
    from rdflib.namespace import SH

    names = data.namespace_manager
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        focus = results.value(result, SH.focusNode)
        path = format_path(results, results.value(result, SH.resultPath), names)
        component = str(results.value(result, SH.sourceConstraintComponent)).removeprefix(str(SH))
        yield format_problem(focus, path, str(results.value(result, SH.resultMessage)),
                             component.removesuffix("ConstraintComponent"), results.value(result, SH.value),
                             names, sources)


def new_graph() -> Graph:
    """An empty rdflib graph with the project's prefixes bound: how problems name nodes."""
    from rdflib import Graph

    from .iris import PREFIXES

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def format_problem(focus, path: str, message: str, component: str, value, names,
                   sources: Mapping[str, tuple[Path, int | None]]) -> Problem:
    """One violation as a Problem: ``focus`` and ``value`` (None: no value) are rdflib terms,
    ``component`` the constraint's name (``minCount`` or ``MinCount``), ``path`` as
    :func:`format_path` writes it, ``names`` a namespace manager such as ``new_graph()``'s.
    The one wording of a SHACL problem, whichever engine found it (this module's pySHACL or
    :mod:`graph_model.shacl_core`)."""
    # The component names the broken rule when one sh:message covers several of them.
    detail = f"sh:{component[0].lower()}{component[1:]}"
    if value is not None and value != focus:
        detail += f", value {_format_value(value, names)}"
    where = f"{focus.n3(names)} {path}".strip()
    source, line = sources.get(str(focus).partition("#")[0], (GENERATED, None))
    return Problem(source, line, f"SHACL: {where}: {message} [{detail}]", BUG_HINT)


def _format_value(value, names) -> str:
    """A term as in N-Triples, with prefixes; a literal cut at 64 characters (an article body
    can be megabytes long) and escaped, so a problem stays on one line."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    from .rdf import escape_literal

    if not isinstance(value, Literal):
        return value.n3(names)
    text = str(value)
    quoted = f'"{escape_literal(text[:64])}{"…" if len(text) > 64 else ""}"'
    if value.language:
        return f"{quoted}@{value.language}"
    if value.datatype and value.datatype != XSD.string:
        return f"{quoted}^^{value.datatype.n3(names)}"
    return quoted


def format_path(graph, path, names) -> str:
    """A SHACL path in ``graph`` as SPARQL property-path text, e.g. ``oa:hasTarget/oa:hasSource``
    rather than the blank node of the list; "" for None. Knows the forms shapes.ttl uses: a
    property and a sequence of them."""
    from rdflib import BNode
    from rdflib.collection import Collection

    if path is None:
        return ""
    if isinstance(path, BNode):
        return "/".join(format_path(graph, step, names) for step in Collection(graph, path))
    return path.n3(names)
