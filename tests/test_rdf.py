"""The RDF shape: golden dataset, determinism, no blank nodes, evidence verbatim and grounded."""

import re
from pathlib import Path

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from graph_model.build import build, build_nquads, open_store
from graph_model.export import export_bytes
from graph_model.rdf import generate_quads, serialize_nquads, to_dataset
from graph_model.vocabulary import KG


GOLDEN = Path(__file__).parent / "golden" / "tiny.trig"


def _graphs(dataset: Dataset):
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}


def test_tiny_corpus_matches_the_golden_dataset(tiny_seeds):
    corpus, report, _ = build_nquads(tiny_seeds)
    actual = to_dataset(generate_quads(corpus, report))
    expected = Dataset()
    expected.parse(GOLDEN, format="trig")
    actual_graphs, expected_graphs = _graphs(actual), _graphs(expected)
    assert sorted(actual_graphs) == sorted(expected_graphs)
    for name, graph in expected_graphs.items():
        if not isomorphic(actual_graphs[name], graph):
            _, only_actual, only_expected = graph_diff(to_isomorphic(actual_graphs[name]), to_isomorphic(graph))
            raise AssertionError(f"graph {name} differs.\nonly in actual:\n{only_actual.serialize(format='nt')}"
                                 f"\nonly in golden:\n{only_expected.serialize(format='nt')}")


def test_two_builds_give_byte_identical_exports(tmp_path, seeds_curated):
    outputs = []
    for run in ("a", "b"):
        build(seeds_curated, tmp_path / run, render=False)
        store = open_store(tmp_path / run)
        outputs.append({fmt: export_bytes(store, fmt) for fmt in ("nquads", "trig", "turtle", "jsonld")})
        del store
    assert outputs[0] == outputs[1]
    assert all(outputs[0].values())


def test_nquads_export_has_one_named_graph_per_article_and_no_blank_nodes(tmp_path, seed_build, seeds_curated):
    corpus = seed_build[0]
    build(seeds_curated, tmp_path / "b", render=False)
    data = export_bytes(open_store(tmp_path / "b"), "nquads")
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads}
    articles = {f"https://newsgraph.example/article/{a}" for a in corpus.articles}
    assert articles <= graphs
    assert graphs - articles == {"https://newsgraph.example/graph/entities", "https://newsgraph.example/graph/ontology"}
    data_quads = [q for q in quads if q.graph_name.value != "https://newsgraph.example/graph/ontology"]
    assert not any(isinstance(t, ox.BlankNode) for q in data_quads for t in (q.subject, q.object))


def test_every_quote_is_verbatim_at_its_offsets_and_all_articles_give_quotes(seed_store, seed_build):
    corpus = seed_build[0]
    rows = seed_store.query("""
        SELECT ?file ?exact ?start ?end WHERE {
          ?st kg:evidence/oa:hasTarget ?t . ?t oa:hasSource/kg:fileName ?file ;
              oa:hasSelector ?q , ?p . ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end }""")
    seen = set()
    count = 0
    for row in rows:
        text = corpus.articles[row["file"].value.removesuffix(".txt")].text
        assert text[int(row["start"].value):int(row["end"].value)] == row["exact"].value
        seen.add(row["file"].value)
        count += 1
    assert count == sum(len(m.statements) for m in corpus.mappings)
    assert seen == {a.path.name for a in corpus.articles.values()}


def test_no_date_carries_a_year_the_articles_do_not_give(seed_store, seed_build):
    years_in_text = {y for a in seed_build[0].articles.values() for y in re.findall(r"(?<!\d)\d{4}(?!\d)", a.text)}
    rows = seed_store.query("SELECT ?d WHERE { { ?s kg:date ?d } UNION { ?s dcterms:date ?d } }")
    dates = [r["d"].value for r in rows]
    assert dates, "the seeds give some dates"
    for date in dates:
        year = re.match(r"\d{4}", date)
        assert year is None or year.group() in years_in_text, date
    # 000 says only "on Tuesday": nothing from it may carry a date.
    undated = seed_store.query("""SELECT ?s WHERE { ?s prov:wasDerivedFrom article:000_e7ccb706e8c9b9a5 ;
                                                     kg:date ?d }""")
    assert list(undated) == []


def test_lukashenko_proposes_helsinki_2_directly_and_in_four_articles(seed_store):
    assert seed_store.query("ASK { ent:lukashenko kg:proposes ent:helsinki-2 }")
    rows = seed_store.query("""SELECT DISTINCT ?article WHERE {
        ?st rdf:subject ent:lukashenko ; rdf:predicate kg:proposes ; rdf:object ent:helsinki-2 ;
            prov:wasDerivedFrom ?article }""")
    assert len({r["article"].value for r in rows}) >= 4


def test_entities_are_findable_by_any_name(seed_store):
    for name in ("Aleksandr Lukashenko", "Alexander Lukashenko", "Helsinki 2", "new Helsinki process"):
        rows = list(seed_store.query(
            "SELECT ?e WHERE { { ?e skos:prefLabel ?n } UNION { ?e skos:altLabel ?n } FILTER(STR(?n) = ?name) }",
            bindings={"name": ox.Literal(name)}))
        assert len(rows) == 1, name


def test_ontology_labels_and_comments_every_term():
    graph = Dataset().parse(Path(__file__).parent.parent / "graph_model" / "ontology.ttl", format="turtle")
    ns = str(KG._NS)
    terms = {s for s in graph.subjects() if str(s).startswith(ns)}
    assert len(terms) > 50
    from rdflib.namespace import RDFS

    for term in terms:
        assert graph.value(term, RDFS.label) is not None, term
        assert graph.value(term, RDFS.comment) is not None, term
        assert term == KG[str(term)[len(ns):]]  # the closed namespace knows every ontology term


