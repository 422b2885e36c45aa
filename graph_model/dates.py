"""Dates at the precision the text gives them.

Accepted forms: ``2017-07-05`` (day), ``2017-07`` (month), ``2017`` (year),
``early 2016`` / ``mid 2016`` / ``late 2016`` (part of a year), ``--05-17`` (a day whose year
the text does not give). Each becomes an XSD-typed literal and a precision, so a timeline can
sort what it can and show the rest as the text has it.
"""

from __future__ import annotations

import datetime
import enum
import re
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import XSD

from .errors import show_value
from .vocabulary import KG


class DatePrecision(str, enum.Enum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    EARLY_YEAR = "early year"
    MID_YEAR = "mid year"
    LATE_YEAR = "late year"
    MONTH_DAY = "day, year unknown"

    @property
    def iri(self) -> URIRef:
        return _PRECISION_IRI[self]


_PRECISION_IRI = {
    DatePrecision.DAY: KG.DayPrecision,
    DatePrecision.MONTH: KG.MonthPrecision,
    DatePrecision.YEAR: KG.YearPrecision,
    DatePrecision.EARLY_YEAR: KG.EarlyYearPrecision,
    DatePrecision.MID_YEAR: KG.MidYearPrecision,
    DatePrecision.LATE_YEAR: KG.LateYearPrecision,
    DatePrecision.MONTH_DAY: KG.MonthDayPrecision,
}

ACCEPTED_FORMS = "YYYY-MM-DD, YYYY-MM, YYYY, early/mid/late YYYY, or --MM-DD when the text gives no year"


@dataclass(frozen=True)
class PartialDate:
    """A date known only to ``precision``; ``lexical`` is its XSD lexical form; ``month`` and
    ``day`` are None where the precision has none."""

    text: str
    lexical: str
    datatype: URIRef
    precision: DatePrecision
    year: int | None
    month: int | None = None
    day: int | None = None


class DateFormatError(ValueError):
    """A date string is malformed or names a day that does not exist."""


# [0-9], not \d: \d also matches other scripts' digits ("٢٠١٧"), which int() reads as 2017 but
# which are no XSD lexical form.
_PATTERNS = [
    (re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"), "day"),
    (re.compile(r"([0-9]{4})-([0-9]{2})"), "month"),
    (re.compile(r"([0-9]{4})"), "year"),
    (re.compile(r"(early|mid|late) ([0-9]{4})"), "part"),
    (re.compile(r"--([0-9]{2})-([0-9]{2})"), "month-day"),
]


def parse_date(text: str) -> PartialDate:
    """Parse a mapping date.

    >>> parse_date("late 2016").precision.value, parse_date("late 2016").lexical
    ('late year', '2016')
    >>> parse_date("--05-17").datatype.endswith("gMonthDay")
    True
    >>> parse_date("2017-02-30")
    Traceback (most recent call last):
    ...
    graph_model.dates.DateFormatError: 2017-02-30 is not a day of the calendar
    """
    text = str(text).strip()
    for pattern, kind in _PATTERNS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        if kind == "day":
            _check_day(text, int(match[1]), int(match[2]), int(match[3]))
            return PartialDate(text, text, XSD.date, DatePrecision.DAY, int(match[1]), int(match[2]), int(match[3]))
        if kind == "month":
            if not 1 <= int(match[2]) <= 12:
                raise DateFormatError(f"{text} has no month {match[2]}")
            return PartialDate(text, text, XSD.gYearMonth, DatePrecision.MONTH, int(match[1]), int(match[2]))
        if kind == "year":
            return PartialDate(text, text, XSD.gYear, DatePrecision.YEAR, int(match[1]))
        if kind == "part":
            precision = DatePrecision(f"{match[1]} year")
            return PartialDate(text, match[2], XSD.gYear, precision, int(match[2]))
        _check_day(text, 2000, int(match[1]), int(match[2]))  # 2000 is a leap year: allows --02-29
        return PartialDate(text, text, XSD.gMonthDay, DatePrecision.MONTH_DAY, None, int(match[1]), int(match[2]))
    raise DateFormatError(f"{show_value(text)} is not a date in an accepted form")


def _check_day(text: str, year: int, month: int, day: int) -> None:
    try:
        datetime.date(year, month, day)
    except ValueError as exc:
        raise DateFormatError(f"{text} is not a day of the calendar") from exc
