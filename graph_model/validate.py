"""Stage 2: check a read corpus against its articles and the ontology.

:func:`validate_corpus` returns a :class:`ValidationReport` listing every problem (never only
the first), the warnings (what may be wrong but need not be), and, for each statement, where
its quote sits in the article, which the RDF stage needs for the evidence selectors. The checks
against an article's text are in :mod:`graph_model.validate_text`, those of articles as sources
in :mod:`graph_model.validate_articles`, those of the registry as a whole in
:mod:`graph_model.validate_registry`; the statements' ids and types are checked here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .corpus import ARTICLES_DIR, ENTITIES_DIR, MAPPING_DIR, ArticleMapping, Corpus, Entity, Statement
from .dates import PartialDate
from .errors import Problem, did_you_mean, show_value
from .schema import ID_RULE, is_valid_id
from .textmatch import QuoteMatch
from .validate_articles import (
    check_duplicate_articles,
    check_duplicate_urls,
    check_language,
    check_url,
)
from .validate_registry import check_alias_languages, check_names, check_unused_entities, same_name_key
from .validate_text import check_date, check_metadata, check_quote
from .vocabulary import EntityType, read_relations

AGENT_TYPES = frozenset({EntityType.PERSON, EntityType.STATE, EntityType.ORGANISATION})
QUALIFIER_TYPES = {
    "speaker": AGENT_TYPES,
    "place": frozenset({EntityType.PLACE, EntityType.STATE}),
    "event": frozenset({EntityType.EVENT}),
}
UNREVIEWED = ("unreviewed suggestion: check it against the article, then delete 'suggested: true' "
              "(or delete the statement)")


def _by_place(problem: Problem):
    return str(problem.path), problem.line or 0, problem.message


@dataclass
class ValidationReport:
    """The outcome of validation: ``conforms`` is true when ``problems`` is empty; ``warnings``
    (near-duplicate entities or articles, unused entities) do not stop a build."""

    problems: list[Problem] = field(default_factory=list)
    quote_matches: dict[tuple[str, int], QuoteMatch] = field(default_factory=dict)
    dates: dict[tuple[str, int], PartialDate] = field(default_factory=dict)
    statement_count: int = 0
    warnings: list[Problem] = field(default_factory=list)
    languages: dict[str, str] = field(default_factory=dict)  # article id -> canonical BCP 47 tag
    urls: dict[str, str] = field(default_factory=dict)  # article id -> its checked address
    url_sources: dict[str, tuple] = field(default_factory=dict)  # article id -> (mapping, url)
    mapped: set[str] = field(default_factory=set)  # ids of the articles the mappings found

    @property
    def conforms(self) -> bool:
        return not self.problems

    def sorted_problems(self) -> list[Problem]:
        return sorted(self.problems, key=_by_place)

    def sorted_warnings(self) -> list[Problem]:
        return sorted(self.warnings, key=_by_place)


def validate_corpus(corpus: Corpus) -> ValidationReport:
    """Check every mapping of ``corpus``; returns a report, never raises for bad data.

    Checks: article files are named plainly, exist, and every article has a mapping; its url
    and language are well formed, and no two articles share a url or their bytes; ids,
    predicates and qualifier entities exist and have types the predicate allows; a statement
    relates two different entities and is no unreviewed suggestion; quotes are verbatim in
    their article, and one that occurs more than once says which occurrence; dates are
    well-formed, possible, and name only years, months and days the article gives; no statement
    is recorded twice; no name belongs to two entities. Warnings: entities whose names differ
    only in accents or transliteration, articles with nearly the same wording, and, once
    there is no problem, entities no statement uses. What only follows from a problem reading
    the corpus (an unreadable article, a rejected entity, a registry that could not be read
    whole, a wrong language tag) is reported once, at its cause.
    """
    report = ValidationReport(problems=list(corpus.problems))
    check_registry(corpus, report)
    unknown: list[Problem] = []  # held back: see _report_unknown
    for mapping in corpus.mappings:
        check_mapping(mapping, corpus, report, unknown)
    _report_unknown(unknown, corpus, report)
    check_unmapped(corpus, report.mapped, report)
    check_duplicate_urls(report.url_sources, report.problems)
    check_duplicate_articles(corpus, report.problems, report.warnings)
    if report.conforms:  # otherwise a broken mapping or a mistyped id would make entities look unused
        check_unused_entities(corpus, report.warnings)
    return report


def check_registry(corpus: Corpus, report: ValidationReport) -> None:
    """The checks of the entity registry as a whole: no name belongs to two entities, alias
    languages are well formed. A build runs them once, not per article."""
    check_names(corpus, report.problems, report.warnings)
    check_alias_languages(corpus, report.problems)


def validate_mapping(mapping: ArticleMapping, corpus: Corpus) -> ValidationReport:
    """Check one article's ``mapping`` against ``corpus`` (which needs only the registry and that
    article): what a per-article build checks for each article. The registry as a whole
    (:func:`check_registry`) and what spans articles (shared urls or bytes, unmapped articles)
    are the caller's to check."""
    report = ValidationReport()
    unknown: list[Problem] = []
    check_mapping(mapping, corpus, report, unknown)
    _report_unknown(unknown, corpus, report)
    return report


