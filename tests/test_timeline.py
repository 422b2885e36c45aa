"""The timeline and the evidence card, in Chromium, and the disputed marker against conflicts.rq.

The browser helpers (Opened, open_page, the violation recorder) are tests/test_browser.py's.
"""

from __future__ import annotations

import datetime
import random

import pytest

from graph_model.page_data import graph_payload
from graph_model.page_evidence import date_span, dispute_notes
from graph_model.queries import run_named_query
from graph_model.render import render_html

from .conftest import synthetic_graph
from .test_browser import browser, open_page  # noqa: F401  (fixtures)

HELSINKI = "helsinki-2"


@pytest.fixture
def seed_page(open_page, seed_graph):  # noqa: F811
    page = open_page(render_html(seed_graph))
    page.wait_for("graphView.timeline.state.drawn")
    return page


def helsinki_statements(seed_graph):
    return [s for u, v, d in seed_graph.edges(data=True) if HELSINKI in (u, v) for s in d["statements"]]


def select(page, entity):
    page.js("id => graphView.select(id)", entity)
    page.wait_for("id => graphView.timeline.state.subject && graphView.timeline.state.subject.node === id", entity)


def test_helsinki_2_statements_by_speaker_with_late_2016_as_a_bar_and_undated_apart(seed_page, seed_graph):
    statements = helsinki_statements(seed_graph)
    select(seed_page, HELSINKI)
    rows = seed_page.js("""graphView.timeline.state.rows.map(r => ({label: r.label, group: r.group, lane: !!r.lane,
        quotes: r.items.flatMap(i => i.members ? i.members.map(m => m.s.quote) : [i.s.quote])}))""")
    # every statement once; the lanes are the speakers of the dated ones, then the special lanes
    assert sorted(q for r in rows for q in r["quotes"]) == sorted(s["quote"] for s in statements)
    timed_groups = {r["group"] for r in rows if not r["lane"]}
    assert timed_groups == {s["speaker"] or "speaker not given" for s in statements
                            if date_span(s["date"], s["precision"])}
    undated = sorted(s["quote"] for s in statements if not s["date"])
    assert undated and sorted(q for r in rows if r["group"] == "Date not given" for q in r["quotes"]) == undated

    # "late 2016" spans September to December 2016 on the axis, drawn as a bar
    late = [s for s in statements if s["date"] == "late 2016"]
    assert late
    box = seed_page.js("""quote => {
        const t = graphView.timeline.state, item = t.items.find(i => i.s && i.s.quote === quote);
        t.current = null;
        document.getElementById('tl-scroll').scrollTop = item.row * 20;
        graphView.timeline.render();
        const node = document.querySelector('#tl-svg [data-pos="' + item.pos + '"]');
        return {tag: node.tagName, x: +node.getAttribute('x'), width: +node.getAttribute('width'),
                x0: t.scale.x(Date.UTC(2016, 8, 1)), x1: t.scale.x(Date.UTC(2017, 0, 1)),
                year0: t.scale.x(Date.UTC(2016, 0, 1))};
    }""", late[0]["quote"])
    assert box["tag"] == "rect"
    assert box["x"] == pytest.approx(box["x0"], abs=0.01) and box["x"] + box["width"] == pytest.approx(box["x1"], abs=0.01)
    assert box["x"] > box["year0"] + 0.6 * (box["x1"] - box["year0"])  # the last third, not the whole year
    assert seed_page.requests == [seed_page.url] and seed_page.violations() == [] and seed_page.errors == []


def test_clicking_a_statement_opens_its_evidence_card_and_selects_its_edge(seed_page, seed_graph):
    select(seed_page, HELSINKI)
    seed_page.js("document.getElementById('tl-scroll').scrollTop = 0")
    seed_page.page.click("#tl-svg .tl-mark >> nth=0")
    seed_page.wait_for("!!document.querySelector('#details-body .evidence-card')")
    item = seed_page.js("""(() => { const i = graphView.timeline.state.current;
        return {edge: i.e.id, quote: i.s.quote, file: i.s.file, line: i.s.line}; })()""")
    statement = next(s for s in helsinki_statements(seed_graph) if s["quote"] == item["quote"])
    card = seed_page.js("document.querySelector('#details-body .evidence-card').textContent")
    assert f"Curated at{statement['file']}:{statement['line']}" in card
    assert statement["file"].startswith("mapping/") and statement["line"] > 0
    assert seed_page.js("document.querySelector('.evidence-quote mark').textContent") == statement["quote"]
    assert seed_page.js("graphView.network.getSelectedEdges()") == [item["edge"]]
    # and the card's link opens the article with the quote marked
    seed_page.page.click("#details-body button.read-article")
    seed_page.wait_for("!!document.querySelector('#details-body .article-text mark')")
    assert seed_page.js("document.querySelector('.article-text mark').textContent") == statement["quote"]
    assert seed_page.requests == [seed_page.url] and seed_page.violations() == []


