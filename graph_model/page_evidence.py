"""What the page says about each statement beyond its quote: where it lies in time, and whether
another statement disputes it.

:func:`date_span` gives the stretch of time a date covers at the precision the text gives it (the
timeline draws exactly that stretch, never a day picked inside it); :func:`dispute_notes` finds
the statements that conflict, by the three rules of the named query ``queries/conflicts.rq``
(applied here to the projected graph, so the page needs no store).
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict

from . import export_dates
from .dates import DateFormatError, DatePrecision, parse_date

#: The months each part of a year covers, first and last: early = January-April, mid =
#: May-August, late = September-December (a third of the year each, as the timeline draws them).
_PART_MONTHS = {DatePrecision.EARLY_YEAR: (1, 4), DatePrecision.MID_YEAR: (5, 8), DatePrecision.LATE_YEAR: (9, 12)}
_PARTS = frozenset(_PART_MONTHS)

#: conflicts.rq's "support and opposition": a relation of the first set and one of the second,
#: by the same actor about the same thing.
SUPPORTING = frozenset({"proposes", "supports", "promotes", "welcomes"})
OPPOSING = frozenset({"opposes", "criticises"})


def date_span(text: str | None, precision: str | None) -> list[str] | None:
    """The half-open stretch ``[start, end)`` of days that the date ``text`` covers, as ISO dates;
    None when it cannot be placed in time (no date, or a day whose year the text does not give).

    >>> date_span("2017-07-05", "day"), date_span("2016-02", "month")
    (['2017-07-05', '2017-07-06'], ['2016-02-01', '2016-03-01'])
    >>> date_span("late 2016", "late year"), date_span("1975", "year")
    (['2016-09-01', '2017-01-01'], ['1975-01-01', '1976-01-01'])
    >>> date_span("--05-17", "day, year unknown") is None, date_span(None, None) is None
    (True, True)
    """
    if not text:
        return None
    try:
        date = parse_date(text)
    except DateFormatError:
        return None  # shown as the text has it, in the undated lane: never at a guessed date
    span = export_dates.date_span(date.lexical, date.precision)  # the days; None without a year
    if span is None:
        return None
    first, last = span
    if date.precision in _PART_MONTHS:  # the page narrows a part of a year to its third
        first_month, last_month = _PART_MONTHS[date.precision]
        first = first.replace(month=first_month)
        last = last.replace(month=last_month, day=calendar.monthrange(date.year, last_month)[1])
    return [first.isoformat(), (last + datetime.timedelta(days=1)).isoformat()]


def statement_key(u, v, predicate, statement: dict) -> tuple:
    """The identity of a statement in the projected graph (its IRI when the graph has one)."""
    return (str(u), str(v), str(predicate), statement.get("statement"), statement.get("article"),
            statement.get("start"), statement.get("end"), statement.get("quote"))


def dispute_notes(graph) -> dict[tuple, list[str]]:
    """Every statement of ``graph`` that another one conflicts with, by :func:`statement_key`,
    with one sentence per conflict, in a fixed order; returns a dict.

    The rules are those of ``queries/conflicts.rq``: the same person's positions worded so that
    neither contains the other, in two articles; support and opposition of the same thing by the
    same actor; the same relation dated twice where neither date lies within the other.
    """
    articles = graph.graph.get("articles") or {}

    def where(s):
        article = articles.get(s.get("article")) or {}
        return str(article.get("label") or s.get("article") or "an unknown article")

    notes: dict[tuple, list[str]] = defaultdict(list)
    roles, stances = defaultdict(list), defaultdict(list)
    for u, v, key, data in graph.edges(keys=True, data=True):
        predicate = str(data.get("predicate") or key)
        label = str(data.get("label") or predicate)
        statements = [(statement_key(u, v, predicate, s), s) for s in data.get("statements") or []]
        if predicate == "holdsPosition":
            roles[u].extend((k, s) for k, s in statements if s.get("role"))
        if predicate in SUPPORTING or predicate in OPPOSING:
            stances[(u, v)].extend((k, s, predicate in SUPPORTING, label) for k, s in statements)
        for i, (k1, s1) in enumerate(statements):
            for k2, s2 in statements[i + 1:]:
                if s1.get("date") and s2.get("date") and s1["date"] != s2["date"] and \
                        not dates_agree(s1["date"], s1.get("precision"), s2["date"], s2.get("precision")):
                    notes[k1].append(f"Dated “{s2['date']}” in {where(s2)}.")
                    notes[k2].append(f"Dated “{s1['date']}” in {where(s1)}.")
    for held in roles.values():
        for i, (k1, s1) in enumerate(held):
            for k2, s2 in held[i + 1:]:
                r1, r2 = s1["role"].lower(), s2["role"].lower()
                if s1.get("article") != s2.get("article") and r1 not in r2 and r2 not in r1:
                    notes[k1].append(f"Position given as “{s2['role']}” in {where(s2)}.")
                    notes[k2].append(f"Position given as “{s1['role']}” in {where(s1)}.")
    for said in stances.values():
        for k1, s1, for1, label1 in said:
            for k2, s2, for2, label2 in said:
                if for1 and not for2:
                    notes[k1].append(f"Also said to {_verb(label2)} it, in {where(s2)}.")
                    notes[k2].append(f"Also said to {_verb(label1)} it, in {where(s1)}.")
    return {k: sorted(set(v)) for k, v in notes.items()}


def _verb(label: str) -> str:
    # "opposes" -> "oppose", "criticises" -> "criticise": the note reads "Also said to oppose it"
    return label[:-1] if label.endswith("s") else label


def dates_agree(text1: str, precision1, text2: str, precision2) -> bool:
    """Whether two dates of the same relation agree, by conflicts.rq's rule: one lies within the
    other, or a day without a year matches the other's month and day as far as it gives them.

    >>> dates_agree("2017", "year", "2017-07-05", "day"), dates_agree("late 2016", "late year", "2017", "year")
    (True, False)
    >>> dates_agree("late 2016", "late year", "2016", "year"), dates_agree("early 2016", "early year", "late 2016", "late year")
    (True, False)
    >>> dates_agree("--05-17", "day, year unknown", "2017-05-17", "day")
    True
    """
    try:
        d1, d2 = parse_date(text1), parse_date(text2)
    except DateFormatError:
        return True  # a date the page cannot read is not called a conflict
    k1, k2 = d1.lexical, d2.lexical
    no_year1, no_year2 = d1.precision == DatePrecision.MONTH_DAY, d2.precision == DatePrecision.MONTH_DAY
    both_parts = d1.precision in _PARTS and d2.precision in _PARTS
    if not no_year1 and not no_year2:
        return not both_parts and (k1.startswith(k2) or k2.startswith(k1))
    if no_year1 and not no_year2:
        return k1[2:].startswith(k2[5:])
    if no_year2 and not no_year1:
        return k2[2:].startswith(k1[5:])
    return False