def check_mapping(mapping: ArticleMapping, corpus: Corpus, report: ValidationReport,
                  unknown: list[Problem]) -> None:
    """Every check of one article's mapping: its file, url, language and metadata, and each
    statement's ids, types, quote and date; unknown entity ids go to ``unknown``."""
    relations = read_relations()
    article = _article_of(mapping, corpus, report)
    if article is not None:
        report.mapped.add(article.id)
    if article is not None and article.id != mapping.article_id:
        report.problems.append(Problem(
            mapping.path, mapping.file_line,
            f"mapping file is named '{mapping.path.name}' but maps {show_value(mapping.file)}",
            f"Rename it to {article.id}.yaml so article and mapping pair up."))
    url = check_url(mapping, report.problems)
    if url is not None:
        report.url_sources[mapping.article_id] = (mapping, url)
        report.urls[mapping.article_id] = url
    language, read_days = check_language(mapping, report.problems)
    if language is not None:
        report.languages[mapping.article_id] = language
    text = article.text if article else None
    if text is not None:
        check_metadata(mapping, text, report.problems, language=language, read_days=read_days)
    seen: dict[tuple, int] = {}
    for statement in mapping.statements:
        report.statement_count += 1
        _check_statement(statement, corpus, relations, report, unknown)
        if text is not None:
            _check_evidence(statement, text, report, language=language, read_days=read_days)
        key = (statement.subject, statement.predicate, statement.object, " ".join(statement.quote.split()))
        if key in seen:
            report.problems.append(Problem(
                statement.path, statement.line, "duplicate statement: same subject, predicate, object and quote",
                f"It is already recorded at line {seen[key]}; remove one."))
        else:
            seen[key] = statement.line


def check_unmapped(corpus: Corpus, mapped: set[str], report: ValidationReport) -> None:
    """Every article of ``corpus`` whose id is not in ``mapped`` and has no mapping file."""
    for article_id, article in corpus.articles.items():
        if MAPPING_DIR in corpus.missing_dirs:
            break  # the missing folder is the one problem to report
        if article_id not in mapped and not (corpus.seeds_dir / MAPPING_DIR / f"{article_id}.yaml").exists():
            report.problems.append(unmapped_problem(article.path, article_id))


def unmapped_problem(path: Path, article_id: str) -> Problem:
    return Problem(path, None, "article has no mapping",
                   f"Create seeds/mapping/{article_id}.yaml with its metadata and statements (docs/mapping-format.md).")


def _article_of(mapping: ArticleMapping, corpus: Corpus, report: ValidationReport):
    """The article ``mapping`` maps, or None (reporting why, unless an earlier problem did)."""
    articles_dir = corpus.seeds_dir / ARTICLES_DIR
    name = PurePosixPath(mapping.file.replace("\\", "/")).name
    if name != mapping.file:
        # The articles folder is the one place articles come from: 'file: ../../x' may not
        # reach outside it, and its sub-folders are not read.
        known = {a.path.name for a in corpus.articles.values()}
        hint = f"Did you mean '{name}'? " if name in known else ""
        report.problems.append(Problem(
            mapping.path, mapping.file_line,
            f"'file' must be the name of a file in {articles_dir}, not a path: {show_value(mapping.file)}",
            hint + "Write only the file name; articles are read from that folder alone."))
        return None
    if ARTICLES_DIR in corpus.missing_dirs or articles_dir / mapping.file in corpus.unreadable:
        return None  # already reported: the folder is missing, or the file could not be read
    article = corpus.articles.get(Path(mapping.file).stem) if mapping.file.endswith(".txt") else None
    if article is None:
        hint = did_you_mean(mapping.file, [a.path.name for a in corpus.articles.values()])
        report.problems.append(Problem(
            mapping.path, mapping.file_line,
            f"article file {show_value(mapping.file)} not found in {articles_dir}",
            (hint + " " if hint else "") + "Copy the article there unchanged, or fix 'file:'."))
    return article


def _report_unknown(unknown: list[Problem], corpus: Corpus, report: ValidationReport) -> None:
    """Unknown entity ids, each reported, or, when the registry could not be read whole (a
    missing folder, a file that does not parse), summarised in one problem: most of them are
    entities the unread part holds."""
    if not unknown:
        return
    if corpus.registry_complete:
        report.problems.extend(unknown)
        return
    first = unknown[0]
    more = f", and {len(unknown) - 1} more references to entities not in the registry" if len(unknown) > 1 else ""
    report.problems.append(Problem(
        first.path, first.line, first.message + more,
        f"The entity registry ({corpus.seeds_dir / ENTITIES_DIR}) could not be read completely; "
        "fix the problems reported there, then run kg validate again."))