def test_a_statement_chosen_in_the_details_panel_is_current_on_the_timeline(seed_page):
    select(seed_page, HELSINKI)
    seed_page.page.click("#details-body button.evidence-open >> nth=0")
    current = seed_page.wait_for("graphView.timeline.state.current && graphView.timeline.state.current.e.id")
    assert seed_page.js("graphView.network.getSelectedEdges()") == [current]
    assert seed_page.js("document.querySelectorAll('#tl-svg .tl-current').length") == 1


def test_the_graphs_filters_apply_to_the_timeline(seed_page, seed_graph):
    select(seed_page, HELSINKI)
    articles = sorted({s["article"] for s in helsinki_statements(seed_graph)})
    before = seed_page.js("graphView.timeline.state.statements.map(i => i.s.article)")
    assert articles[0] in before
    seed_page.page.click(f"#filter-articles input[data-key='{articles[0]}']")
    after = seed_page.js("graphView.timeline.state.statements.map(i => i.s.article)")
    assert after and articles[0] not in after and len(after) == len(before) - before.count(articles[0])
    # a relation filter hides the statements of the relations it hides
    predicate = seed_page.js("graphView.timeline.state.statements[0].e.predicate")
    seed_page.page.click(f"#filter-predicates input[data-key='{predicate}']")
    assert predicate not in seed_page.js("graphView.timeline.state.statements.map(i => i.e.predicate)")


def test_the_timeline_works_with_the_keyboard(seed_page):
    select(seed_page, HELSINKI)
    seed_page.page.focus("#tl-svg [data-pos='0']")
    seed_page.page.keyboard.press("ArrowRight")
    assert seed_page.js("document.activeElement.getAttribute('data-pos')") == "1"
    seed_page.page.keyboard.press("ArrowLeft")
    assert seed_page.js("document.activeElement.getAttribute('data-pos')") == "0"
    seed_page.page.keyboard.press("Enter")
    seed_page.wait_for("!!document.querySelector('#details-body .evidence-card')")


def test_same_day_statements_of_a_speaker_are_one_mark_with_their_count_that_lists_them(seed_page, seed_graph):
    select(seed_page, HELSINKI)
    counts = {}
    for s in helsinki_statements(seed_graph):
        if s["date"] == "2017-07-05" and s["precision"] == "day":
            counts[s["speaker"]] = counts.get(s["speaker"], 0) + 1
    speaker, count = max(counts.items(), key=lambda kv: kv[1])
    assert count >= 10  # the column of points this replaces
    group = seed_page.js("""speaker => {
        const t = graphView.timeline.state, day = Date.UTC(2017, 6, 5);
        const marks = t.items.filter(i => (i.members ? i.lane : i.s.speaker) === speaker && i.t0 === day);
        document.getElementById('tl-scroll').scrollTop = marks[0].row * 20;
        graphView.timeline.render();
        return {marks: marks.length, pos: marks[0].pos, members: marks[0].members ? marks[0].members.length : 0};
    }""", speaker)
    assert group["marks"] == 1 and group["members"] == count
    mark = f"#tl-svg .tl-group[data-pos='{group['pos']}']"
    assert seed_page.page.text_content(f"{mark} .tl-count") == str(count)
    assert seed_page.page.get_attribute(mark, "aria-expanded") == "false"

    # by keyboard: Enter on the mark lists the statements, focus on the first; Enter on one opens its card
    seed_page.page.focus(mark)
    seed_page.page.keyboard.press("Enter")
    assert seed_page.js("document.querySelectorAll('.tl-list button').length") == count
    assert seed_page.page.get_attribute(mark, "aria-expanded") == "true"
    seed_page.page.keyboard.press("ArrowDown")
    quote = seed_page.js("document.activeElement.textContent")
    seed_page.page.keyboard.press("Enter")
    seed_page.wait_for("!!document.querySelector('#details-body .evidence-card')")
    card_quote = seed_page.js("document.querySelector('.evidence-quote mark').textContent")
    assert quote.endswith(f"“{card_quote}”") and seed_page.js("graphView.timeline.state.current.s.quote") == card_quote
    assert seed_page.js("document.querySelectorAll('#tl-svg .tl-current').length") == 1
    seed_page.page.keyboard.press("Escape")
    assert seed_page.js("document.querySelectorAll('.tl-list').length") == 0
    assert seed_page.js("document.activeElement.getAttribute('data-pos')") == str(group["pos"])

    # by mouse: a click on the mark opens the list, a click on a statement its card
    seed_page.js("document.getElementById('details-body').textContent = ''")
    seed_page.page.click(mark)
    seed_page.page.click(".tl-list button >> nth=2")
    seed_page.wait_for("!!document.querySelector('#details-body .evidence-card')")
    third = seed_page.js("document.querySelectorAll('.tl-list button')[2].textContent")
    assert third.endswith("“" + seed_page.js("document.querySelector('.evidence-quote mark').textContent") + "”")
    assert seed_page.requests == [seed_page.url] and seed_page.violations() == [] and seed_page.errors == []


