"""The fast SHACL engine (graph_model/shacl_core.py) reports exactly what pySHACL reports
(graph_model/shapes.py, the reference): on every broken case of the contract, on the real seeds,
on random edits of the tiny corpus; it refuses shapes it cannot check; it scales linearly."""

from __future__ import annotations

import gc
import time

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from graph_model import shacl_compile
from graph_model.corpus import read_corpus
from graph_model.errors import UsageError
from graph_model.rdf import generate_quads, node_sources, serialize_nquads
from graph_model.shacl_core import check_graph, check_nquads, compile_shapes
from graph_model.shapes import check_shapes, read_shapes
from graph_model.validate import validate_corpus
from graph_model.vocabulary import DCTERMS, ENTITIES_GRAPH, KG, OA, SCHEMA, SKOS, STATEMENT

from .conftest import write_seeds
from .test_shapes import ARTICLE, CASES, LUKASHENKO, OSCE, _broken


def to_oxigraph(term):
    """An rdflib term as pyoxigraph's (a literal typed xsd:string is the simple literal)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def fast(quads, **kwargs):
    return check_graph([ox.Quad(*map(to_oxigraph, quad)) for quad in quads], **kwargs)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """(corpus, quads) of the tiny seeds."""
    corpus = read_corpus(write_seeds(tmp_path_factory.mktemp("tiny") / "seeds"))
    report = validate_corpus(corpus)
    assert report.conforms, report.problems
    return corpus, list(generate_quads(corpus, report))


def test_the_tiny_corpus_conforms_in_both(tiny):
    assert fast(tiny[1]) == check_shapes(tiny[1]) == []


def test_the_seeds_conform_in_both_whole_and_per_graph(seeds_curated):
    corpus = read_corpus(seeds_curated)
    report = validate_corpus(corpus)
    quads = list(generate_quads(corpus, report))
    assert [str(p) for p in check_shapes(quads)] == []
    assert [str(p) for p in fast(quads)] == []
    entities = [q for q in quads if q[3] == ENTITIES_GRAPH]
    graphs = {q[3] for q in quads} - {ENTITIES_GRAPH}
    assert len(graphs) == 5
    for graph in graphs:  # as the per-article build checks them: its quads and the registry's
        assert fast([q for q in quads if q[3] == graph] + entities) == []
    # and from N-Quads bytes, the build's form of a graph
    assert check_nquads(serialize_nquads(quads)) == []


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_broken_case_gets_the_same_problems_from_both(tiny, case):
    corpus, quads = tiny
    data, expected = _broken(case, quads)
    sources = node_sources(corpus)
    reference = check_shapes(data.quads, sources=sources)
    assert [p.message for p in reference] == expected  # both engines see the case break
    assert fast(data.quads, sources=sources) == reference


def test_a_violation_names_the_seeds_file_and_line_like_the_reference(tiny):
    corpus, quads = tiny
    broken = [q for q in quads if q[1] != KG.modality] + [(OSCE, KG.modality, Literal(""), ARTICLE)]
    problems = fast(broken, sources=node_sources(corpus))
    assert problems == check_shapes(broken, sources=node_sources(corpus))
    mapping = corpus.mappings[0]
    assert {(p.path, p.line) for p in problems} == {(mapping.path, s.line) for s in mapping.statements}


# Random edits. Terms an edit may put in: the corpus's own nodes and classes, other literals.
CLASSES = [KG.Person, KG.Entity, KG.Article, KG.Statement, KG.Relation, KG.Modality, OA.Annotation,
           OA.TextQuoteSelector, OA.TextPositionSelector, SCHEMA.Place, URIRef("https://a.example/Other")]
DATATYPES = [None, XSD.integer, XSD.nonNegativeInteger, XSD.date, XSD.gYear, XSD.gYearMonth, XSD.gMonthDay,
             XSD.language, XSD.hexBinary, "en"]
TEXTS = st.one_of(st.sampled_from(["", "0", "-1", "84", "2017-07-05", "2017-13-01", "2017-07", "--07-05", "0" * 64,
                                   "a" * 64, "0" * 64 + "\n", " 5", "1_0", "en", "President"]),
                  st.text(max_size=8))


# Predicates an edit aims at half the time: few quads carry them, and they are what the string,
# list and node-kind constraints check.
AIMS = [KG.sha256, SKOS.prefLabel, SKOS.altLabel, OA.exact, SCHEMA.url, KG.entityType, OA.start, KG.date,
        DCTERMS.date, DCTERMS.language, RDF.type]


@st.composite
def edits(draw, quads: list) -> list:
    def index() -> int:
        aim = draw(st.sampled_from([None, *AIMS]))
        choices = [i for i, q in enumerate(quads) if q[1] == aim] if aim else []
        return draw(st.sampled_from(choices)) if choices else draw(st.integers(0, len(quads) - 1))

    kinds = st.sampled_from(["drop", "duplicate", "move", "blank", "retype", "kind", "datatype", "value"])
    return [(draw(kinds), index(), index(), draw(st.sampled_from(CLASSES)), draw(st.sampled_from(DATATYPES)),
             draw(TEXTS)) for _ in range(draw(st.integers(1, 4)))]


def apply(quads: list, edit) -> list:
    kind, i, j, cls, datatype, text = edit
    i, j = i % len(quads), j % len(quads)  # an earlier edit may have dropped a quad
    s, p, o, g = quads[i]
    other = quads[j]
    if kind == "drop":
        return quads[:i] + quads[i + 1:]
    if kind == "duplicate":  # a second value, taken from another quad
        return quads + [(s, p, other[2], g)]
    if kind == "move":  # the property moves to another node
        return quads + [(other[0], p, o, g)]
    if kind == "blank":  # a blank node with all the properties of s
        return quads + [(BNode("c"), p2, o2, g2) for s2, p2, o2, g2 in quads if s2 == s]
    if kind == "retype":
        return quads + [(s, RDF.type, cls, g)] if p != RDF.type else quads[:i] + [(s, p, cls, g)] + quads[i + 1:]
    if kind == "kind":  # an IRI becomes a literal or a blank node, a literal an IRI
        new = URIRef(cls) if isinstance(o, Literal) else BNode("b") if j % 2 else Literal(str(o))
    elif not isinstance(o, Literal):
        return quads
    elif kind == "datatype":
        new = Literal(str(o), lang="en") if datatype == "en" else Literal(str(o), datatype=datatype)
    else:
        new = Literal(text, datatype=o.datatype, lang=o.language)
    return quads[:i] + [(s, p, new, g)] + quads[i + 1:]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_edits_get_the_same_problems_from_both(tiny, data):
    from pyshacl.errors import ReportableRuntimeError

    quads = list(tiny[1])
    for edit in data.draw(edits(quads)):
        quads = apply(quads, edit)
    try:
        reference = check_shapes(quads)
    except ReportableRuntimeError:  # pySHACL gives up on a blank node under sh:lessThan
        assume(False)
    assert fast(quads) == reference


@pytest.mark.parametrize("start", [
    Literal("abc", datatype=XSD.integer), Literal("-5", datatype=XSD.nonNegativeInteger), Literal("5"),
    Literal("99", datatype=XSD.decimal), Literal("5", lang="en"), Literal("5", datatype=XSD.gYear),
    Literal(" 99", datatype=XSD.nonNegativeInteger, normalize=False), URIRef("https://a.example/5")])
def test_odd_positions_are_ordered_like_the_reference(tiny, start):
    """sh:lessThan and sh:datatype on values the build never makes, both engines alike."""
    position = next(s for s, p, o, _ in tiny[1] if o == OA.TextPositionSelector)
    quads = [q for q in tiny[1] if (q[0], q[1]) != (position, OA.start)] + [(position, OA.start, start, ARTICLE)]
    reference = check_shapes(quads)
    assert reference
    assert fast(quads) == reference


def test_a_blank_node_under_less_than_is_a_violation(tiny):
    """Where pySHACL raises, SHACL says: a pair that cannot be compared is a violation."""
    position = next(s for s, p, o, _ in tiny[1] if o == OA.TextPositionSelector)
    quads = [q for q in tiny[1] if (q[0], q[1]) != (position, OA.start)] + [(position, OA.start, BNode("x"), ARTICLE)]
    assert {p.message.rpartition("[")[2] for p in fast(quads)} == {"sh:datatype, value _:x]", "sh:lessThan, value _:x]"}


def test_features_shapes_ttl_does_not_use_yet_agree_with_the_reference(tiny):
    shapes = Graph().parse(format="turtle", data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix kg: <https://newsgraph.example/ontology#> .
        @prefix oa: <http://www.w3.org/ns/oa#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <urn:s1> a sh:NodeShape ; sh:targetClass kg:Statement ; sh:nodeKind sh:BlankNodeOrLiteral ;
            sh:property [ sh:path kg:modality ; sh:hasValue kg:Asserted ; sh:message "asserted" ] ;
            sh:property [ sh:path kg:modality ; sh:maxLength 10 ; sh:message "short" ] ;
            sh:property [ sh:path ( kg:evidence oa:hasBody ) ; sh:in ( kg:x ) ; sh:message "in" ] ;
            sh:property [ sh:path kg:role ; sh:minLength 0 ; sh:pattern "^P" ; sh:message "P" ] ;
            sh:property [ sh:path kg:speaker ; sh:nodeKind sh:Literal ; sh:message "literal" ] .
        <urn:s2> a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ; sh:pattern "helsinki" ;
            sh:message "named" ; sh:or ( [ sh:class kg:Person ] [ sh:class kg:Article ] ) .
        """)
    reference = check_shapes(tiny[1], shapes=shapes)
    assert len({p.message.rpartition("[")[2] for p in reference}) == 8  # every constraint fails somewhere
    assert fast(tiny[1], shapes=shapes) == reference