def _check_statement(statement: Statement, corpus: Corpus, relations, report: ValidationReport,
                     unknown: list[Problem]) -> None:
    """Ids, predicate, types and qualifiers of one statement, and whether a person reviewed it."""
    path = statement.path
    relation = relations.get(statement.predicate)
    if relation is None:
        hint = did_you_mean(statement.predicate, relations) or f"Allowed: {', '.join(sorted(relations))}."
        report.problems.append(Problem(path, statement.line_of("predicate"),
                                       f"unknown predicate {show_value(statement.predicate)}", hint))
    for role in ("subject", "object"):
        entity_id = getattr(statement, role)
        entity = _entity(statement, role, entity_id, corpus, report, unknown)
        if entity is not None and relation is not None:
            allowed = relation.subject_types if role == "subject" else relation.object_types
            if entity.type not in allowed:
                report.problems.append(Problem(
                    path, statement.line_of(role),
                    f"{role} '{entity_id}' is {_a(entity.type.value)}, but '{relation.name}' takes "
                    f"{_types(allowed)} as {role}",
                    "Choose another predicate (docs/mapping-format.md lists them) or fix the entity's type."))
    if statement.subject == statement.object:
        report.problems.append(Problem(path, statement.line_of("object"),
                                       f"subject and object are the same entity {show_value(statement.object)}",
                                       "A statement relates two different entities; fix the subject or the object."))
    for qualifier, allowed in QUALIFIER_TYPES.items():
        entity_id = getattr(statement, qualifier)
        if entity_id is None:
            continue
        entity = _entity(statement, qualifier, entity_id, corpus, report, unknown)
        if entity is not None and entity.type not in allowed:
            report.problems.append(Problem(
                path, statement.line_of(qualifier),
                f"{qualifier} '{entity_id}' is {_a(entity.type.value)}; {_a(qualifier)} must be "
                f"{_types(allowed)}", "Fix the id or the entity's type."))
    if statement.predicate == "holdsPosition" and not statement.role:
        report.problems.append(Problem(path, statement.line, "'holdsPosition' needs a 'role'",
                                       "Add role: with the position as the text names it, e.g. 'Foreign Minister'."))
    if statement.involvement and statement.predicate != "involves":
        report.problems.append(Problem(path, statement.line_of("involvement"),
                                       f"'involvement' qualifies only 'involves', not '{statement.predicate}'",
                                       "Move the wording into a separate 'involves' statement or drop it."))
    if statement.suggested:
        report.problems.append(Problem(path, statement.line_of("suggested"), UNREVIEWED))


def _check_evidence(statement: Statement, text: str, report: ValidationReport, *, language: str | None,
                    read_days: bool) -> None:
    """The statement's quote (and which occurrence) and date against its article's ``text``;
    what holds goes into the report for the RDF stage."""
    path, key = statement.path, (statement.article_id, statement.line)
    match = check_quote(text, statement.quote, path, statement.line_of("quote"), "quote", report.problems,
                        occurrence=statement.occurrence, occurrence_line=statement.line_of("occurrence"),
                        require_occurrence=True)
    if match is not None:
        report.quote_matches[key] = match
    if statement.date is not None:
        parsed = check_date(statement.date, text, path, statement.line_of("date"), report.problems,
                            language=language, read_days=read_days)
        if parsed is not None:
            report.dates[key] = parsed


def _entity(statement: Statement, role: str, entity_id: str, corpus: Corpus, report: ValidationReport,
            unknown: list[Problem]) -> Entity | None:
    """The entity ``entity_id`` names, or None: then the id is reported as malformed, or held in
    ``unknown``, or not at all if its entity block was rejected (that problem is reported)."""
    entity = corpus.entities.get(entity_id)
    if entity is not None or entity_id in corpus.invalid_entity_ids:
        return entity
    by_name = {same_name_key(name): e.id for e in corpus.entities.values() for name in (e.label, *e.aliases)}
    suggestion = did_you_mean(entity_id, corpus.entities)
    if not suggestion and same_name_key(entity_id) in by_name:
        suggestion = f"Did you mean '{by_name[same_name_key(entity_id)]}'?"
    if is_valid_id(entity_id):
        unknown.append(Problem(statement.path, statement.line_of(role), f"unknown entity '{entity_id}'",
                               (suggestion + " " if suggestion else "") + "Add it to seeds/entities/ or fix the id."))
    else:
        report.problems.append(Problem(statement.path, statement.line_of(role),
                                       f"{role} {show_value(entity_id)} is not a valid id",
                                       (suggestion + " " if suggestion else "") + ID_RULE))
    return None


def _a(noun: str) -> str:
    return ("an " if noun[0] in "AEIOUaeiou" else "a ") + noun


def _types(types) -> str:
    """'a Person or a State' for a set of entity types."""
    return " or ".join(_a(t.value) for t in sorted(types, key=lambda t: t.value))
