"""TimelineJS: one slide per dated statement, in TimelineJS's JSON format
(https://timeline.knightlab.com/docs/json-format.html).

A slide's ``start_date`` holds what the article gives and nothing more: a year, a year and a
month, or a day. "late 2016" is the year 2016 with "late 2016" as its ``display_date``. A
statement without a date, or with a day whose year the article does not give, has no place
on a time axis: it is left out, and the title slide says how many were.

TimelineJS renders ``headline`` and ``text`` as HTML, so every quote, label and role is
HTML-escaped, and ``autolink`` is off: a URL inside a quote stays text.
"""

from __future__ import annotations

import hashlib
from html import escape

from .dates import DatePrecision
from .export import json_text, read_records
from .export_dates import date_parts, precision_of

_PART_OF_YEAR = (DatePrecision.EARLY_YEAR, DatePrecision.MID_YEAR, DatePrecision.LATE_YEAR)


def timeline_date(lexical: str, precision: DatePrecision, text: str) -> dict | None:
    """A TimelineJS date object at the date's precision, or None when it has no year.

    >>> timeline_date("2016", DatePrecision.LATE_YEAR, "late 2016")
    {'year': 2016, 'display_date': 'late 2016'}
    >>> timeline_date("2017-07", DatePrecision.MONTH, "2017-07")
    {'year': 2017, 'month': 7}
    """
    parts = date_parts(lexical, precision)
    if parts is None:
        return None
    date = dict(zip(("year", "month", "day"), parts))
    if precision in _PART_OF_YEAR:
        date["display_date"] = text
    return date


def build_timeline(store) -> dict:
    """The TimelineJS document: a title slide and one event slide per dated statement."""
    articles = {row["id"]: row for row in read_records(store, "export-articles")}
    events, undated = [], 0
    for row in read_records(store, "export-statements"):
        precision = precision_of(row["precision"])
        date = timeline_date(row["date"], precision, row["dateText"]) if precision else None
        if date is None:
            undated += 1
            continue
        events.append(_event(row, date, articles[row["articleId"]]))
    events.sort(key=lambda e: (_sort_key(e["start_date"]), e["unique_id"]))
    return {"title": _title(len(events), undated, len(articles)), "events": events}


def _sort_key(date: dict) -> tuple[int, int, int]:
    return date["year"], date.get("month", 0), date.get("day", 0)


def _event(row: dict, date: dict, article: dict) -> dict:
    lines = [f"<blockquote>{escape(row['quote'])}</blockquote>"]
    said = ", ".join(escape(v) for v in (row["speakerLabel"], row["role"]) if v)
    if said:
        lines.append(f"<p>{'Said by ' if row['speakerLabel'] else 'Role: '}{said}</p>")
    source = f"<cite>{escape(article['title'] or article['label'])}</cite>"
    if article["url"] and article["url"].startswith(("https://", "http://")):  # never a javascript: link
        source = f"<a href=\"{escape(article['url'])}\">{source}</a>"
    if article["publisher"]:
        source += f", {escape(article['publisher'])}"
    lines.append(f"<p>{source}</p>")
    return {
        "start_date": date,
        "text": {"headline": escape(f"{row['subjectLabel']} {row['predicateLabel']} {row['objectLabel']}"),
                 "text": "".join(lines)},
        "group": escape(row["predicateLabel"]),
        "unique_id": "statement-" + hashlib.sha1(row["statement"].encode("utf-8")).hexdigest()[:20],
        "autolink": False,
    }


def _title(dated: int, undated: int, articles: int) -> dict:
    text = (f"<p>{dated} statement{'s' if dated != 1 else ''} from {articles} article{'s' if articles != 1 else ''}, "
            "each dated as precisely as its article dates it.</p>")
    if undated:
        text += (f"<p>{undated} statements are left out: their articles give no date for them, or a day without "
                 "its year.</p>" if undated != 1 else "<p>1 statement is left out: its article gives no date for it, "
                 "or a day without its year.</p>")
    return {"text": {"headline": "Statements over time", "text": text}, "autolink": False}


def write_timeline(store) -> bytes:
    """The TimelineJS JSON (UTF-8), byte-identical for the same store."""
    return (json_text(build_timeline(store), indent=1) + "\n").encode("utf-8")
