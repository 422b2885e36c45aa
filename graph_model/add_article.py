"""``kg add``: copy a new article into the seeds, unchanged, with a draft of its mapping.

The article's bytes are copied as they are to ``articles/NNN_<first 16 hex of its SHA-256>.txt``
(NNN the next free number), its checksum line is added to ``ARTICLES.sha256`` where the seeds
keep one, and ``mapping/NNN_<hash>.yaml`` gets the draft (:mod:`graph_model.drafting`,
:mod:`graph_model.draft_yaml`). Nothing a curator wrote is replaced: the same article again, or
a mapping already there, is refused; a near copy of an article already in the seeds is refused
unless forced. The files appear all together or not at all.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .corpus import ARTICLES_DIR, MAPPING_DIR, read_corpus
from .draft_metadata import Sourced, find_dates
from .draft_yaml import format_draft_mapping
from .drafting import Draft, draft_article
from .errors import InputError, Problem, UsageError
from .files import write_atomically
from .mentions import fold, match_key
from .textfile import decode_utf8, read_file_bytes
from .textmatch import find_quote

MANIFEST = "ARTICLES.sha256"
DUPLICATE_SIMILARITY = 0.5  # from this share of shared word sequences, kg add names the article it repeats
_NUMBERED = re.compile(r"^(\d+)_")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Duplicate:
    article: str
    similarity: float  # 1.0 for the same bytes


@dataclass(frozen=True)
class AddResult:
    article_path: Path
    mapping_path: Path
    duplicates: tuple[Duplicate, ...]
    draft: Draft
    seconds: float = 0.0


def read_new_article(path: Path) -> tuple[bytes, str]:
    """(bytes, text) of the article at ``path``: UTF-8 (a byte-order mark is dropped from the
    text, as the seeds reader does) and not empty. Raises InputError saying what is wrong."""
    problems: list[Problem] = []
    data = read_file_bytes(path, problems, kind="an article")
    text = decode_utf8(data, path, problems) if data is not None else None
    if problems:
        raise InputError(problems[0])
    if not text.strip():
        what = "the file is empty" if not data else "the file holds only white space"
        raise InputError(Problem(path, None, what, "Nothing to add: copy the article's text into it first."))
    return data, text


def find_duplicates(text: str, articles: dict[str, str], *, threshold: float = DUPLICATE_SIMILARITY) -> list[Duplicate]:
    """The articles (``{id: text}``) that ``text`` is a copy or near copy of, most similar first,
    by the corpus-wide rule of :mod:`graph_model.similarity` (the one ``kg validate`` applies).

    >>> find_duplicates("one two three four five six", {"a": "One two three four five six!", "b": "seven"})
    [Duplicate(article='a', similarity=1.0)]
    """
    from .similarity import find_similar

    return [Duplicate(name, round(similarity, 3)) for name, similarity in find_similar(text, articles, threshold)]


def add_article(seeds_dir: Path | str, source: Path | str, *, title: str | None = None, date: str | None = None,
                publisher: str | None = None, url: str | None = None, language: str | None = None,
                force: bool = False) -> AddResult:
    """Copy ``source`` into ``seeds_dir`` with a draft mapping; returns what was written.

    Raises InputError for an unreadable, non-UTF-8 or empty article, for an article already in
    the seeds, and for a near copy of one (unless ``force``); UsageError for an option the text
    contradicts (a title or date it does not give).
    """
    import time

    started = time.perf_counter()
    seeds_dir, source = Path(seeds_dir), Path(source)
    data, text = read_new_article(source)
    _check_options(url, language)
    digest = hashlib.sha256(data).hexdigest()
    corpus = read_corpus(seeds_dir)
    for article in corpus.articles.values():
        if article.sha256 == digest:
            raise InputError(Problem(source, None, f"this article is already in the seeds as {article.path}",
                                     "Nothing was written. Edit its mapping, "
                                     f"{seeds_dir / MAPPING_DIR / (article.id + '.yaml')}, instead."))
    duplicates = find_duplicates(text, {i: a.text for i, a in corpus.articles.items()})
    if duplicates and not force:
        best = duplicates[0]
        raise InputError(Problem(source, None, f"a near copy of {best.article} ({best.similarity:.0%} of its word "
                                 "sequences shared)", "Nothing was written. If it is a different article, add it "
                                 "with --force."))
    stem = _new_stem(seeds_dir, digest)
    given_title = _given_title(text, title)
    given_date = _given_date(text, date)
    given_publisher = _given_publisher(text, publisher)
    draft = draft_article(text, corpus.entities.values(), language=language)
    mapping_text = format_draft_mapping(
        draft, f"{stem}.txt", url=url, language=language or draft.language,
        language_detected=language is None and draft.language is not None,
        title=given_title, date=given_date, publisher=given_publisher)
    article_path = seeds_dir / ARTICLES_DIR / f"{stem}.txt"
    mapping_path = seeds_dir / MAPPING_DIR / f"{stem}.yaml"
    _write_all(seeds_dir, [(article_path, data), (mapping_path, mapping_text.encode("utf-8"))],
               f"{digest}  {stem}.txt\n")
    return AddResult(article_path, mapping_path, tuple(duplicates), draft, time.perf_counter() - started)


def _check_options(url: str | None, language: str | None) -> None:
    if url is not None:
        parts = urlparse(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"--url '{url}' is not a web address.", "Give the article's address, "
                             "e.g. --url https://www.belta.by/president/view/1234.")
    if language is not None and not _LANGUAGE.match(language):
        raise UsageError(f"--language '{language}' is not a BCP 47 language tag.", "Write e.g. --language en "
                         "or --language de.")


def _new_stem(seeds_dir: Path, digest: str) -> str:
    """``NNN_<hash>``: the next number after every numbered article and mapping."""
    names = [p.name for sub in (ARTICLES_DIR, MAPPING_DIR) if (seeds_dir / sub).is_dir()
             for p in (seeds_dir / sub).iterdir()]
    for name in names:
        if digest[:16] in name:
            raise InputError(Problem(seeds_dir / (ARTICLES_DIR if name.endswith(".txt") else MAPPING_DIR) / name,
                                     None, "already holds this article's name",
                                     "Nothing was written: a mapping or article for these bytes exists. Finish "
                                     "or remove it first."))
    numbers = [int(m.group(1)) for m in map(_NUMBERED.match, names) if m]
    number = max(numbers, default=-1) + 1
    return f"{number:03d}_{digest[:16]}"


def _given_title(text: str, title: str | None) -> Sourced | None:
    if title is None:
        return None
    match = find_quote(text, title)
    if match is None:
        raise UsageError(f"--title '{title}' is not in the article's text.",
                         "A title is verbatim from the article; leave --title out if the text has none.")
    return Sourced(title, match.exact, match.start, match.end)


def _given_date(text: str, date: str | None) -> Sourced | None:
    if date is None:
        return None
    from .dates import ACCEPTED_FORMS, DateFormatError, parse_date

    try:
        parse_date(date)
    except DateFormatError as exc:
        raise UsageError(f"--date: {exc}.", f"Write {ACCEPTED_FORMS}.") from exc
    for found in find_dates(text):
        if found.value == date:
            return found
    raise UsageError(f"--date {date}: the article's text does not give this date.",
                     "A mapping records only dates the text gives, with the words that give them; "
                     "leave --date out (the draft suggests the dateline), or give the date as the text does.")


def _given_publisher(text: str, publisher: str | None) -> Sourced | None:
    if publisher is None:
        return None
    key = match_key(publisher)
    folded, origin = fold(text)
    for match in re.finditer(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", folded):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        if text[start - 1:start] in "(/" and text[end:end + 1] in ")/" and start > 0:
            start, end = start - 1, end + 1  # "(BelTA)", "/TASS/": the credit as printed
        return Sourced(publisher, text[start:end], start, end)
    raise UsageError(f"--publisher '{publisher}' is not named in the article's text.",
                     "A publisher is recorded with the words of the text that show it; leave --publisher out "
                     "if the text does not name it.")


def _write_all(seeds_dir: Path, files: list[tuple[Path, bytes]], manifest_line: str) -> None:
    """Create ``files`` and add ``manifest_line`` to the seeds' checksum list (if they keep one):
    all or nothing. A new file is linked into place from a complete temporary file, which fails
    rather than replace a file that appeared meanwhile."""
    created: list[Path] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            _create_new(path, data)
            created.append(path)
        manifest = seeds_dir / MANIFEST
        if manifest.is_file():
            old = manifest.read_bytes()
            separator = b"" if not old or old.endswith(b"\n") else b"\n"
            write_atomically(manifest, old + separator + manifest_line.encode("utf-8"))
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise


def _create_new(path: Path, data: bytes) -> None:
    try:
        write_atomically(path, data, replace=False)
    except FileExistsError as exc:
        if exc.filename2 is None:
            raise  # a leftover temporary file, not the target: os.link names both paths
        raise InputError(Problem(path, None, "already exists", "Nothing was written; it was not replaced. "
                                 "Run kg add again.")) from exc


def add_result_data(result: AddResult) -> dict:
    """What ``kg add --json`` prints: the draft as one JSON-ready object."""
    draft = result.draft
    metadata = {name: (None if item is None else {"value": item.value, "quote": item.quote, "start": item.start,
                                                   "end": item.end})
                for name, item in (("title", draft.metadata.title), ("date", draft.metadata.date),
                                   ("publisher", draft.metadata.publisher))}
    return {
        "article": str(result.article_path),
        "mapping": str(result.mapping_path),
        "duplicates": [{"article": d.article, "similarity": d.similarity} for d in result.duplicates],
        "language": draft.language,
        "metadata": metadata,
        "mentions": [{"entity": m.entity, "start": m.start, "end": m.end, "text": m.text} for m in draft.mentions],
        "new_entities": [{"text": n.text, "start": n.start, "end": n.end, "type": n.type,
                          "similar_to": [{"entity": e, "similarity": s} for e, s in n.similar_to]}
                         for n in draft.new_entities],
        "statements": [{"subject": s.subject, "predicate": s.predicate, "object": s.object, "quote": s.quote,
                        "start": s.start, "end": s.end, "occurrence": s.occurrence, "speaker": s.speaker,
                        "role": s.role, "cues": list(s.cues), "suggested": True} for s in draft.statements],
    }


def format_add_summary(result: AddResult) -> str:
    """What ``kg add`` prints: the files written and what the draft pre-fills."""
    draft = result.draft
    lines = [f"wrote {result.article_path}", f"wrote {result.mapping_path} (a draft: check every suggestion)"]
    for duplicate in result.duplicates:
        lines.append(f"near copy of {duplicate.article} ({duplicate.similarity:.0%} similar), added with --force")
    entities = {m.entity for m in draft.mentions}
    lines.append(f"{len(draft.mentions)} mentions of {len(entities)} known entities, "
                 f"{len(draft.new_entities)} names matching no known entity, "
                 f"{len(draft.statements)} suggested statements in "
                 f"{sum(1 for s in draft.sentences if s.statements)} of {len(draft.sentences)} sentences "
                 "naming two or more entities")
    lines.append(f"next: edit {result.mapping_path}, then kg validate")
    return "\n".join(lines)
