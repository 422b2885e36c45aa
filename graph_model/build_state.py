"""What a build records in the store about itself: the state the next build starts from, and a
PROV-O activity per build.

Both live in named graphs of their own under ``https://newsgraph.example/build/``, in the same
store as the data, so they change in the same step as the data (a build swaps in one store
directory): the record can never describe another store's content. Exports leave these graphs
out (they carry times, so they are not deterministic); queries can read them.

* ``build:state`` — per article graph: its content hash, the stamps of its mapping and article
  files, its statement count and address; per entity: the hash of its registry record; and the
  build number, tool fingerprint and registry stamps.
* ``build:N`` — the activity of build N: when it ran, the tool, ``prov:used`` one input per
  article (its IRI carries the article's content hash), the registry's hash, and which graphs it
  added, replaced and removed, with the statements added and removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from .build_inputs import FileStamp
from .iris import BASE, BUILD_NS, ENT_NS, PREFIXES

STATE_GRAPH = BUILD_NS + "state"
INPUT_NS = BASE + "input/"
TOOL_IRI = BASE + "tool/graph-model"
B = BUILD_NS + "vocabulary#"  # the build's own bookkeeping terms
PROV = PREFIXES["prov"]
RDF_TYPE = PREFIXES["rdf"] + "type"
XSD = PREFIXES["xsd"]


def is_build_graph(graph: str) -> bool:
    """Whether ``graph`` is one of the build's own graphs (state, activities), not data."""
    return graph.startswith(BUILD_NS)


@dataclass(frozen=True)
class ArticleRecord:
    """What the state says of one article's graph."""

    article_id: str
    graph: str
    content_hash: str
    mapping: FileStamp
    article: FileStamp | None
    statements: int
    quads: int
    url: str | None = None
    url_line: int | None = None


@dataclass
class BuildState:
    """The state a build leaves for the next (empty for a store without one)."""

    number: int = 0
    tool: str = ""
    registry_key: str = ""
    registry_hash: str = ""
    entity_quads: int = 0
    entities: int = 0
    registry_files: dict[str, FileStamp] = field(default_factory=dict)
    articles: dict[str, ArticleRecord] = field(default_factory=dict)

    @property
    def build_iri(self) -> str | None:
        return f"{BUILD_NS}{self.number}" if self.number else None


def read_state(store: ox.Store, *, articles: bool = True) -> BuildState:
    """The state recorded in ``store`` (pyoxigraph), without the entity hashes (see
    :func:`read_entity_hashes`); without the articles' records if ``articles`` is false."""
    graph = ox.NamedNode(STATE_GRAPH)
    state = BuildState()
    me = ox.NamedNode(STATE_GRAPH)
    for quad in store.quads_for_pattern(me, None, None, graph):
        name, value = quad.predicate.value.removeprefix(B), quad.object.value
        if name == "buildNumber":
            state.number = int(value)
        elif name == "tool":
            state.tool = value
        elif name == "registryKey":
            state.registry_key = value
        elif name == "registryHash":
            state.registry_hash = value
        elif name == "entityQuads":
            state.entity_quads = int(value)
        elif name == "entities":
            state.entities = int(value)
        elif name == "registryFile":
            path, _, text = value.partition("\0")
            if (parsed := FileStamp.parse(text)) is not None:
                state.registry_files[path] = parsed
    if not articles:
        return state
    fields: dict[str, dict[str, str]] = {}
    for name in ("articleId", "contentHash", "mappingStamp", "articleStamp", "statements", "quads", "url",
                 "urlLine"):
        for quad in store.quads_for_pattern(None, ox.NamedNode(B + name), None, graph):
            fields.setdefault(quad.subject.value, {})[name] = quad.object.value
    for graph_iri, values in fields.items():
        mapping = FileStamp.parse(values.get("mappingStamp", ""))
        if mapping is None or "contentHash" not in values or "articleId" not in values:
            continue  # a record this version cannot read: that article is rebuilt
        state.articles[values["articleId"]] = ArticleRecord(
            values["articleId"], graph_iri, values["contentHash"], mapping,
            FileStamp.parse(values.get("articleStamp", "")), int(values.get("statements", 0)),
            int(values.get("quads", 0)), values.get("url"), int(values["urlLine"]) if "urlLine" in values else None)
    return state


def read_entity_hashes(store: ox.Store) -> dict[str, str]:
    """Entity id -> the hash of its registry record, as the state records them."""
    return {q.subject.value.removeprefix(ENT_NS): q.object.value for q in store.quads_for_pattern(
        None, ox.NamedNode(B + "recordHash"), None, ox.NamedNode(STATE_GRAPH))}


def article_state_quads(record: ArticleRecord) -> Iterator[ox.Quad]:
    s, g = ox.NamedNode(record.graph), ox.NamedNode(STATE_GRAPH)
    yield ox.Quad(s, ox.NamedNode(B + "articleId"), ox.Literal(record.article_id), g)
    yield ox.Quad(s, ox.NamedNode(B + "contentHash"), ox.Literal(record.content_hash), g)
    yield ox.Quad(s, ox.NamedNode(B + "mappingStamp"), ox.Literal(str(record.mapping)), g)
    if record.article is not None:
        yield ox.Quad(s, ox.NamedNode(B + "articleStamp"), ox.Literal(str(record.article)), g)
    yield ox.Quad(s, ox.NamedNode(B + "statements"), _integer(record.statements), g)
    yield ox.Quad(s, ox.NamedNode(B + "quads"), _integer(record.quads), g)
    if record.url is not None:
        yield ox.Quad(s, ox.NamedNode(B + "url"), ox.Literal(record.url), g)
        yield ox.Quad(s, ox.NamedNode(B + "urlLine"), _integer(record.url_line or 0), g)