# Every character some reader splits lines on (str.splitlines: VT, FF, FS, GS, RS, NEL, LS, PS),
# the C0 controls, and the characters N-Quads itself must escape. (No lone surrogates: they are
# not Unicode text, RDF cannot carry them, and reading the seeds must refuse them.)
LINE_BREAKERS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
AWKWARD = LINE_BREAKERS + "\x00\x08\t\x7f\\\"'"
awkward_text = st.text(st.one_of(st.sampled_from(AWKWARD), st.characters(exclude_categories=("Cs",))), max_size=40)


@settings(max_examples=300, deadline=None)
@given(text=awkward_text)
def test_nquads_writer_escapes_every_line_break_and_round_trips(text):
    node = URIRef("https://newsgraph.example/entity/x")
    data = serialize_nquads([(node, node, Literal(text), node)])
    assert len(data.splitlines()) == 1 and len(data.decode("utf-8").splitlines()) == 1, data
    (quad,) = ox.parse(data, format=ox.RdfFormat.N_QUADS)
    assert quad.object.value == text
    dataset = Dataset()
    dataset.parse(data=data, format="nquads")
    assert [str(o) for _, _, o, _ in dataset.quads()] == [text]



def _quads_of(seeds):
    """The triples of every graph of ``seeds``, in one rdflib Graph (SHACL-checked)."""
    from rdflib import Graph

    corpus, report, _ = build_nquads(seeds, shapes=True)
    graph = Graph()
    for s, p, o, _ in generate_quads(corpus, report):
        graph.add((s, p, o))
    return graph


def test_url_language_and_aliases_in_a_language_are_exported(tmp_path):
    from rdflib.namespace import DCTERMS, SKOS, XSD

    from .conftest import TINY_ENTITIES, TINY_MAPPING, write_seeds

    mapping = TINY_MAPPING.replace("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  url: https://www.belta.by/view/1\n"
                                   "  language: EN-gb\n")
    entities = TINY_ENTITIES.replace("aliases: [Lukashenko]", "aliases: [Lukashenko, {value: Lukaschenko, lang: de}, "
                                     "{value: Alexander Lukashenko, lang: en}]")
    dataset = _quads_of(write_seeds(tmp_path / "seeds", mapping=mapping, entities=entities))
    article = URIRef("https://newsgraph.example/article/001_tiny")
    lukashenko = URIRef("https://newsgraph.example/entity/lukashenko")
    assert set(dataset.objects(article, URIRef("https://schema.org/url"))) == {URIRef("https://www.belta.by/view/1")}
    assert set(dataset.objects(article, DCTERMS.language)) == {Literal("en-GB", datatype=XSD.language)}
    assert set(dataset.objects(lukashenko, SKOS.altLabel)) == {
        Literal("Lukashenko"), Literal("Lukaschenko", lang="de"), Literal("Alexander Lukashenko", lang="en")}


def test_the_evidence_points_at_the_occurrence_the_statement_names(tmp_path):
    """Never silently at the first: offsets, prefix and suffix all of the second."""
    from rdflib.namespace import RDF

    from graph_model.vocabulary import OA

    from .conftest import TINY_ARTICLE, TINY_MAPPING, write_seeds

    article = TINY_ARTICLE + "The talks would be held under the auspices of the OSCE, it was said.\n"
    mapping = TINY_MAPPING.replace("    quote: under the auspices of the OSCE\n",
                                   "    quote: under the auspices of the OSCE\n    occurrence: 2\n")
    dataset = _quads_of(write_seeds(tmp_path / "seeds", article=article, mapping=mapping))
    second = article.rindex("under the auspices")
    (position,) = [s for s in dataset.subjects(RDF.type, OA.TextPositionSelector)
                   if int(dataset.value(s, OA.start)) > 60]
    assert (int(dataset.value(position, OA.start)), int(dataset.value(position, OA.end))) == (second, second + 30)
    quote = URIRef(str(position).replace("#position", "#quote"))
    assert str(dataset.value(quote, OA.prefix)) == article[second - 32:second]
    assert str(dataset.value(quote, OA.suffix)) == ", it was said.\n"


def test_offsets_point_into_a_decomposed_article_as_stored(tmp_path):
    from graph_model.vocabulary import OA

    from .conftest import TINY_ARTICLE, TINY_MAPPING, write_seeds

    article = TINY_ARTICLE.replace("auspices", "u\u0308spices")
    mapping = TINY_MAPPING.replace("quote: under the auspices of the OSCE", "quote: under the üspices of the OSCE")
    dataset = _quads_of(write_seeds(tmp_path / "seeds", article=article, mapping=mapping))
    exact = {str(o) for o in dataset.objects(None, OA.exact)}
    assert "under the u\u0308spices of the OSCE" in exact
    starts = {int(o) for o in dataset.objects(None, OA.start)}
    assert article.index("under the u\u0308spices") in starts


def test_the_lookup_rule_finds_an_alias_given_with_its_language(tmp_path):
    from graph_model.lookup import find_graph_entity_id, find_store_entity_id
    from graph_model.project import project_graph
    from graph_model.store import GraphStore

    from .conftest import TINY_ENTITIES, write_seeds

    entities = TINY_ENTITIES.replace("label: new Helsinki process", "label: new Helsinki process\n"
                                     "    aliases: [{value: Neuer Helsinki-Prozess, lang: de}]")
    _, _, nquads = build_nquads(write_seeds(tmp_path / "seeds", entities=entities), shapes=True)
    store = GraphStore.in_memory()
    store.load_nquads(nquads)
    assert find_store_entity_id(store, "neuer helsinki-prozess") == "helsinki-2"
    assert find_graph_entity_id(project_graph(store), "Neuer Helsinki-Prozess") == "helsinki-2"
