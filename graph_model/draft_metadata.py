"""Metadata a new article's text gives: title line, dateline, publisher, language.

Nothing is invented: each suggestion carries the words it came from (``quote``, ``start``,
``end`` into the text), and what the text does not give stays None. A date without a year in
the text is a day without a year (``--05-17``), never a guessed year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "januar": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10,
    "dezember": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "dez": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:1[89]|20)[0-9]{2})"
_DAY = r"(?P<day>[0-3]?[0-9])"
# Most specific first: a day with month and year, then without a year, then a bare year.
_DATE_FORMS = [re.compile(p, re.IGNORECASE) for p in (
    rf"\b{_DAY}\.? {_MONTH},? {_YEAR}\b",
    rf"\b{_MONTH} {_DAY}(?:st|nd|rd|th)?,? {_YEAR}\b",
    r"\b(?P<year>(?:1[89]|20)[0-9]{2})-(?P<mnum>[01][0-9])-(?P<day>[0-3][0-9])\b",
    r"\b(?P<day>[0-3]?[0-9])\.(?P<mnum>[01]?[0-9])\.(?P<year>(?:1[89]|20)[0-9]{2})\b",
    rf"\b{_DAY}\.? {_MONTH}(?!\w)",
    rf"\b{_MONTH} {_DAY}(?:st|nd|rd|th)?\b",
    rf"\b{_MONTH} {_YEAR}\b",
    rf"(?:\b(?P<part>early|mid|late) ){_YEAR}\b",
    rf"\b{_YEAR}\b",
)]
_HEAD_LINES = 15
_DATELINE = re.compile(r"^\s*[A-ZÄÖÜ][A-ZÄÖÜ .'-]{2,}, ")  # "MINSK, 5 July (BelTA)"
_AGENCY = re.compile(r"\((?P<p>[A-Z][\w-]{1,24})\)|/(?P<s>[A-Z][\w-]{1,24})/")
_STOPWORDS = {
    "en": set("the and of to in is that for on with was as by it he said are be this has from at".split()),
    "de": set("der die das und ist nicht mit den von zu sich des im dem ein eine auf für wird sagte".split()),
}


@dataclass(frozen=True)
class Sourced:
    """A value and the words of the text it comes from: ``text[start:end] == quote``."""

    value: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class Metadata:
    title: Sourced | None
    date: Sourced | None
    publisher: Sourced | None
    language: str | None  # detected from common words; a suggestion too


def find_dates(text: str) -> list[Sourced]:
    """Every date expression in ``text`` with its value in the mapping's forms, by position;
    where two overlap, the more specific one.

    >>> [(d.value, d.quote) for d in find_dates("MOSCOW, May 17. In late 2016, on 5. Juli 2017 and 2017-07-05.")]
    [('--05-17', 'May 17'), ('late 2016', 'late 2016'), ('2017-07-05', '5. Juli 2017'), ('2017-07-05', '2017-07-05')]
    """
    found: list[Sourced] = []
    taken: list[tuple[int, int]] = []
    for form in _DATE_FORMS:
        for match in form.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            value = _value(match)
            if value is not None:
                taken.append(match.span())
                found.append(Sourced(value, match.group(), match.start(), match.end()))
    return sorted(found, key=lambda d: d.start)


def _value(match: re.Match) -> str | None:
    import datetime

    groups = match.groupdict()
    month = _MONTHS.get((groups.get("month") or "").lower()) or (int(groups["mnum"]) if groups.get("mnum") else None)
    year, day = groups.get("year"), groups.get("day")
    if groups.get("part"):
        return f"{groups['part'].lower()} {year}"
    try:
        if month and day and year:
            return datetime.date(int(year), month, int(day)).isoformat()
        if month and day:
            datetime.date(2000, month, int(day))  # 2000 is a leap year: allows 29 February
            return f"--{month:02d}-{int(day):02d}"
    except ValueError:
        return None
    if month and year:
        return f"{year}-{month:02d}"
    return year if year and not month and not day else None


def suggest_metadata(text: str) -> Metadata:
    """Title, dateline date, publisher and language as the text gives them (None where it does not).

    >>> m = suggest_metadata("Headline here\\n\\nHeadline here\\n\\nMINSK, 5 July 2017 (BelTA) – The talks began.")
    >>> m.title.value, m.date.value, m.date.quote, m.publisher.value, m.publisher.quote
    ('Headline here', '2017-07-05', '5 July 2017', 'BelTA', '(BelTA)')
    """
    lines = _lines(text)[:_HEAD_LINES]
    return Metadata(_title(lines), _dateline(text, lines), _publisher(lines), detect_language(text))


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, stripped line) of every non-empty line."""
    out, at = [], 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            out.append((at + line.index(stripped), stripped))
        at += len(line)
    return out


def _title(lines: list[tuple[int, str]]) -> Sourced | None:
    """A headline: a line repeated in the head of the page (sites print it twice), else a first
    line that reads as a headline (no full stop, at most 20 words, no menu bars)."""
    def headline(line: str) -> bool:
        return 3 <= len(line.split()) <= 20 and "|" not in line and not line.endswith((".", "!", "?", ":"))

    seen: dict[str, int] = {}
    for offset, line in lines:
        if line in seen and headline(line):
            return Sourced(line, line, seen[line], seen[line] + len(line))
        seen.setdefault(line, offset)
    if lines and (headline(lines[0][1]) or 1 <= len(lines[0][1].split()) < 3 and len(lines) > 1):
        offset, line = lines[0]
        if not line.endswith((".", "!", "?", ":")) and "|" not in line:
            return Sourced(line, line, offset, offset + len(line))
    return None


def _dateline(text: str, lines: list[tuple[int, str]]) -> Sourced | None:
    """The first date on a line that is only a date, or on a dateline ("MOSCOW, May 17.")."""
    for offset, line in lines:
        dates = [d for d in find_dates(line) if "-" in d.value or " " not in d.value]
        dates = [d for d in dates if len(d.value) > 4]  # a bare year is no dateline
        if not dates:
            continue
        rest = line[:dates[0].start] + line[dates[0].end:]
        if _DATELINE.match(line) or not re.search(r"\w{3,}", rest):
            date = dates[0]
            return Sourced(date.value, date.quote, offset + date.start, offset + date.end)
    return None


def _publisher(lines: list[tuple[int, str]]) -> Sourced | None:
    """An agency named on the dateline: "(BelTA)", "/TASS/"."""
    for offset, line in lines:
        if not (_DATELINE.match(line) or find_dates(line)):
            continue
        match = _AGENCY.search(line)
        if match:
            return Sourced(match.group("p") or match.group("s"), match.group(), offset + match.start(),
                           offset + match.end())
    return None


def detect_language(text: str) -> str | None:
    """"en" or "de" by their commonest words, or None if neither clearly leads.

    >>> detect_language("Der Präsident sagte, dass die Initiative nicht neu ist."), detect_language("1 2 3")
    ('de', None)
    """
    words = re.findall(r"\w+", text.lower())
    counts = {lang: sum(word in stop for word in words) for lang, stop in _STOPWORDS.items()}
    best = max(sorted(counts), key=counts.get)
    others = max(count for lang, count in counts.items() if lang != best)
    return best if counts[best] >= 3 and counts[best] >= 2 * others else None