def entity_state_quads(hashes: dict[str, str]) -> Iterator[ox.Quad]:
    g, p = ox.NamedNode(STATE_GRAPH), ox.NamedNode(B + "recordHash")
    for entity_id in sorted(hashes):
        yield ox.Quad(ox.NamedNode(ENT_NS + entity_id), p, ox.Literal(hashes[entity_id]), g)


def global_state_quads(state: BuildState) -> Iterator[ox.Quad]:
    s = g = ox.NamedNode(STATE_GRAPH)
    yield ox.Quad(s, ox.NamedNode(B + "buildNumber"), _integer(state.number), g)
    yield ox.Quad(s, ox.NamedNode(B + "lastBuild"), ox.NamedNode(state.build_iri), g)
    yield ox.Quad(s, ox.NamedNode(B + "tool"), ox.Literal(state.tool), g)
    yield ox.Quad(s, ox.NamedNode(B + "registryKey"), ox.Literal(state.registry_key), g)
    yield ox.Quad(s, ox.NamedNode(B + "registryHash"), ox.Literal(state.registry_hash), g)
    yield ox.Quad(s, ox.NamedNode(B + "entityQuads"), _integer(state.entity_quads), g)
    yield ox.Quad(s, ox.NamedNode(B + "entities"), _integer(state.entities), g)
    for path in sorted(state.registry_files):
        yield ox.Quad(s, ox.NamedNode(B + "registryFile"), ox.Literal(f"{path}\0{state.registry_files[path]}"), g)


def subject_quads(store: ox.Store, subjects: Iterable[str]) -> list[ox.Quad]:
    """The state's quads about ``subjects`` (to remove them before writing new ones)."""
    graph = ox.NamedNode(STATE_GRAPH)
    return [q for s in subjects for q in store.quads_for_pattern(ox.NamedNode(s), None, None, graph)]


@dataclass(frozen=True)
class Activity:
    """One build, as PROV-O records it."""

    number: int
    started: str  # xsd:dateTime
    ended: str
    tool_version: str
    tool: str
    inputs: tuple[tuple[str, str], ...]  # (article graph, content hash), every article
    registry_hash: str
    added: tuple[str, ...]
    replaced: tuple[str, ...]
    removed: tuple[str, ...]
    statements_added: int
    statements_removed: int
    previous: int | None


def activity_quads(activity: Activity) -> Iterator[ox.Quad]:
    g = a = ox.NamedNode(f"{BUILD_NS}{activity.number}")
    tool = ox.NamedNode(f"{TOOL_IRI}/{activity.tool_version}")

    def p(name: str) -> ox.NamedNode:
        return ox.NamedNode(PROV + name if name[0].islower() and name in _PROV_TERMS else B + name)

    yield ox.Quad(a, ox.NamedNode(RDF_TYPE), ox.NamedNode(PROV + "Activity"), g)
    yield ox.Quad(a, ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal(f"kg build {activity.number}"), g)
    yield ox.Quad(a, p("startedAtTime"), ox.Literal(activity.started, datatype=ox.NamedNode(XSD + "dateTime")), g)
    yield ox.Quad(a, p("endedAtTime"), ox.Literal(activity.ended, datatype=ox.NamedNode(XSD + "dateTime")), g)
    yield ox.Quad(a, p("wasAssociatedWith"), tool, g)
    yield ox.Quad(tool, ox.NamedNode(RDF_TYPE), ox.NamedNode(PROV + "SoftwareAgent"), g)
    yield ox.Quad(tool, p("toolFingerprint"), ox.Literal(activity.tool), g)
    if activity.previous:
        yield ox.Quad(a, p("wasInformedBy"), ox.NamedNode(f"{BUILD_NS}{activity.previous}"), g)
    registry = ox.NamedNode(f"{INPUT_NS}registry/{activity.registry_hash}")
    yield ox.Quad(a, p("used"), registry, g)
    made = set(activity.added) | set(activity.replaced)
    for graph, digest in activity.inputs:
        used = ox.NamedNode(f"{INPUT_NS}{digest}")
        yield ox.Quad(a, p("used"), used, g)
        if graph in made:  # said once, by the build that made this version of the graph
            yield ox.Quad(used, p("specializationOf"), ox.NamedNode(graph), g)
    for name, graphs in (("addedGraph", activity.added), ("replacedGraph", activity.replaced),
                         ("removedGraph", activity.removed)):
        for graph in graphs:
            yield ox.Quad(a, p(name), ox.NamedNode(graph), g)
    yield ox.Quad(a, p("statementsAdded"), _integer(activity.statements_added), g)
    yield ox.Quad(a, p("statementsRemoved"), _integer(activity.statements_removed), g)


_PROV_TERMS = frozenset({"startedAtTime", "endedAtTime", "wasAssociatedWith", "wasInformedBy", "used",
                         "specializationOf"})


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
