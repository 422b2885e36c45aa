"""Benchmark the graph_model pipeline against raw pyoxigraph on synthetic corpora.

For each size (statements), in one run on the same generated data:

* build: ``graph_model.build.build(seeds, out, shapes=False, render=False)`` (what
  ``kg build --no-shapes --no-render`` runs) in a child process, against a raw
  ``pyoxigraph.Store(path).bulk_load()`` of the very N-Quads that build produced
  (``build_nquads(...)[2]``), also in a child process. Peak RSS of each child comes from
  ``os.wait4``. The build child times its stages by wrapping the functions ``graph_model.build``
  calls (read, validate, map+serialise, store), so one run gives both the total and where it goes;
* named queries ``entity-statements`` (on the entity in most statements) and ``proposers`` (on the
  most-proposed initiative) via ``graph_model.queries.run_named_query`` against the same SPARQL
  text with the parameter bound by a VALUES clause (``graph_model.sparql_text.bind_values``) run with
  ``pyoxigraph.Store.query(..., use_default_graph_as_union=True)``, rows materialised; median of
  up to ``--runs`` runs after one warm-up;
* export: ``graph_model.export.export_bytes(store, "nquads")`` against
  ``pyoxigraph.Store.dump(format=RdfFormat.N_QUADS)``, median of up to ``--export-runs``.

A measurement stops repeating once it has spent ``--budget`` seconds (the tables give the runs
made), which keeps the 100k size within a few minutes.

Usage::

    .venv/bin/python bench/pipeline_bench.py                       # 1k, 10k, 100k
    .venv/bin/python bench/pipeline_bench.py --sizes 1000,10000 --output /tmp/bench.md
    .venv/bin/python bench/pipeline_bench.py --sizes 10000 --profile   # + cProfile of the build

Work files (corpora, stores, N-Quads) go to ``--work-dir`` (default: a temporary directory,
removed at the end unless ``--keep``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
QUERIES_DIR = REPO / "queries"

GOALS = {"build": 4.0, "query": 1.2, "export": 1.5}


# ---------------------------------------------------------------- child processes

def _child_build(seeds: str, out: str, nquads_path: str, result_path: str, profile: str) -> None:
    """Run build() with stage timers; save the N-Quads it produced for the raw load."""
    import graph_model.build as gb

    timings: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
        return wrapper

    # build() looks these names up in graph_model.build at call time.
    gb.read_corpus = timed("read", gb.read_corpus)
    gb.validate_corpus = timed("validate", gb.validate_corpus)
    gb.serialize_nquads = timed("map_serialize", gb.serialize_nquads)  # consumes generate_quads()
    gb.GraphStore.load_nquads = timed("bulk_load", gb.GraphStore.load_nquads)
    gb.GraphStore.load_ontology = timed("load_ontology", gb.GraphStore.load_ontology)
    gb.GraphStore.flush = timed("flush", gb.GraphStore.flush)
    original_build_nquads = gb.build_nquads

    def build_nquads(*args, **kwargs):
        result = original_build_nquads(*args, **kwargs)
        start = time.perf_counter()
        Path(nquads_path).write_bytes(result[2])  # for the raw load; not counted in build time
        timings["save_nquads"] = time.perf_counter() - start
        return result

    gb.build_nquads = build_nquads
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    result = gb.build(seeds, out, shapes=False, render=False)
    total = time.perf_counter() - start
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    timings["build"] = total - timings.get("save_nquads", 0.0)
    Path(result_path).write_text(json.dumps({
        "timings": timings, "statements": result.statements, "quads": result.quads,
        "entities": result.entities, "articles": result.articles,
        "nquads_bytes": Path(nquads_path).stat().st_size}))


def _child_raw(nquads_path: str, store_path: str, result_path: str) -> None:
    """Raw pyoxigraph: bulk-load the N-Quads into a new on-disk store."""
    import pyoxigraph as ox

    data = Path(nquads_path).read_bytes()
    start = time.perf_counter()
    store = ox.Store(store_path)
    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    store.flush()
    elapsed = time.perf_counter() - start
    Path(result_path).write_text(json.dumps({"raw_load": elapsed, "quads": len(store)}))


def _run_child(*args: str) -> tuple[float, int]:
    """Run this script as a child with ``args``; returns (wall seconds, peak RSS bytes)."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "_child", *args])
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed with exit code {process.returncode}")
    return wall, usage.ru_maxrss * 1024  # Linux: kilobytes


