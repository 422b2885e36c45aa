"""A statement's date in the forms other tools take, at the precision the article gives it.

Every export goes through here, so none of them invents a day or a month: a year stays a year
(``late 2016`` is the year 2016; the words go to the display text), and a day whose year the
article does not give (``--05-17``) has no place on a time axis at all.
"""

from __future__ import annotations

import calendar
import datetime

from .dates import DatePrecision
from .vocabulary import stored_member

_YEAR_ONLY = (DatePrecision.YEAR, DatePrecision.EARLY_YEAR, DatePrecision.MID_YEAR, DatePrecision.LATE_YEAR)


def precision_of(iri: str | None) -> DatePrecision | None:
    """The precision a stored ``kg:datePrecision`` IRI names (None for none)."""
    return stored_member(DatePrecision, iri) if iri else None


def date_parts(lexical: str, precision: DatePrecision) -> tuple[int, ...] | None:
    """(year,), (year, month) or (year, month, day): what the article gives, or None without a year.

    >>> date_parts("2016", DatePrecision.LATE_YEAR)
    (2016,)
    >>> date_parts("2017-07", DatePrecision.MONTH)
    (2017, 7)
    >>> date_parts("--05-17", DatePrecision.MONTH_DAY) is None
    True
    """
    if precision is DatePrecision.DAY:
        year, month, day = lexical.split("-")
        return int(year), int(month), int(day)
    if precision is DatePrecision.MONTH:
        year, month = lexical.split("-")
        return int(year), int(month)
    if precision in _YEAR_ONLY:
        return (int(lexical),)
    return None


def iso_prefix(lexical: str, precision: DatePrecision) -> str | None:
    """The date as an ISO 8601 prefix at its precision (FollowTheMoney's date form), or None.

    >>> iso_prefix("2016", DatePrecision.LATE_YEAR), iso_prefix("2017-07-05", DatePrecision.DAY)
    ('2016', '2017-07-05')
    """
    parts = date_parts(lexical, precision)
    if parts is None:
        return None
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])])


def date_span(lexical: str, precision: DatePrecision) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day the date may mean (a whole year for a year, a whole month for a
    month), or None when it has no year. "late 2016" spans all of 2016: how late is the
    article's word, not a month we could name.

    >>> date_span("2017-02", DatePrecision.MONTH)
    (datetime.date(2017, 2, 1), datetime.date(2017, 2, 28))
    >>> date_span("2016", DatePrecision.LATE_YEAR)
    (datetime.date(2016, 1, 1), datetime.date(2016, 12, 31))
    """
    parts = date_parts(lexical, precision)
    if parts is None or parts[0] < datetime.MINYEAR:  # year 0000 (1 BCE) has no Python date
        return None
    if len(parts) == 3:
        day = datetime.date(*parts)
        return day, day
    if len(parts) == 2:
        year, month = parts
        return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
    return datetime.date(parts[0], 1, 1), datetime.date(parts[0], 12, 31)
