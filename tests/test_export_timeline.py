"""TimelineJS export: checked against a JSON Schema written from TimelineJS's documented format,
and its HTML read by an HTML parser."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from graph_model.dates import DatePrecision
from graph_model.export import export_bytes

from .conftest import write_seeds
from .test_export_ftm import HOSTILE_ARTICLE, HOSTILE_ENTITIES, HOSTILE_MAPPING, HOSTILE_QUOTE, HOSTILE_URL, store_of

SCHEMA = json.loads((Path(__file__).parent / "timelinejs.schema.json").read_text(encoding="utf-8"))
FIELDS = {DatePrecision.DAY: ("day", "month", "year"), DatePrecision.MONTH: ("month", "year"),
          DatePrecision.YEAR: ("year",), DatePrecision.EARLY_YEAR: ("display_date", "year"),
          DatePrecision.MID_YEAR: ("display_date", "year"), DatePrecision.LATE_YEAR: ("display_date", "year")}


def read_timeline(data: bytes) -> dict:
    """The document, after TimelineJS's documented format accepts it; raises if it does not."""
    document = json.loads(data)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    for event in document["events"]:
        date = event["start_date"]
        if "day" in date:  # the schema bounds a day by 31; the calendar decides
            datetime.date(date["year"], date["month"], date["day"])
    ids = [e["unique_id"] for e in document["events"]]
    assert len(set(ids)) == len(ids), "unique_id must be unique"
    return document


class _Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text: str) -> _Html:
    parser = _Html()
    parser.feed(text)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    return store_of(write_seeds(root / "seeds", article=HOSTILE_ARTICLE, entities=HOSTILE_ENTITIES,
                                mapping=HOSTILE_MAPPING))


def test_seed_timeline_is_valid_timelinejs(seed_store):
    document = read_timeline(export_bytes(seed_store, "timelinejs"))
    assert len(document["events"]) > 20 and "start_date" not in document["title"]


def test_one_event_per_dated_statement_at_its_precision(seed_store, seed_graph):
    document = read_timeline(export_bytes(seed_store, "timelinejs"))
    statements = [s for _, _, d in seed_graph.edges(data=True) for s in d["statements"]]
    expected = Counter((s["quote"], FIELDS[DatePrecision(s["precision"])]) for s in statements
                       if s["precision"] and DatePrecision(s["precision"]) in FIELDS)
    got = Counter()
    for event in document["events"]:
        quote = "".join(parse_html(event["text"]["text"].split("</blockquote>")[0]).text)
        got[quote, tuple(sorted(event["start_date"]))] += 1
    assert got == expected
    undated = len(statements) - sum(expected.values())
    assert undated > 0
    assert f"{undated} statements are left out" in document["title"]["text"]["text"]


def test_a_year_stays_a_year(seed_store):
    document = read_timeline(export_bytes(seed_store, "timelinejs"))
    late = [e for e in document["events"] if "In late 2016 I suggested" in e["text"]["text"]]
    assert [e["start_date"] for e in late] == [{"year": 2016, "display_date": "late 2016"}]
    text = late[0]["text"]["text"]
    assert "Alexander Lukashenko" in text and "Belarusian leader" in text  # speaker and role
    assert "Lukashenko suggests launching discussion on new Helsinki Process in OSCE" in text  # the article
    days = [e["start_date"] for e in document["events"] if "day" in e["start_date"]]
    assert {"year": 2017, "month": 7, "day": 5} in days
    years = [e["start_date"]["year"] for e in document["events"]]
    assert years == sorted(years)


def test_untrusted_text_is_escaped_html(hostile_store):
    document = read_timeline(export_bytes(hostile_store, "timelinejs"))
    events = {e["start_date"].get("day"): e for e in document["events"]}
    assert sorted(events, key=str) == [5, None]  # 2017-07-05 and 2017-02; "--05-17" has no year
    assert events[None]["start_date"] == {"year": 2017, "month": 2}
    for event in document["events"]:
        for html in (event["text"]["headline"], event["text"]["text"]):
            assert {tag for tag, _ in parse_html(html).tags} <= {"blockquote", "p", "cite", "a"}, html
        # the article's title links to the address it was read at, and to nothing else
        assert [attrs for tag, attrs in parse_html(event["text"]["text"]).tags if tag == "a"] == [[("href", HOSTILE_URL)]]
        assert event["autolink"] is False
    said = events[5]["text"]
    assert "".join(parse_html(said["text"]).text).startswith(HOSTILE_QUOTE)
    assert "President </p><script>" in unescape(said["text"])
    assert unescape(events[None]["text"]["headline"]).endswith("OSCE <img src=x onerror=alert(1)>")
    assert "1 statement is left out" in document["title"]["text"]["text"]


def test_same_store_gives_the_same_bytes(seed_store):
    assert export_bytes(seed_store, "timelinejs") == export_bytes(seed_store, "timelinejs")