# ---------------------------------------------------------------- measurements in this process

def _median_time(function, runs: int, budget: float, *, warmup: bool = True) -> tuple[float, object, int]:
    """(median seconds, last result, runs made): up to ``runs`` runs, fewer once ``budget`` seconds are spent."""
    result = function() if warmup else None  # warm-up: caches, lazy imports
    times: list[float] = []
    while len(times) < runs and sum(times) < budget:
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result, len(times)


def _top_entities(raw_store) -> tuple[str, int, str, int]:
    """(id, statements) of the entity in most statements and of the most-proposed initiative."""
    from urllib.parse import unquote

    from graph_model.vocabulary import entity_iri

    namespace = str(entity_iri(""))

    def entity_id_from_iri(iri: str) -> str:
        return unquote(iri[len(namespace):])

    prefixes = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
                  PREFIX kg: <https://newsgraph.example/ontology#>"""
    top = next(iter(raw_store.query(prefixes + """
        SELECT ?e (COUNT(*) AS ?n) WHERE { ?st a kg:Statement . { ?st rdf:subject ?e } UNION { ?st rdf:object ?e } }
        GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1""", use_default_graph_as_union=True)))
    initiative = next(iter(raw_store.query(prefixes + """
        SELECT ?e (COUNT(*) AS ?n) WHERE { ?st rdf:predicate kg:proposes ; rdf:object ?e . ?e a kg:Initiative }
        GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1""", use_default_graph_as_union=True)))
    return (entity_id_from_iri(top["e"].value), int(top["n"].value),
            entity_id_from_iri(initiative["e"].value), int(initiative["n"].value))


def _bench_queries(out_dir: Path, runs: int, budget: float) -> dict:
    import pyoxigraph as ox

    from graph_model.build import open_store
    from graph_model.queries import get_named_query, resolve_entity, run_named_query
    from graph_model.sparql_text import bind_values
    from graph_model.vocabulary import entity_iri

    store = open_store(out_dir)
    raw = store.ox
    entity, entity_n, initiative, initiative_n = _top_entities(raw)
    results = {}
    for name, param, value, degree in (("entity-statements", "entity", entity, entity_n),
                                       ("proposers", "initiative", initiative, initiative_n)):
        text = get_named_query(name, QUERIES_DIR).text
        bound = bind_values(text, {param: ox.NamedNode(str(entity_iri(value)))})

        def library():
            return run_named_query(store, name, {param: value}, queries_dir=QUERIES_DIR)

        def direct():
            return [tuple(solution) for solution in raw.query(bound, use_default_graph_as_union=True)]

        lib_time, lib_result, lib_runs = _median_time(library, runs, budget)
        raw_time, raw_rows, raw_runs = _median_time(direct, runs, budget)
        if len(lib_result.rows) != len(raw_rows):
            raise AssertionError(f"{name}: library gave {len(lib_result.rows)} rows, raw {len(raw_rows)}")
        # Where the library's extra time goes: the catalogue read and the entity-name lookup.
        catalogue_time, _, _ = _median_time(lambda: get_named_query(name, QUERIES_DIR), runs, budget)
        resolve_time, _, _ = _median_time(lambda: resolve_entity(store, value), runs, budget)
        results[name] = {"param": f"{param}={value}", "degree": degree, "rows": len(raw_rows),
                         "library": lib_time, "raw": raw_time, "catalogue": catalogue_time,
                         "resolve": resolve_time, "runs": f"{lib_runs}/{raw_runs}"}
    return results


def _bench_export(out_dir: Path, runs: int, budget: float) -> dict:
    import pyoxigraph as ox

    from graph_model.build import open_store
    from graph_model.export import export_bytes

    store = open_store(out_dir)
    # No warm-up: each run is a full pass over the store, and the query runs warmed it already.
    lib_time, lib_bytes, lib_runs = _median_time(lambda: export_bytes(store, "nquads"), runs, budget, warmup=False)
    raw_time, raw_bytes, raw_runs = _median_time(lambda: store.ox.dump(format=ox.RdfFormat.N_QUADS), runs, budget,
                                                 warmup=False)
    return {"library": lib_time, "raw": raw_time, "bytes": len(lib_bytes), "raw_bytes": len(raw_bytes),
            "runs": f"{lib_runs}/{raw_runs}"}