# ---- disputed ---------------------------------------------------------------------------------


def test_disputed_statements_are_exactly_those_conflicts_rq_pairs(seed_graph, seed_store):
    rows = run_named_query(seed_store, "conflicts", {}).records()
    assert rows
    from_query = {(r["article"], r["quote"]) for r in rows} | {(r["otherArticle"], r["otherQuote"]) for r in rows}
    payload = graph_payload(seed_graph)
    flagged = {(s["article"], s["quote"]) for e in payload["edges"] for s in e["statements"] if s.get("disputes")}
    assert flagged == from_query
    assert all(bool(e.get("disputed")) == any("disputes" in s for s in e["statements"]) for e in payload["edges"])
    assert dispute_notes(seed_graph)


def test_disputed_edges_are_dashed_and_the_card_says_why(seed_page):
    edge = seed_page.js("graphView.data.edges.find(e => e.disputed).id")
    assert seed_page.js("id => graphView.allEdges.get(id).dashes.length", edge) == 2
    assert "Disputed" in seed_page.js("document.getElementById('legend').textContent")
    seed_page.js("""id => { const e = graphView.data.edges.find(x => x.id === id);
                            graphView.chooseStatement(id, e.statements.find(s => s.disputes)); }""", edge)
    assert "Disputed." in seed_page.js("document.querySelector('.disputed-note').textContent")


# ---- hostile text and timing ------------------------------------------------------------------


def dated_graph(statements: int, *, seed: int = 5):
    """A synthetic graph whose relations carry ``statements`` statements at every precision."""
    rng = random.Random(seed)
    graph = synthetic_graph(max(20, statements // 6), per_node=2.0, seed=seed)
    graph.graph["articles"] = {f"a{i}": {"label": f"Article {i}", "text": "x" * 400} for i in range(12)}
    edges = list(graph.edges(keys=True, data=True))
    forms = [lambda d: (d.isoformat(), "day"), lambda d: (d.isoformat()[:7], "month"), lambda d: (str(d.year), "year"),
             lambda d: (f"late {d.year}", "late year"), lambda d: (d.isoformat()[4:], "day, year unknown"),
             lambda d: (None, None)]
    for n in range(statements):
        _, _, _, data = edges[n % len(edges)]
        day = datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(12000))
        date, precision = rng.choice(forms)(day)
        data["statements"].append({"quote": f"quote {n} <b>x</b>", "article": f"a{n % 12}", "start": 0, "end": 10,
                                   "speaker": f"Speaker {n % 40}", "date": date, "precision": precision,
                                   "role": None, "modality": "asserted", "file": "mapping/x.yaml", "line": n + 1})
    return graph


@pytest.mark.parametrize("statements", [200, 5000])
def test_time_to_first_draw_of_the_timeline(open_page, statements, record_property):  # noqa: F811
    page = open_page(render_html(dated_graph(statements)))
    page.wait_for("graphView.timeline.state.drawn")
    state = page.js("""(() => { const t = graphView.timeline.state;
        return {items: t.statements.length, first: t.firstDrawMs, marks: t.drawnMarks}; })()""")
    assert state["items"] == statements
    assert state["marks"] < statements  # only the rows in view are in the DOM
    scroll = page.js("""(() => { const s = document.getElementById('tl-scroll'); s.scrollTop = s.scrollHeight / 2;
        const t0 = performance.now(); s.dispatchEvent(new Event('scroll'));
        return new Promise(r => requestAnimationFrame(() => r(graphView.timeline.state.lastDrawMs))); })()""")
    record_property("timeline_first_draw_ms", state["first"])
    print(f"\n{statements} statements: first draw {state['first']:.1f} ms, redraw on scroll {scroll:.1f} ms")
    assert state["first"] < 1500 and scroll < 200
    assert page.violations() == [] and page.requests == [page.url] and page.errors == []
    assert page.js("document.querySelectorAll('#tl-svg b').length") == 0  # quotes are text, never markup
