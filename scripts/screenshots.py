"""Screenshots of the page for the README, taken from the real page in the tests' Chromium.

    .venv/bin/python scripts/screenshots.py      # writes docs/timeline.png and docs/evidence-card.png

Builds the seeds, renders the page, selects the new Helsinki process, and photographs the
timeline and the evidence card of its "late 2016" statement (element screenshots, so they stay small).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from graph_model.build import build_nquads  # noqa: E402
from graph_model.project import project_graph  # noqa: E402
from graph_model.render import render_html  # noqa: E402
from graph_model.store import GraphStore  # noqa: E402
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def main() -> None:
    _, _, nquads = build_nquads(ROOT / "seeds")
    store = GraphStore.in_memory()
    store.load_nquads(nquads)
    store.load_ontology()
    html = render_html(project_graph(store), title="Helsinki-2 in the news")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        page_path = Path(tmp) / "graph.html"
        page_path.write_text(html, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(page_path.as_uri())
        page.wait_for_timeout(1500)
        page.evaluate("graphView.select('helsinki-2')")
        page.wait_for_timeout(600)
        page.locator("#timeline").screenshot(path=str(ROOT / "docs" / "timeline.png"))
        page.evaluate("""(() => { const t = graphView.timeline.state;
            const item = t.items.find(i => i.s.date === 'late 2016') || t.items[0];
            graphView.chooseStatement(item.e.id, item.s); })()""")
        page.wait_for_timeout(300)
        page.locator("#details").screenshot(path=str(ROOT / "docs" / "evidence-card.png"))
        browser.close()


if __name__ == "__main__":
    main()
