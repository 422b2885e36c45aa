"""Benchmark: graph_model.render against plain pyvis, on synthetic graphs.

For each size (default 500, 2,000 and 10,000 entities, ~4.5 relations per entity, random types
and predicates from a fixed seed) this renders the graph twice, measured in the same run:

* ours: ``render_html(graph, max_nodes=<size>)`` (so every node is drawn, no reduction);
* pyvis defaults: ``Network(directed=True)``, ``from_nx``, physics in the browser. One change:
  ``cdn_resources="in_line"``, because the default ("local") loads vis-network itself from
  cdnjs, which an offline browser cannot reach. pyvis's template still asks for Bootstrap from
  jsDelivr; the bench aborts those requests (and reports how many there were).

It reports the Python render time, the HTML size, and, in headless Chromium, the time until the
first draw (vis-network's first ``afterDrawing`` with any node in it, measured from navigation
start), the time until the complete draw (the first ``afterDrawing`` with as many nodes and edges
as the page ends up with: pages that load in slices paint their nodes first), the
longest main-thread block (``PerformanceObserver`` long tasks), and the renderer's JS heap
(CDP ``Performance.getMetrics``). Pages not drawn within the cap are reported as such.

Run from the repository root::

    .venv/bin/python bench/render_bench.py                 # all sizes, about 5-8 minutes
    .venv/bin/python bench/render_bench.py --sizes 500 2000 --cap 60
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
TYPES = ["Person", "State", "Organisation", "Initiative", "Event", "Place", "Topic", "Document"]
PREDICATES = ["supports", "opposes", "proposes", "involves", "addresses", "concerns", "discusses",
              "promotes", "partOf", "heldIn", "meetsWith", "criticises"]

# Runs in every page before its own scripts: records long tasks and the time vis-network first
# finishes drawing. It patches Network.prototype.emit as soon as vis-network has loaded (a
# mutation-observer callback runs before the parser executes the next script), so the first
# "afterDrawing" is caught however early the page's own code triggers it.
PROBE = """
window.__bench = {longest: 0, longtasks: 0, firstDraw: null, draws: []};
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      window.__bench.longtasks += 1;
      window.__bench.longest = Math.max(window.__bench.longest, e.duration);
    });
  }).observe({type: "longtask", buffered: true});
} catch (e) {}
(function () {
  var patched = false;
  function patch() {
    if (patched || !window.vis || !window.vis.Network) return;
    patched = true;
    var emit = window.vis.Network.prototype.emit;
    window.vis.Network.prototype.emit = function (name) {
      if (name === "afterDrawing" && this.body && this.body.nodeIndices.length) {
        var now = performance.now();
        if (window.__bench.firstDraw === null) window.__bench.firstDraw = now;
        // every draw's item counts: the first one with the final counts is the complete draw
        var last = window.__bench.draws[window.__bench.draws.length - 1];
        var nodes = this.body.nodeIndices.length, edges = this.body.edgeIndices.length;
        if (!last || last[1] !== nodes || last[2] !== edges) window.__bench.draws.push([now, nodes, edges]);
      }
      return emit.apply(this, arguments);
    };
  }
  new MutationObserver(patch).observe(document, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", patch);
})();
"""


def synthetic_graph(n: int, *, seed: int = 7, per_node: float = 4.5):
    """A random MultiDiGraph shaped like project_graph's output; returns it."""
    import networkx as nx

    rng = random.Random(seed)
    graph = nx.MultiDiGraph(articles={})
    names = [f"n{i:05d}" for i in range(n)]
    for i, name in enumerate(names):
        graph.add_node(name, label=f"Entity {i}", type=rng.choice(TYPES), aliases=[], description="")
    wanted, made = int(n * per_node), 0
    while made < wanted:
        u, v, p = rng.choice(names), rng.choice(names), rng.choice(PREDICATES)
        if u == v or graph.has_edge(u, v, key=p):
            continue
        graph.add_edge(u, v, key=p, predicate=p, label=p, statements=[], sources=rng.choice([1, 1, 1, 2, 3]))
        made += 1
    return graph


def render_ours(graph) -> tuple[str, float]:
    """Our page for ``graph`` and the seconds it took."""
    from graph_model.render import render_html

    start = time.perf_counter()
    html = render_html(graph, max_nodes=graph.number_of_nodes())
    return html, time.perf_counter() - start


def render_pyvis(graph) -> tuple[str, float]:
    """pyvis's page for ``graph`` (defaults but inline vis) and the seconds it took."""
    from pyvis.network import Network

    start = time.perf_counter()
    net = Network(directed=True, cdn_resources="in_line")
    net.from_nx(graph)
    html = net.generate_html()
    return html, time.perf_counter() - start


async def measure_page(browser, path: Path, cap: float) -> dict:
    """Load ``path`` in a fresh page; returns first draw (ms or None), longest task (ms),
    JS heap (MB or None) and the number of blocked outside requests."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    outside = []

    async def block(route):
        outside.append(route.request.url)
        await route.abort()

    await page.route(lambda url: not url.startswith("file:"), block)
    await page.add_init_script(PROBE)
    cdp = await context.new_cdp_session(page)
    await cdp.send("Performance.enable")
    result = {"draw_ms": None, "complete_ms": None, "longest_ms": None, "heap_mb": None, "outside": 0, "blocked": False}
    try:
        await page.goto(path.as_uri(), wait_until="commit", timeout=cap * 1000)
        await asyncio.wait_for(_until_drawn(page), cap)
        await asyncio.wait_for(_until_settled(page), cap)
        await asyncio.sleep(1.0)  # let a trailing long task (if any) be reported
        probe = await asyncio.wait_for(page.evaluate(
            "({draw: window.__bench.firstDraw, longest: window.__bench.longest, draws: window.__bench.draws})"), 30)
        result["draw_ms"], result["longest_ms"] = probe["draw"], probe["longest"]
        final = probe["draws"][-1]
        result["complete_ms"] = next(t for t, n, e in probe["draws"] if n == final[1] and e == final[2])
        metrics = await asyncio.wait_for(cdp.send("Performance.getMetrics"), 30)
        heap = {m["name"]: m["value"] for m in metrics["metrics"]}.get("JSHeapUsedSize")
        result["heap_mb"] = heap / 1e6 if heap else None
    except Exception as error:  # not drawn within the cap (or the page is stuck in one long task)
        first_line = (str(error).splitlines() or [""])[0]
        result["error"] = f"{type(error).__name__}: {first_line[:200]}"
        try:
            probe = await asyncio.wait_for(page.evaluate("window.__bench.longest"), 10)
            result["longest_ms"] = probe
        except Exception:
            result["blocked"] = True
    result["outside"] = len(outside)
    try:
        await asyncio.wait_for(context.close(), 60)
    except Exception:  # a renderer stuck in one long task may not answer; the browser goes on
        pass
    return result


async def _until_drawn(page) -> None:
    # polled with evaluate: Playwright's wait_for_function compiles its predicate with eval,
    # which our page's Content-Security-Policy forbids
    while await page.evaluate("window.__bench.firstDraw") is None:
        await asyncio.sleep(0.1)


async def _until_settled(page, quiet: float = 1.5) -> None:
    # the drawn counts stop changing for ``quiet`` seconds (a page loading in slices is done)
    seen, since = None, time.monotonic()
    while time.monotonic() - since < quiet:
        now = await page.evaluate("window.__bench.draws.length")
        if now != seen:
            seen, since = now, time.monotonic()
        await asyncio.sleep(0.1)


def _fmt_ms(value, *, cap: float, blocked: bool = False) -> str:
    if value is None:
        return f"not drawn in {cap:.0f} s"
    return f"{value / 1000:.2f} s"


def _row(n: int, edges: int, name: str, seconds: float, size: int, page: dict, cap: float) -> str:
    longest = page["longest_ms"]
    longest_text = ("main thread still blocked" if page["blocked"] else
                    "—" if longest is None else f"{longest / 1000:.2f} s")
    heap = "—" if page["heap_mb"] is None else f"{page['heap_mb']:.0f} MB"
    extra = f" ({page['outside']} CDN requests blocked)" if page["outside"] else ""
    return (f"| {n:,} / {edges:,} | {name}{extra} | {seconds:.2f} s | {size / 1e6:.1f} MB | "
            f"{_fmt_ms(page['draw_ms'], cap=cap)} | {_fmt_ms(page['complete_ms'], cap=cap)} | "
            f"{longest_text} | {heap} |")


async def run(sizes: list[int], cap: float, skip_pyvis: bool) -> list[str]:
    """Benchmark every size; returns the markdown table's lines."""
    from playwright.async_api import async_playwright

    from graph_model.render import render_html

    render_html(synthetic_graph(20))  # imports and template compilation are not what we measure
    lines = ["| entities / relations | renderer | Python render | HTML size | first draw in Chromium "
             "| complete draw | longest main-thread block | JS heap |",
             "|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for n in sizes:
                graph = synthetic_graph(n)
                edges = graph.number_of_edges()
                renderers = [("graph_model.render", render_ours)]
                if not skip_pyvis:
                    renderers.append(("pyvis defaults", render_pyvis))
                for name, render in renderers:
                    html, seconds = render(graph)
                    path = Path(tmp) / f"{name.split()[0]}-{n}.html"
                    path.write_text(html, encoding="utf-8")
                    page = await measure_page(browser, path, cap)
                    line = _row(n, edges, name, seconds, len(html.encode()), page, cap)
                    print(line, page.get("error", ""), file=sys.stderr, flush=True)
                    lines.append(line)
            await browser.close()
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    parser.add_argument("--cap", type=float, default=120.0, help="seconds to wait for a first draw")
    parser.add_argument("--skip-pyvis", action="store_true", help="measure only our renderer")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    lines = asyncio.run(run(args.sizes, args.cap, args.skip_pyvis))
    print("\n".join(lines))
    print(f"\n(total bench time {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
