"""The unit of a build: one article's mapping -> its named graph, checked.

:func:`map_article` reads one mapping and the article it names, validates them against the
entity registry, maps them to RDF and checks the data contract on that graph. It is a pure
function of its inputs (files in, data out; no store, no globals written), so a build runs it
over a process pool, or over any ``concurrent.futures``-style executor, one article at a time,
and never holds the corpus in memory.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import ARTICLES_DIR, Corpus, read_article, read_mapping
from .errors import Problem
from .iris import article_iri


@dataclass(frozen=True)
class UnmatchedQuote:
    """A statement whose quote the article's text does not hold: an orphan if a previous build
    had it (graph_model.build_history looks its old quote up)."""

    line: int  # of the quote
    statement: str  # the statement's IRI
    quote: str


@dataclass
class ArticleGraph:
    """What :func:`map_article` made of one mapping file.

    ``nquads`` is the article's named graph (empty when there are problems); ``graph`` its IRI.
    The rest is what checks across articles and the build's record need: the article's address
    (``url``, at ``url_line`` of ``mapping_path``), the SHA-256 of its bytes, the ids of the
    article it found.
    """

    mapping_path: Path
    article_id: str
    graph: str
    nquads: bytes = b""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    statements: int = 0
    quads: int = 0
    url: str | None = None
    url_line: int | None = None
    article_path: Path | None = None
    article_sha256: str | None = None
    mapped: tuple[str, ...] = ()
    unmatched: tuple[UnmatchedQuote, ...] = ()
    quote_lines: tuple[UnmatchedQuote, ...] = ()  # every statement's IRI and quote line
    entities: tuple[str, ...] = ()  # the registry entries the graph uses

    @property
    def conforms(self) -> bool:
        return not self.problems


def map_article(mapping_path: Path, registry: Corpus, *, shapes: bool = True) -> ArticleGraph:
    """Read, validate, map and check the article of ``mapping_path``.

    ``registry`` is the seeds directory's registry as :func:`graph_model.corpus.read_registry`
    read it (no articles, no mappings); it is not modified. Never raises for bad input: the
    problems are in the result.
    """
    from .validate import validate_mapping

    result = ArticleGraph(mapping_path, mapping_path.stem, str(article_iri(mapping_path.stem)))
    mapping = read_mapping(mapping_path, result.problems)
    if mapping is None:
        return result
    corpus = Corpus(registry.seeds_dir, {}, registry.entities, [mapping], [],
                    unreadable=set(registry.unreadable), invalid_entity_ids=registry.invalid_entity_ids,
                    registry_complete=registry.registry_complete, missing_dirs=registry.missing_dirs)
    article = _read_named_article(mapping, corpus, result)
    report = validate_mapping(mapping, corpus)
    result.problems.extend(report.problems)
    result.warnings.extend(report.warnings)
    result.statements = report.statement_count
    result.mapped = tuple(sorted(report.mapped))
    if mapping.article_id in report.urls:
        result.url, result.url_line = report.urls[mapping.article_id], mapping.url.line
    if article is not None:
        result.article_path, result.article_sha256 = article.path, article.sha256
    result.quote_lines = _quote_lines(mapping)
    result.unmatched = tuple(q for q, s in zip(result.quote_lines, mapping.statements)
                             if (s.article_id, s.line) not in report.quote_matches)
    if result.problems or article is None or article.id != mapping.article_id:
        return result
    from .rdf import serialize_nquads

    quads = _graph_quads(mapping, article, report)
    result.entities = tuple(sorted(_used_entities(mapping)))
    data = serialize_nquads(quads)
    if shapes:
        result.problems.extend(_check_graph(quads, mapping, article, corpus, result.entities))
        if result.problems:
            return result
    result.nquads = data
    result.quads = len(set(quads))  # as the store counts: a triple two statements state is one quad
    return result


def _read_named_article(mapping, corpus: Corpus, result: ArticleGraph):
    """The article ``mapping`` names, read into ``corpus.articles`` (a problem if unreadable)."""
    name = mapping.file
    path = corpus.seeds_dir / ARTICLES_DIR / name
    if "/" in name or "\\" in name or not name.endswith(".txt") or not path.is_file():
        return None  # validation says what is wrong with 'file:'
    problems: list[Problem] = []
    article = read_article(path, problems)
    if article is None:
        corpus.unreadable.add(path)
        result.problems.extend(problems)
        return None
    corpus.articles[article.id] = article
    return article


def _quote_lines(mapping) -> tuple[UnmatchedQuote, ...]:
    from .rdf import statement_iri

    return tuple(UnmatchedQuote(s.line_of("quote"), str(statement_iri(s)), s.quote) for s in mapping.statements)


def _graph_quads(mapping, article, report) -> list:
    from .rdf import article_graph_quads

    return list(article_graph_quads(mapping, article, report))


def _used_entities(mapping) -> set[str]:
    return {entity_id for statement in mapping.statements
            for entity_id in (statement.subject, statement.object, statement.speaker, statement.place,
                              statement.event) if entity_id}


def _check_graph(quads: list, mapping, article, corpus: Corpus, used) -> list[Problem]:
    """The data contract on this article's graph, with the registry entries it uses (their
    types are what the shapes check its statements against)."""
    from .rdf import node_sources
    from .shacl_core import check_graph

    context = [quad for e in used if e in corpus.entities for quad in _entity_quads(corpus.entities[e])]
    sources = node_sources(Corpus(corpus.seeds_dir, {article.id: article}, {}, [mapping], []))
    # The registry's own nodes are context: checked once for the whole build (the entity graph),
    # not again with every article that uses them.
    problems = check_graph(quads, context=context, sources=sources)
    return [p for p in problems if p.path == mapping.path]


@functools.lru_cache(maxsize=4096)
def _entity_quads(entity) -> tuple:
    """An entry's quads, made once per process for the busiest entries (in thousands of articles
    each); a small cache, as every worker holds its own (an entry's quads take about 2 KB: 65,536
    of them, the size before, cost each worker about 130 MB)."""
    from .rdf import entity_quads

    return tuple(entity_quads([entity]))
