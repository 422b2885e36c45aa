"""The dates an article's text gives, read in the article's language, so that validation can
check a mapping's day and month against them and not only its year.

Month names come from CLDR through Babel: every locale of the article's language (its regional
variants too: Austria's "Jänner"), months in their wide and abbreviated forms, as written in a
date and standing alone ("8. Juli", "Juli"), plus English, which news in any language quotes.
So any language CLDR knows is read; English when the mapping names none. Numeric dates are read
in the orders those locales write them (day.month.year, month/day/year, ...), and ISO 8601.

The forms, most specific first; where two overlap the first wins::

    8 Jun 2018, 8th of June, 2018, 17 Juli 2017, 15. Juli 2017, 8 июня 2018, 1er juin 2018
    June 8, 2018, Jun. 8th 2018
    2018-06-08, 15.07.2017, 6/8/2018 (in the orders the language's locales use)
    8 June, am 15. Juli              a day whose year the text gives elsewhere, or not at all
    June 8
    June 2018, Juli 2017             a month
    June                             a month alone: only the full name, spelt as CLDR does

A day range ("8-9 June", "June 8–9, 2018") gives both days. Years are four digits: "8/6/18"
is left alone, as its century would be a guess.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field

from .dates import DatePrecision, PartialDate
from .languages import locales_of

_DEFAULT_LANGUAGE = "en"
_SPACE = r"[^\S\n]+(?:\n[^\S\n]*)?"  # white space with at most one line break
_SUFFIX = r"(?:st|nd|rd|th|er)?"
_ORDINAL = _SUFFIX + r"\.?"  # "8th", "1er", German "15."
_YEAR = r"(?P<year>[0-9]{4})(?![0-9])"
_DASH = r"\s*[-\u2010-\u2015]\s*"


@dataclass(frozen=True, order=True)
class TextDate:
    """A date the text gives: ``quote`` is ``text[start:end]``; ``year`` and ``day`` are None
    where the text gives none."""

    start: int
    end: int
    month: int
    day: int | None
    year: int | None
    quote: str = field(compare=False)

    @property
    def value(self) -> str | None:
        """The date in the mapping's form (``2018-06-08``, ``--06-08``, ``2018-06``); None for
        a month alone, which the mapping cannot record."""
        if self.day is not None:
            return (f"{self.year:04d}" if self.year is not None else "-") + f"-{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}" if self.year is not None else None


def find_text_dates(text: str, language: str | None = None) -> tuple[TextDate, ...]:
    """Every date ``text`` gives, in order; ``language`` is a canonical BCP 47 tag or None
    (English).

    >>> [d.value for d in find_text_dates("Minsk, 8 Jun 2018. On June 9 and in July 2018.")]
    ['2018-06-08', '--06-09', '2018-07']
    >>> [(d.value, d.quote) for d in find_text_dates("Am 15. Juli, am 16.07.2017", "de")]
    [('--07-15', '15. Juli'), ('2017-07-16', '16.07.2017')]
    """
    return _find(text, language or _DEFAULT_LANGUAGE)


@functools.lru_cache(maxsize=64)
def _find(text: str, language: str) -> tuple[TextDate, ...]:
    found: list[TextDate] = []
    taken: list[tuple[int, int]] = []
    for pattern in _patterns(language):
        for match in pattern.finditer(text):
            # An overlap is a less specific reading of words already read, except the very same
            # words read another way: "6/8/2018" is 6 August in Britain and June 8 in the US.
            if any(start < match.end() and match.start() < end and (start, end) != match.span()
                   for start, end in taken):
                continue
            dates = _dates_of(match, language)
            if dates:
                taken.append(match.span())
                found.extend(dates)
    return tuple(sorted(found))


def gives_date(date: PartialDate, found: tuple[TextDate, ...]) -> bool:
    """True if one of the dates the text gives (``found``) supports ``date``'s month and day.

    A day or month needs a date in the text with that month (and day) and that year, or no
    year: the text often gives the year once ("5 July 2017") and then only days ("on 7 July").
    That the year itself is in the text is checked apart. Years and parts of years need nothing
    here.
    """
    if date.precision is DatePrecision.DAY:
        return any((f.month, f.day) == (date.month, date.day) and f.year in (date.year, None) for f in found)
    if date.precision is DatePrecision.MONTH:
        return any(f.month == date.month and f.year in (date.year, None) for f in found)
    if date.precision is DatePrecision.MONTH_DAY:
        return any((f.month, f.day) == (date.month, date.day) for f in found)
    return True


def _dates_of(match: re.Match, language: str) -> list[TextDate]:
    """The dates one match gives (two for a day range), or [] if it names no calendar day."""
    groups = match.groupdict()
    month = int(groups["mnum"]) if groups.get("mnum") else _month_names(language).get(_name_key(groups["month"]))
    year = int(groups["year"]) if groups.get("year") else None
    days = [int(groups[g]) for g in ("day1", "day", "day2") if groups.get(g)]
    if month is None or not 1 <= month <= 12:
        return []
    for day in days:
        try:
            datetime.date(year or 2000, month, day)  # 2000 is a leap year: 29 February stands
        except ValueError:
            return []
    quote = match.group()
    if not days:
        return [TextDate(match.start(), match.end(), month, None, year, quote)]
    return [TextDate(match.start(), match.end(), month, day, year, quote) for day in days]


def _name_key(name: str) -> str:
    return name.casefold().rstrip(".")


def _locales(language: str) -> tuple:
    """The locales whose month names a text in ``language`` may use: its own and English's."""
    return (*locales_of(_DEFAULT_LANGUAGE), *locales_of(language))