def bench_size(statements: int, work: Path, args) -> dict:
    sys.path.insert(0, str(BENCH_DIR))
    from synthetic_corpus import generate_corpus

    base = work / f"n{statements}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    seeds, out = base / "seeds", base / "out"
    start = time.perf_counter()
    counts = generate_corpus(seeds, statements, seed=args.seed, statements_per_article=args.per_article)
    generate_time = time.perf_counter() - start
    print(f"[{statements}] corpus: {counts['articles']} articles, {counts['entities']} entities "
          f"({generate_time:.1f} s)", file=sys.stderr, flush=True)

    nquads = base / "data.nq"
    profile = str(base / "build.prof") if args.profile else ""
    build_wall, build_rss = _run_child("build", str(seeds), str(out), str(nquads), str(base / "build.json"), profile)
    built = json.loads((base / "build.json").read_text())
    if built["statements"] != statements:
        raise AssertionError(f"built {built['statements']} statements, expected {statements}")
    print(f"[{statements}] build: {built['timings']['build']:.2f} s, {built['quads']} quads",
          file=sys.stderr, flush=True)
    raw_wall, raw_rss = _run_child("raw", str(nquads), str(base / "raw-store"), str(base / "raw.json"))
    raw = json.loads((base / "raw.json").read_text())
    print(f"[{statements}] raw bulk load: {raw['raw_load']:.2f} s", file=sys.stderr, flush=True)
    nquads.unlink()
    shutil.rmtree(base / "raw-store", ignore_errors=True)

    queries = _bench_queries(out, args.runs, args.budget)
    print(f"[{statements}] queries done", file=sys.stderr, flush=True)
    export = _bench_export(out, args.export_runs, args.budget)
    print(f"[{statements}] export done", file=sys.stderr, flush=True)
    result = {"statements": statements, "articles": counts["articles"], "entities": counts["entities"],
              "generate": generate_time, "build": built, "build_wall": build_wall, "build_rss": build_rss,
              "raw": raw, "raw_wall": raw_wall, "raw_rss": raw_rss, "queries": queries, "export": export}
    if args.profile:
        result["profile"] = _profile_summary(profile)
    return result


def _profile_summary(path: str, limit: int = 15) -> str:
    import io
    import pstats

    text = io.StringIO()
    stats = pstats.Stats(path, stream=text)
    stats.sort_stats("tottime").print_stats(limit)
    return text.getvalue()


# ---------------------------------------------------------------- report