@pytest.mark.parametrize(("on", "predicate", "value", "complaint"), [
    ("node", SH.targetNode, ARTICLE, "sh:targetNode"),
    ("node", SH.closed, Literal(True), "sh:closed"),
    ("node", SH.severity, SH.Warning, "sh:severity"),
    ("node", SH.deactivated, Literal(True), "sh:deactivated"),
    ("node", SH.node, URIRef("https://newsgraph.example/shapes#Entity"), "sh:node"),
    ("node", SH.minCount, Literal(1), "sh:minCount: repeated, or on a node shape"),
    ("node", RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class"), "rdfs:Class"),  # implicit target
    ("property", SH.minInclusive, Literal(0), "sh:minInclusive"),
    ("property", SH.flags, Literal("i"), "sh:flags"),
    ("property", SH.datatype, XSD.date, "sh:datatype: repeated"),
    ("property", SH.uniqueLang, Literal(True), "sh:uniqueLang"),
    ("property", SH.message, Literal("a second message"), "more than one sh:message"),
])
def test_a_feature_the_engine_does_not_implement_raises_at_compile_time(on, predicate, value, complaint):
    shapes = read_shapes()
    article = URIRef("https://newsgraph.example/shapes#Article")
    shapes.add((article, SH.message, Literal("an article")))  # so that a node-level count has its message
    node = article if on == "node" else next(p for p in shapes.objects(article, SH.property)
                                              if shapes.value(p, SH.path) == KG.fileName)
    shapes.add((node, predicate, value))
    with pytest.raises(UsageError, match=f"{complaint}.*: graph_model.shacl_core does not implement this"):
        compile_shapes(shapes)


@pytest.mark.parametrize(("turtle", "complaint"), [
    ("[] a sh:PropertyShape ; sh:targetClass kg:Article ; sh:path kg:sha256 ; sh:minCount 1 .", "sh:PropertyShape"),
    ("<urn:s> a sh:NodeShape ; sh:targetClass kg:Article ; sh:property [ sh:path [ sh:inversePath kg:x ] ; "
     "sh:minCount 1 ; sh:message 'm' ] .", "not a well-formed RDF list"),
    ("<urn:s> a sh:NodeShape ; sh:targetClass kg:Article ; sh:property [ sh:path kg:x ; sh:minCount 1 ] .",
     "sh:minCount without sh:message"),
    ("<urn:s> a sh:NodeShape ; sh:targetClass kg:Article ; sh:property [ sh:path kg:x ; sh:class kg:Article ] .",
     "sh:class without sh:message"),
    ("<urn:s> a sh:NodeShape ; sh:targetClass kg:Article ; sh:in ( 'a' ) ; sh:message 'm' .",
     "only IRIs are supported"),
])
def test_shapes_the_engine_cannot_read_raise(turtle, complaint):
    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix kg: <https://newsgraph.example/ontology#> .\n"
    with pytest.raises(UsageError, match=complaint):
        compile_shapes(Graph().parse(format="turtle", data=prefixes + turtle))


@pytest.mark.parametrize("name", sorted({c.parameter for c in CASES}))
def test_each_constraint_kind_is_needed_for_the_cases(tiny, monkeypatch, name):
    """Mutation test of the engine: with one kind of constraint checking nothing, a case goes red."""
    on_nodes, build = shacl_compile._PARAMETERS[name]

    def build_nothing(value, compiler):
        build(value, compiler)  # still reads the parameter, as the real one does
        return lambda g, f, values: []

    monkeypatch.setitem(shacl_compile._PARAMETERS, name, (on_nodes, build_nothing))
    broken = compile_shapes(read_shapes())
    cases = [c for c in CASES if c.parameter == name]
    assert any(fast(data.quads, shapes=broken) != fast(data.quads)
               for data, _ in (_broken(case, tiny[1]) for case in cases))


def _statement_copies(quads, copies: int) -> list:
    """The tiny corpus with its statements ``copies`` times over, each copy under new IRIs."""
    def rename(term, k):
        return URIRef(str(term).replace("/001_tiny/", f"/001_tiny/{k}-")) if str(term).startswith(STATEMENT) else term

    statements = [q for q in quads if str(q[0]).startswith(STATEMENT)]
    rest = [q for q in quads if not str(q[0]).startswith(STATEMENT)]
    return [ox.Quad(*map(to_oxigraph, q)) for q in rest] + [
        ox.Quad(*(to_oxigraph(rename(t, k)) for t in q)) for k in range(copies) for q in statements]


def test_check_time_grows_linearly_with_the_graph(tiny):
    """4x the statements may cost at most 6x the time."""
    def seconds(copies: int) -> float:
        quads = _statement_copies(tiny[1], copies)
        assert check_graph(quads) == []
        best = float("inf")
        for _ in range(5):  # best of five, in CPU time: the machine is shared
            start = time.process_time()
            check_graph(quads)
            best = min(best, time.process_time() - start)
        return best

    # The collector's full passes scan the whole heap this test process has built up, at
    # moments that fall in one run and not the other: measure the engine, not them.
    gc.collect()
    gc.freeze()
    try:
        small, large = seconds(150), seconds(600)
    finally:
        gc.unfreeze()
    assert large < 6 * small, f"300 statements: {small:.4f} s, 1200: {large:.4f} s"


def test_context_quads_are_read_but_not_checked():
    from pyoxigraph import Literal, NamedNode, Quad

    from graph_model.shacl_core import check_graph
    from graph_model.vocabulary import KG, SKOS

    x = NamedNode("https://newsgraph.example/entity/x")
    g = NamedNode("https://newsgraph.example/graph/entities")
    broken = [Quad(x, NamedNode(KG.entityType), NamedNode(KG.Person), g), Quad(x, NamedNode(SKOS.prefLabel), Literal(""), g)]
    assert check_graph(broken)  # checked as data: the empty label is reported
    assert check_graph([], context=broken) == []  # read as context only: not checked again