@functools.lru_cache(maxsize=64)
def _month_names(language: str) -> dict[str, int]:
    """Every way the language's locales (and English's) write a month, keyed by _name_key."""
    names: dict[str, int] = {}
    for locale in _locales(language):
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in locale.months[context][width].items():
                    # Names with digits ("6月") belong to forms this reader does not parse.
                    if not any(char.isdigit() for char in name):
                        names.setdefault(_name_key(name), number)
    return names


@functools.lru_cache(maxsize=64)
def _patterns(language: str) -> tuple[re.Pattern, ...]:
    """The date forms of the module docstring, most specific first."""
    names = sorted(_month_names(language), key=lambda n: (-len(n), n))
    month = r"(?<!\w)(?P<month>" + "|".join(map(re.escape, names)) + r")\.?(?!\w)"
    day_first = rf"(?<![0-9])(?:(?P<day1>[0-3]?[0-9]){_ORDINAL}{_DASH})?(?P<day>[0-3]?[0-9]){_ORDINAL}(?:{_SPACE}of)?"
    # After the month, a full stop ends the sentence: it is no ordinal ("May 17.").
    month_first = rf"(?P<day>[0-3]?[0-9])(?:{_SUFFIX}{_DASH}(?P<day2>[0-3]?[0-9]))?(?![0-9]){_SUFFIX}"
    # A month alone only in its full name as CLDR spells it: "may" and "march" are English words.
    wide = sorted({locale.months[context]["wide"][number] for locale in _locales(language)
                   for context in ("format", "stand-alone") for number in range(1, 13)}, key=lambda n: (-len(n), n))
    alone = r"(?<!\w)(?P<month>" + "|".join(re.escape(n) for n in wide if n.isalpha()) + r")(?!\w)"
    with_year = [rf"{day_first}{_SPACE}{month},?{_SPACE}{_YEAR}", rf"{month}{_SPACE}{month_first},?{_SPACE}{_YEAR}"]
    without_year = [rf"{day_first}{_SPACE}{month}", rf"{month}{_SPACE}{month_first}", rf"{month},?{_SPACE}{_YEAR}"]
    return (*(re.compile(p, re.IGNORECASE) for p in with_year),
            *(re.compile(p) for p in _numeric_forms(language)),
            *(re.compile(p, re.IGNORECASE) for p in without_year),
            re.compile(alone))


_NUMERIC_PATTERN = re.compile(r"(d{1,2}|M{1,2}|y+)([./-])(d{1,2}|M{1,2}|y+)\2(d{1,2}|M{1,2}|y+)")
_FIELD = {"d": r"(?P<day>[0-3]?[0-9])", "M": r"(?P<mnum>[01]?[0-9])", "y": r"(?P<year>[0-9]{4})"}


def _numeric_forms(language: str) -> list[str]:
    """Patterns for the numeric dates the language's locales write, plus ISO 8601 and
    day.month.year, which no locale writes another way round."""
    orders = {("-", "yMd"), (".", "dMy")}
    for locale in locales_of(language):
        for width in ("short", "medium"):
            found = _NUMERIC_PATTERN.fullmatch(locale.date_formats[width].pattern)
            if found:
                orders.add((found[2], "".join(part[0] for part in (found[1], found[3], found[4]))))
    forms = []
    for separator, order in sorted(orders):
        if sorted(order) != ["M", "d", "y"]:
            continue
        sep = re.escape(separator)
        forms.append(r"(?<![0-9./-])" + sep.join(_FIELD[part] for part in order) + r"(?![0-9]|[./-][0-9])")
    return forms
