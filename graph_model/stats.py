"""Counts of what the graph holds: entities per type, statements per predicate and per article."""

from __future__ import annotations

from dataclasses import dataclass

from .iris import KG_NS
from .queries import read_internal_query
from .results import QueryResult
from .vocabulary import EntityType, stored_member


@dataclass(frozen=True)
class GraphStats:
    quads: int
    entities_by_type: dict[str, int]
    statements_by_predicate: dict[str, int]
    statements_by_article: dict[str, int]

    @property
    def statements(self) -> int:
        return sum(self.statements_by_article.values())


def compute_stats(store) -> GraphStats:
    """Count entities, statements and quads in ``store``.

    Keys: :class:`EntityType` values, predicate names, article ids (each read from its IRI or id).
    """
    def counts(name: str, key) -> dict[str, int]:
        rows = QueryResult.from_pyoxigraph(store.query(read_internal_query(name))).records()
        return {key(row["key"]): int(row["count"]) for row in rows}

    return GraphStats(len(store), counts("stats-entities-by-type", lambda iri: stored_member(EntityType, iri).value),
                      counts("stats-statements-by-predicate", lambda iri: iri.removeprefix(KG_NS)),
                      counts("stats-statements-by-article", str))


def format_stats(stats: GraphStats) -> str:
    def block(title: str, counts: dict[str, int]) -> list[str]:
        width = max((len(k) for k in counts), default=0)
        return [title] + [f"  {k.ljust(width)}  {v:>6}" for k, v in counts.items()]

    lines = [f"quads       {stats.quads}", f"statements  {stats.statements}",
             f"entities    {sum(stats.entities_by_type.values())}", ""]
    lines += block("entities by type", stats.entities_by_type) + [""]
    lines += block("statements by predicate", stats.statements_by_predicate) + [""]
    lines += block("statements by article", stats.statements_by_article)
    return "\n".join(lines)
