"""``kg coverage``: how much of each article its mapping has curated.

For each article: the sentences that name two or more known entities, and for each whether a
statement's quote lies in it or spans it (covered), whether its mapping lists it under
``left_out:`` (deliberately not curated), or neither (uncovered); and the mentions of entities
that no statement of the article names (as subject, object, speaker, place or event). The
figure is covered sentences / sentences naming two or more entities.

The mappings are read leniently, straight from their YAML: coverage is for mappings still being
curated, which need not validate yet (a draft with suggestions left, say).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .corpus import MAPPING_DIR, read_corpus
from .errors import UsageError, did_you_mean
from .mentions import EntityMatcher, Mention, match_key
from .sentences import Span, split_sentences
from .textmatch import find_quote

COVERED, LEFT_OUT, UNCOVERED = "covered", "left out", "uncovered"


@dataclass(frozen=True)
class SentenceCoverage:
    span: Span
    entities: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class ArticleCoverage:
    article: str
    sentences: tuple[SentenceCoverage, ...]  # those naming two or more known entities
    unlinked: tuple[Mention, ...]  # mentions of entities no statement of the article names
    has_mapping: bool

    def count(self, status: str) -> int:
        return sum(1 for s in self.sentences if s.status == status)

    @property
    def coverage(self) -> float | None:
        """Covered sentences / sentences naming two or more entities (None if there are none)."""
        return self.count(COVERED) / len(self.sentences) if self.sentences else None


def compute_coverage(seeds_dir: Path | str, article: str | None = None) -> list[ArticleCoverage]:
    """The coverage of every article in ``seeds_dir``, or of ``article`` (its id or file name).

    Raises UsageError naming the closest article for one the seeds do not hold.
    """
    corpus = read_corpus(seeds_dir)
    ids = sorted(corpus.articles)
    if article is not None:
        wanted = Path(article).stem
        if wanted not in corpus.articles:
            hint = did_you_mean(wanted, ids) or f"The articles are: {', '.join(ids) or 'none'}."
            raise UsageError(f"no article '{article}' in {seeds_dir}.", hint)
        ids = [wanted]
    matcher = EntityMatcher(corpus.entities.values())
    mapping_dir = Path(seeds_dir) / MAPPING_DIR
    return [_article_coverage(corpus.articles[i].text, i, _read_curated(mapping_dir / f"{i}.yaml"), matcher)
            for i in ids]


@dataclass(frozen=True)
class _Curated:
    quotes: tuple[tuple[str, int | None], ...]  # (quote, occurrence) of each statement
    named: frozenset[str]  # ids the statements name
    left_out: tuple[str, ...]


def _read_curated(path: Path) -> _Curated | None:
    """The quotes, named ids and left-out sentences of a mapping file; None if there is none."""
    from .yaml_reader import parse_located_yaml

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    data = parse_located_yaml(text, path, [])
    data = data if isinstance(data, dict) else {}
    quotes, named = [], set()
    for item in _items(data.get("statements")):
        if isinstance(item.get("quote"), str):
            occurrence = str(item.get("occurrence", ""))  # the located reader keeps scalars as text
            quotes.append((item["quote"], int(occurrence) if occurrence.isdigit() else None))
        named.update(str(item[k]) for k in ("subject", "object", "speaker", "place", "event") if item.get(k))
    left_out = tuple(item["quote"] for item in _items(data.get("left_out")) if isinstance(item.get("quote"), str))
    return _Curated(tuple(quotes), frozenset(named), left_out)


def _items(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _article_coverage(text: str, article_id: str, curated: _Curated | None, matcher: EntityMatcher) -> ArticleCoverage:
    mentions = matcher.find(text)
    quoted = [_locate(text, quote, occurrence) for quote, occurrence in (curated.quotes if curated else ())]
    left_out = [span for quote in (curated.left_out if curated else ()) for span in _all_spans(text, quote)]
    covered_words: set[str] = set()
    rows = []
    for span in split_sentences(text):
        entities = tuple(dict.fromkeys(m.entity for m in mentions if span.start <= m.start and m.end <= span.end))
        if len(entities) < 2:
            continue
        if any(q and _overlaps(q, span) for q in quoted):
            status = COVERED
            covered_words.add(match_key(span.text))
        elif any(_overlaps(q, span) for q in left_out):
            status = LEFT_OUT
        else:
            status = UNCOVERED
        rows.append(SentenceCoverage(span, entities, status))
    # A sentence printed twice (a headline above the article and in it) is covered by one quote.
    rows = [SentenceCoverage(r.span, r.entities, COVERED) if match_key(r.span.text) in covered_words else r
            for r in rows]
    named = curated.named if curated else frozenset()
    unlinked = tuple(m for m in mentions if m.entity not in named)
    return ArticleCoverage(article_id, tuple(rows), unlinked, curated is not None)


def _locate(text: str, quote: str, occurrence: int | None) -> tuple[int, int] | None:
    spans = _all_spans(text, quote)
    index = (occurrence or 1) - 1
    return spans[index] if 0 <= index < len(spans) else None


def _all_spans(text: str, quote: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    while (match := find_quote(text, quote, start_at=at)) is not None:
        spans.append((match.start, match.end))
        at = match.start + 1
    return spans


def _overlaps(span: tuple[int, int], sentence: Span) -> bool:
    return span[0] < sentence.end and sentence.start < span[1]


def coverage_data(rows: list[ArticleCoverage]) -> list[dict]:
    return [{
        "article": row.article,
        "has_mapping": row.has_mapping,
        "sentences": len(row.sentences),
        "covered": row.count(COVERED),
        "left_out": row.count(LEFT_OUT),
        "uncovered": [{"start": s.span.start, "end": s.span.end, "text": s.span.text, "entities": list(s.entities)}
                      for s in row.sentences if s.status == UNCOVERED],
        "coverage": None if row.coverage is None else round(row.coverage, 3),
        "unlinked_mentions": [{"entity": m.entity, "start": m.start, "end": m.end, "text": m.text}
                              for m in row.unlinked],
    } for row in rows]


def format_coverage(rows: list[ArticleCoverage], *, as_json: bool = False) -> str:
    """A table per article (figure, then the uncovered sentences and unlinked mentions), or JSON."""
    if as_json:
        return json.dumps({"articles": coverage_data(rows)}, ensure_ascii=False, indent=2)
    header = f"{'article':<22} {'sentences':>9} {'covered':>7} {'left out':>8} {'uncovered':>9} {'coverage':>8} {'unlinked':>8}"
    lines = [header, "-" * len(header)]
    for row in rows:
        figure = "-" if row.coverage is None else f"{row.coverage:.0%}"
        lines.append(f"{row.article:<22} {len(row.sentences):>9} {row.count(COVERED):>7} {row.count(LEFT_OUT):>8} "
                     f"{row.count(UNCOVERED):>9} {figure:>8} {len(row.unlinked):>8}")
    for row in rows:
        uncovered = [s for s in row.sentences if s.status == UNCOVERED]
        if not (uncovered or row.unlinked):
            continue
        lines += ["", f"{row.article}:" + ("" if row.has_mapping else " (no mapping)")]
        for sentence in uncovered:
            words = " ".join(sentence.span.text.split())
            lines.append(f"  uncovered @{sentence.span.start}: {words[:90]}{'…' if len(words) > 90 else ''} "
                         f"[{', '.join(sentence.entities)}]")
        by_entity: dict[str, list[Mention]] = {}
        for mention in row.unlinked:
            by_entity.setdefault(mention.entity, []).append(mention)
        for entity, found in by_entity.items():
            lines.append(f"  no statement names {entity}: {len(found)} mention(s), first '{found[0].text}' "
                         f"@{found[0].start}")
    return "\n".join(lines)
