"""Checks against an article's text: quotes (and which occurrence), dates (year, month and day),
the title, the publisher, the passages left out.

Each function appends what it finds to a :class:`~graph_model.validate.ValidationReport`'s
``problems`` and returns what the RDF stage needs (the quote's place, the parsed date).
"""

from __future__ import annotations

import functools
import re

from .corpus import ArticleMapping
from .dates import ACCEPTED_FORMS, DateFormatError, PartialDate, parse_date
from .errors import Problem, show_value
from .text_dates import TextDate, find_text_dates, gives_date
from .textmatch import QuoteMatch, closest_passage, find_all_quotes, find_quote

_MAX_LISTED = 10  # occurrences or dates named in one hint; the rest are counted
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def line_in(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def check_quote(text: str, quote: str, path, line: int, what: str, problems: list[Problem], *,
                occurrence: int | None = None, occurrence_line: int | None = None,
                require_occurrence: bool = False) -> QuoteMatch | None:
    """Where ``quote`` sits in ``text``, or None after reporting why it cannot be placed.

    With ``require_occurrence``, a quote found more than once must say which (``occurrence``,
    1-based): the evidence selectors point at one place, never silently at the first.
    """
    matches = find_all_quotes(text, quote) if require_occurrence or occurrence is not None else None
    if matches is None:
        match = find_quote(text, quote)
        matches = [match] if match else []
    if not matches:
        passage = closest_passage(text, quote)
        hint = f'Closest passage in the article: "{passage}"' if passage else "Copy the passage from the article."
        problems.append(Problem(path, line, f"{what} not found in the article", hint))
        return None
    count = len(matches)
    where = _occurrences(text, matches)
    if occurrence is None:
        if count > 1 and require_occurrence:
            problems.append(Problem(path, line, f"the {what} occurs {count} times in the article ({where}): "
                                                "add 'occurrence: N'",
                                    f"N counts from the start of the article: 1 to {count}."))
            return None
        return matches[0]
    if not 1 <= occurrence <= count:
        times = "once" if count == 1 else f"{count} times"
        hint = "Remove 'occurrence:' or give 1." if count == 1 else f"Give a number from 1 to {count}."
        problems.append(Problem(path, occurrence_line or line,
                                f"occurrence {occurrence} is out of range: the {what} occurs {times} in the article "
                                f"({where})", hint))
        return None
    return matches[occurrence - 1]


def _occurrences(text: str, matches: list[QuoteMatch]) -> str:
    lines = [str(line_in(text, m.start)) for m in matches[:_MAX_LISTED]]
    more = f" and {len(matches) - _MAX_LISTED} more" if len(matches) > _MAX_LISTED else ""
    return ("line " if len(matches) == 1 else "lines ") + ", ".join(lines) + more


@functools.lru_cache(maxsize=256)
def _years_in(text: str) -> frozenset[str]:
    return frozenset(_YEAR.findall(text))


def check_date(value: str, text: str, path, line: int, problems: list[Problem], *,
               language: str | None, read_days: bool = True) -> PartialDate | None:
    """``value`` parsed, or None after reporting it: malformed, impossible, or not given by
    the text. The year must be in the text; so must the month and day, as the text writes dates
    in ``language`` (canonical BCP 47, None for English). ``read_days=False`` checks the year
    only: for an article whose language tag is itself wrong, so that the one problem is not
    followed by a wrong day for each date."""
    try:
        parsed = parse_date(value)
    except DateFormatError as exc:
        problems.append(Problem(path, line, f"bad date: {exc}", f"Write {ACCEPTED_FORMS}."))
        return None
    if parsed.year is not None and str(parsed.year) not in _years_in(text):
        problems.append(Problem(
            path, line, f"date {value} names the year {parsed.year}, which the article never gives",
            "Record only dates the text gives; use --MM-DD for a day without a year, or drop the date."))
        return None
    if not read_days:
        return parsed
    found = find_text_dates(text, language)
    if not gives_date(parsed, found):
        what = "month" if parsed.month is not None and parsed.day is None else "day"
        problems.append(Problem(path, line, f"date {value} names a {what} the article never gives",
                                _dates_hint(text, found, language)))
        return None
    return parsed


def _dates_hint(text: str, found: tuple[TextDate, ...], language: str | None) -> str:
    """The dates the text does give, each with its words and line, for the hint."""
    seen: dict[str, str] = {}
    for date in found:
        if date.value is not None and date.value not in seen:
            seen[date.value] = f"{date.value} ('{' '.join(date.quote.split())}', line {line_in(text, date.start)})"
    if not seen:
        # Finding none at all is what a text read in the wrong language looks like.
        read_as = "" if language else " (read as English: set 'language:' in the article block if it is not)"
        return f"The article gives no day or month{read_as}. Record the year alone, or drop the date."
    listed = list(seen.values())
    more = f" and {len(listed) - _MAX_LISTED} more" if len(listed) > _MAX_LISTED else ""
    return (f"The article gives {', '.join(listed[:_MAX_LISTED])}{more}. Record one of them, the month or year "
            "alone, or drop the date.")


def check_metadata(mapping: ArticleMapping, text: str, problems: list[Problem], *, language: str | None,
                   read_days: bool) -> None:
    """The title, publisher and date of ``mapping`` against the article's ``text``, and its
    left-out passages."""
    if mapping.title and find_quote(text, mapping.title) is None:
        problems.append(Problem(mapping.path, mapping.title_line, "title is not in the article text",
                                "A title must be verbatim from the article; remove it if the text has none."))
    publisher = mapping.publisher
    if publisher is not None and publisher.plain:
        if find_quote(text, publisher.value) is None:
            problems.append(Problem(
                mapping.path, publisher.line, f"publisher {show_value(publisher.value)} is not in the article text",
                f'Give the words that name it: publisher: {{value: {publisher.value}, quote: "..."}}, '
                "or remove it if the text does not name it."))
    elif publisher is not None:
        check_quote(text, publisher.quote, mapping.path, publisher.line, "publisher quote", problems)
    if mapping.date is not None:
        check_quote(text, mapping.date.quote, mapping.path, mapping.date.line, "date quote", problems)
        check_date(mapping.date.value, text, mapping.path, mapping.date.line, problems, language=language,
                   read_days=read_days)
    for passage in mapping.left_out:
        check_quote(text, passage.quote, mapping.path, passage.line, "left-out quote", problems)