def _goal(ratio: float, goal: float) -> str:
    return f"{ratio:.2f}x ({'met' if ratio <= goal else 'MISSED'}, goal <= {goal}x)"


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def report(results: list[dict], args, total: float, load: tuple[float, float], version: str) -> str:
    lines = [
        f"Measured {datetime.date.today().isoformat()} ({version}) on {os.cpu_count()} cores, "
        f"{_total_memory()}, Python {platform.python_version()}, pyoxigraph {_pyoxigraph_version()}; "
        f"seed {args.seed}, {args.per_article} statements per article; timings are medians of up to "
        f"{args.runs} query runs (after one warm-up) and {args.export_runs} export runs, fewer once "
        f"{args.budget:g} s are spent on one measurement (runs: library/raw); whole run {total / 60:.1f} min; "
        f"1-min load average {load[0]:.2f} before and {load[1]:.2f} after the run (other processes "
        f"on the machine compete for its cores).",
        "",
        "### Build: `build(seeds, out, shapes=False, render=False)` vs raw `Store(path).bulk_load(nquads)`",
        "",
        "| statements | articles | entities | quads | build | raw bulk load | build / raw | per statement | "
        "build peak RSS | raw peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in results:
        b = r["build"]
        build_s, raw_s = b["timings"]["build"], r["raw"]["raw_load"]
        lines.append(
            f"| {r['statements']:,} | {r['articles']:,} | {r['entities']:,} | {b['quads']:,} | {build_s:.2f} s | "
            f"{raw_s:.2f} s | {_goal(build_s / raw_s, GOALS['build'])} | "
            f"{build_s / r['statements'] * 1e6:,.0f} µs | {_mb(r['build_rss'])} | {_mb(r['raw_rss'])} |")
    lines += [
        "",
        "Where the build time goes (stage timers around the functions `graph_model.build` calls):",
        "",
        "| statements | read (`read_corpus`) | validate (`validate_corpus`) | map + serialise "
        "(`generate_quads` + `serialize_nquads`) | bulk load (`GraphStore.load_nquads`) | rest (ontology, optimize, flush, swap) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        t = r["build"]["timings"]
        stages = ("read", "validate", "map_serialize", "bulk_load")
        rest = t["build"] - sum(t.get(k, 0.0) for k in stages)
        cells = [f"{t[k]:.2f} s ({t[k] / t['build']:.0%})" if k in t else "n/a" for k in stages]
        lines.append(f"| {r['statements']:,} | " + " | ".join(cells) + f" | {rest:.2f} s |")
    lines += [
        "",
        "### Named queries: `run_named_query` vs the same SPARQL + VALUES on `Store.query`",
        "",
        "| statements | query (parameter, its statements) | rows | runs | library | raw | library / raw | "
        "of which: catalogue read | entity lookup |",
        "|---:|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        for name, q in r["queries"].items():
            lines.append(
                f"| {r['statements']:,} | {name} ({q['param']}, {q['degree']:,}) | {q['rows']:,} | {q['runs']} | "
                f"{_ms(q['library'])} | {_ms(q['raw'])} | {_goal(q['library'] / q['raw'], GOALS['query'])} | "
                f"{_ms(q['catalogue'])} | {_ms(q['resolve'])} |")
    lines += [
        "",
        "### Export: `export_bytes(store, \"nquads\")` vs `Store.dump(format=RdfFormat.N_QUADS)`",
        "",
        "| statements | bytes | runs | library | raw | library / raw |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        e = r["export"]
        lines.append(f"| {r['statements']:,} | {e['bytes']:,} | {e['runs']} | {e['library']:.3f} s | {e['raw']:.3f} s | "
                     f"{_goal(e['library'] / e['raw'], GOALS['export'])} |")
    for r in results:
        if "profile" in r:
            lines += ["", f"### cProfile of the build at {r['statements']:,} statements (top by own time)", "",
                      "```", r["profile"].strip(), "```"]
    return "\n".join(lines) + "\n"


def _code_version() -> str:
    """The commit measured, and whether graph_model/ differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "graph_model", "queries"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "an unknown commit"
    return f"commit {head}" + (" with uncommitted changes in graph_model/ or queries/" if dirty else "")


def _total_memory() -> str:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        return f"{pages * size / 2**30:.0f} GB RAM"
    except (ValueError, OSError):
        return "unknown RAM"


def _pyoxigraph_version() -> str:
    import pyoxigraph

    return getattr(pyoxigraph, "__version__", "?")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_child":
        {"build": _child_build, "raw": _child_raw}[argv[1]](*argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated statement counts (default 1000,10000,100000)")
    parser.add_argument("--runs", type=int, default=7, help="query runs per measurement (median)")
    parser.add_argument("--export-runs", type=int, default=3, help="export runs per measurement (median)")
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds per timed measurement: stop repeating once spent (default 20)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-article", type=int, default=50, help="statements per article")
    parser.add_argument("--work-dir", type=Path, help="where corpora and stores go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile the build (slower; adds the top functions to the report)")
    parser.add_argument("--output", type=Path, help="also write the markdown report here")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    start, load_before, version = time.perf_counter(), os.getloadavg()[0], _code_version()
    try:
        results = [bench_size(n, work, args) for n in sizes]
    finally:
        if not args.keep and args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    text = report(results, args, time.perf_counter() - start, (load_before, os.getloadavg()[0]),
                  version if version == _code_version() else f"{version}, but the code changed during the run")
    if args.work_dir is not None:
        (work / "results.json").write_text(json.dumps(results, indent=2, default=str))
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
