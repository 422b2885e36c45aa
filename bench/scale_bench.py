"""Issue-11 benchmark: ``kg build`` at scale (full, incremental, remote) against raw Oxigraph loads.

Everything is measured through the CLI and its public outputs (``kg build``, ``kg export``, the
store it leaves in ``--out``), in child processes, so the bench keeps working while the build's
internals change. Per size (statements), on one synthetic corpus (``bench/synthetic_corpus.py``),
each figure next to its baseline taken in the same run:

1. **full build**: ``kg build --seeds S --out O --no-render`` (SHACL on, the default) into an
   empty ``--out``: wall time; peak RSS of the kg process (``ru_maxrss`` from ``os.wait4``, which
   is the largest of it and its reaped children) and the peak of the summed RSS and PSS of its
   whole process tree (its session), sampled from ``/proc`` every ``--sample`` seconds, since the
   build may run a process pool;
2. **raw bulk load** of the same N-Quads: ``kg export --format nquads``, then in a fresh child
   ``pyoxigraph.Store(path).bulk_load(path=FILE, format=RdfFormat.N_QUADS)`` + ``flush()``.
   Ratio build / raw, and the build's cost per statement against the smallest size;
3. **incremental build**: ``kg build`` again on the same ``--out`` with nothing changed, then
   after editing one article's mapping (one statement's ``modality``) in a hard-linked copy of
   the corpus (the corpus itself is never modified): wall time against the full build;
4. **named queries**: ``graph_model.run_named_query`` against the same SPARQL with the parameter
   bound by a VALUES clause on ``pyoxigraph.Store.query`` (as ``pipeline_bench.py``), in a child;
5. **remote build**: ``kg build --store http://127.0.0.1:PORT`` into an empty ``oxigraph serve``
   against ``oxigraph load --location DIR --file FILE.nq`` of the same N-Quads; then again with
   nothing changed and after the one-article edit, through a counting HTTP proxy that records
   every write request (method, graph, bytes), so "only the changed graphs are sent" is checked
   on the wire, whatever the CLI prints.

A step that fails or runs out of time is reported in its table cell (and in full under
"Errors"); the steps that need it are skipped, the others still run. Each size has a time budget
(``--budget``); every child process gets what is left of it.

Usage::

    .venv/bin/python bench/scale_bench.py --sizes 1000,10000 --work-dir /tmp/kg-bench --output /tmp/scale.md
    .venv/bin/python bench/scale_bench.py --work-dir /tmp/kg-bench --keep --output /tmp/scale.md   # 1k..1M

Corpora are ``WORK/seeds-<N>`` (reused when there, generated otherwise); the files of a size's
run go to ``WORK/scale-<N>/`` and are removed at the end of that size unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import load_bench  # noqa: E402 - the shared process helpers (start_oxigraph, _kill, _oxigraph_binary)
import pipeline_bench  # noqa: E402 - _median_time, _top_entities, _code_version, _total_memory

PYTHON = sys.executable
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
GIB = 2**30

GOALS = {
    "rss_bytes": 1.5 * GIB,     # peak RSS of the whole build, at every size
    "build_vs_raw": 2.0,        # kg build / raw bulk load of the same N-Quads
    "flat": 1.3,                # cost per statement, largest / smallest over the sizes
    "incremental": 0.01,        # one article edited / full build, at 1M statements
    "query": 1.2,               # run_named_query / raw Store.query
    "remote_vs_load": 2.0,      # kg build --store / oxigraph load
}
INCREMENTAL_GOAL_FROM = 1_000_000  # the 1 % goal is stated for the 1M corpus; smaller sizes are shown only
ARTICLE_GRAPH_PREFIX = "https://newsgraph.example/article/"
STEPS = ("build", "rebuild", "export", "raw", "queries", "incremental", "remote")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _kg() -> list[str]:
    kg = VENV_BIN / "kg"
    return [str(kg)] if kg.exists() else [PYTHON, "-m", "graph_model"]


# ---------------------------------------------------------------- child processes, measured

_STARTED: list[subprocess.Popen] = []


class StepError(Exception):
    """A step failed; its message goes into the report."""


def _session_pids(session: int) -> list[int]:
    """The processes of ``session`` (a child started with ``start_new_session`` and all it starts)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    if int(f.read().rpartition(b")")[2].split()[3]) == session:
                        pids.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
    return pids


def _memory(pids: list[int], with_pss: bool) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) in bytes of ``pids`` (PSS 0 when not read)."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                rss += int(f.read().split()[1]) * PAGE
            if with_pss:
                with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                    for line in f:
                        if line.startswith(b"Pss:"):
                            pss += int(line.split()[1]) * 1024
                            break
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return rss, pss


@dataclass
class Run:
    """One measured child process."""

    command: list[str]
    wall: float = 0.0
    returncode: int | None = None
    cpu: float = 0.0         # user + system seconds of the child and its reaped children
    maxrss: int = 0          # ru_maxrss of the child and its reaped children, bytes
    tree_rss: int = 0        # peak of the summed RSS of its session, sampled
    tree_pss: int = 0        # peak of the summed PSS of its session, sampled
    samples: int = 0
    timed_out: bool = False
    output: str = ""         # its stdout + stderr (tail)

    @property
    def last_line(self) -> str:
        lines = [line for line in self.output.splitlines() if line.strip()]
        return lines[-1].strip() if lines else ""


def run_measured(command: list[str], log: Path, timeout: float, *, sample: float = 0.2,
                 pss: bool = True) -> Run:
    """Run ``command`` in its own session, its output to ``log``; kill its group after ``timeout`` s.

    Returns a Run (also when the command failed: see ``returncode`` and ``timed_out``).
    """
    run = Run(command)
    with open(log, "wb") as out:
        out.write(("$ " + shlex.join(command) + "\n").encode())
        out.flush()
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, cwd=str(REPO))
    _STARTED.append(process)
    done = threading.Event()

    def sampler() -> None:
        pids: list[int] = []
        while not done.wait(sample):
            # The process list (a scan of /proc, ~10 ms) and PSS (smaps_rollup walks the page
            # tables: ~30 ms for 1.5 GB) only at every 5th sample; RSS (statm) at each one.
            every_fifth = run.samples % 5 == 0
            if every_fifth:
                pids = _session_pids(process.pid)
            rss, pss_now = _memory(pids, pss and every_fifth)
            run.tree_rss, run.tree_pss = max(run.tree_rss, rss), max(run.tree_pss, pss_now)
            run.samples += 1

    def on_timeout() -> None:
        run.timed_out = True
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    watcher = threading.Thread(target=sampler, daemon=True)
    watcher.start()
    timer = threading.Timer(max(timeout, 1.0), on_timeout)
    timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
        done.set()
        watcher.join()
    run.wall = time.perf_counter() - start
    process.returncode = run.returncode = os.waitstatus_to_exitcode(status)
    run.maxrss = usage.ru_maxrss * 1024  # Linux: kilobytes
    run.cpu = usage.ru_utime + usage.ru_stime
    _STARTED.remove(process)
    try:  # leftovers of its session (a pool worker that outlived its parent)
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    text = log.read_text(errors="replace").partition("\n")[2]  # without the "$ command" line written above
    run.output = text[-20000:]
    return run


def checked(run: Run, what: str) -> Run:
    """``run`` if it succeeded; raises StepError naming what failed and the end of its output."""
    if run.timed_out:
        raise StepError(f"{what}: killed after {run.wall:.0f} s (the size's time budget ran out)")
    if run.returncode != 0:
        tail = run.output.strip().splitlines()[-6:]
        raise StepError(f"{what}: exit code {run.returncode}: " + " / ".join(line.strip() for line in tail))
    return run


def _child_raw(nquads_path: str, store_path: str, result_path: str) -> None:
    """Raw pyoxigraph: bulk-load the N-Quads file into a new on-disk store, flush."""
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store(store_path)
    store.bulk_load(path=nquads_path, format=ox.RdfFormat.N_QUADS)
    store.flush()
    elapsed = time.perf_counter() - start
    Path(result_path).write_text(json.dumps({"load": elapsed, "quads": len(store)}))


def _child_queries(out_dir: str, result_path: str, runs: str, budget: str) -> None:
    """Named queries through the library against the same SPARQL + VALUES on the raw store."""
    import pyoxigraph as ox

    import graph_model
    from graph_model.queries import get_named_query
    from graph_model.sparql_text import bind_values
    from graph_model.vocabulary import entity_iri

    store = graph_model.open_store(out_dir)
    raw = store.ox
    entity, entity_n, initiative, initiative_n = pipeline_bench._top_entities(raw)
    results = {}
    for name, param, value, degree in (("entity-statements", "entity", entity, entity_n),
                                       ("proposers", "initiative", initiative, initiative_n)):
        bound = bind_values(get_named_query(name).text, {param: ox.NamedNode(str(entity_iri(value)))})

        def library():
            return graph_model.run_named_query(store, name, {param: value})

        def direct():
            return [tuple(solution) for solution in raw.query(bound, use_default_graph_as_union=True)]

        lib_time, lib_result, lib_runs = pipeline_bench._median_time(library, int(runs), float(budget))
        raw_time, raw_rows, raw_runs = pipeline_bench._median_time(direct, int(runs), float(budget))
        results[name] = {"param": f"{param}={value}", "degree": degree, "rows": len(lib_result.rows),
                         "raw_rows": len(raw_rows), "library": lib_time, "raw": raw_time,
                         "runs": f"{lib_runs}/{raw_runs}"}
    Path(result_path).write_text(json.dumps(results))


def _self(*args: str) -> list[str]:
    return [PYTHON, str(Path(__file__).resolve()), "_child", *args]


# ---------------------------------------------------------------- a counting proxy for the remote writes

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade", "content-length"}
_SCAN_LIMIT = 64 * 2**20  # bytes of a request body searched for graph names
_GRAPH_IN_UPDATE = re.compile(rb"GRAPH\s*<([^>]*)>", re.IGNORECASE)
_GRAPH_IN_NQUADS = re.compile(rb"<([^>]*)>\s*\.\s*$", re.MULTILINE)


@dataclass
class Write:
    method: str
    path: str
    graphs: set[str]
    bytes: int
    status: int


@dataclass
class CountingProxy:
    """HTTP proxy on loopback in front of ``upstream_port``: forwards every request and records
    the ones that can write (anything but GET/HEAD/OPTIONS): method, the graphs they name (the
    ``graph`` parameter of the Graph Store Protocol, ``GRAPH <g>`` in a SPARQL update, the graph of
    each N-Quads line) and their body size."""

    upstream_port: int
    writes: list[Write] = field(default_factory=list)
    reads: int = 0

    def __post_init__(self):
        proxy = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _body(self):
                length = self.headers.get("Content-Length")
                if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                    def chunks():
                        while True:
                            size = int(self.rfile.readline().split(b";", 1)[0], 16)
                            if size == 0:
                                while self.rfile.readline() not in (b"\r\n", b""):
                                    pass
                                return
                            data = self.rfile.read(size)
                            self.rfile.readline()
                            yield data
                    return chunks(), True
                if length and int(length) > 0:
                    def blocks(left=int(length)):
                        while left > 0:
                            data = self.rfile.read(min(left, 1 << 20))
                            if not data:
                                return
                            left -= len(data)
                            yield data
                    return blocks(), False
                return None, False

            def _forward(self):
                body, chunked = self._body()
                seen = {"bytes": 0, "head": bytearray()}

                def counted(parts):
                    for part in parts:
                        seen["bytes"] += len(part)
                        if len(seen["head"]) < _SCAN_LIMIT:
                            seen["head"] += part[:_SCAN_LIMIT - len(seen["head"])]
                        yield part

                if body is not None:
                    body = counted(body)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                if body is not None and not chunked:
                    headers["Content-Length"] = self.headers["Content-Length"]
                upstream = http.client.HTTPConnection(HOST, proxy.upstream_port, timeout=24 * 3600)
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers, encode_chunked=chunked)
                    reply = upstream.getresponse()
                    data = reply.read()
                finally:
                    upstream.close()
                self.send_response(reply.status, reply.reason)
                for name, value in reply.getheaders():
                    if name.lower() not in _HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                head = bytes(seen["head"])
                with lock:
                    if _is_read(self, head):
                        proxy.reads += 1
                    else:
                        proxy.writes.append(Write(self.command, self.path, _graphs_named(self, head),
                                                  seen["bytes"], reply.status))

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _forward

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def reset(self) -> None:
        self.writes, self.reads = [], 0

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def summary(self) -> dict:
        graphs = set().union(*(w.graphs for w in self.writes)) if self.writes else set()
        return {"write_requests": len(self.writes), "read_requests": self.reads,
                "bytes": sum(w.bytes for w in self.writes), "graphs": sorted(graphs),
                "failed": sum(1 for w in self.writes if w.status >= 400),
                "unnamed": sum(1 for w in self.writes if not w.graphs)}


def _is_read(handler: BaseHTTPRequestHandler, head: bytes) -> bool:
    """Whether a request only reads: GET/HEAD/OPTIONS, or a SPARQL query POSTed (directly or as a form)."""
    if handler.command in ("GET", "HEAD", "OPTIONS"):
        return True
    if handler.command != "POST":
        return False
    content_type = handler.headers.get("Content-Type", "").lower()
    if "sparql-query" in content_type:
        return True
    if "x-www-form-urlencoded" in content_type:
        fields = urllib.parse.parse_qs(head.decode("utf-8", "replace"))
        return "query" in fields and "update" not in fields
    return False


def _graphs_named(handler: BaseHTTPRequestHandler, head: bytes) -> set[str]:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query)
    if "graph" in query:
        return set(query["graph"])
    content_type = handler.headers.get("Content-Type", "").lower()
    if "x-www-form-urlencoded" in content_type:
        head = "\n".join(urllib.parse.parse_qs(head.decode("utf-8", "replace")).get("update", [])).encode()
        content_type = "application/sparql-update"
    if "sparql-update" in content_type:
        return {g.decode("utf-8", "replace") for g in _GRAPH_IN_UPDATE.findall(head)}
    if "n-quads" in content_type or "trig" in content_type:
        return {g.decode("utf-8", "replace") for g in _GRAPH_IN_NQUADS.findall(head)}
    return set()


# ---------------------------------------------------------------- corpus, edit, remote helpers

def count_statements(seeds: Path) -> int:
    """Statements in a synthetic corpus: its ``  - subject:`` lines (the generator's layout)."""
    total = 0
    for path in (seeds / "mapping").glob("*.yaml"):
        total += path.read_bytes().count(b"\n  - subject:")
    return total


def link_copy(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` made of hard links (a plain copy across file systems)."""
    shutil.rmtree(target, ignore_errors=True)
    for root, dirs, files in os.walk(source):
        rel = Path(root).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            try:
                os.link(Path(root) / name, target / rel / name)
            except OSError:
                shutil.copy2(Path(root) / name, target / rel / name)


_MODALITY = re.compile(r"^    modality: (?P<quote>[\"']?)(?P<value>\w+)(?P=quote)[ \t]*$", re.MULTILINE)
_OBJECT = re.compile(r"^    object: .*\n", re.MULTILINE)


def edit_one_article(seeds: Path) -> dict:
    """Change one statement's modality in the middle article's mapping; returns what changed.

    The file is replaced (written beside it, then renamed), so a hard-linked original is untouched.
    Raises StepError when the mapping has no statement to edit.
    """
    mappings = sorted((seeds / "mapping").glob("*.yaml"))
    if not mappings:
        raise StepError(f"no mapping files in {seeds / 'mapping'}")
    path = mappings[len(mappings) // 2]
    text = path.read_text(encoding="utf-8")
    found = _MODALITY.search(text)
    if found:
        old = found.group("value")
        new = "possible" if old == "proposed" else "proposed"
        edited = text[:found.start("value")] + new + text[found.end("value"):]
        change = f"modality {old} -> {new}"
    else:
        found = _OBJECT.search(text)
        if not found:
            raise StepError(f"{path}: no statement with an 'object:' line to edit")
        edited = text[:found.end()] + "    modality: possible\n" + text[found.end():]
        change = "modality asserted -> possible"
    temporary = path.with_name(path.name + ".edit")
    temporary.write_text(edited, encoding="utf-8")
    os.replace(temporary, path)
    return {"file": str(path.relative_to(seeds)), "graph": ARTICLE_GRAPH_PREFIX + path.stem, "change": change}


def server_quads(base_url: str, timeout: float) -> int:
    """Quads in the named graphs of the Oxigraph server at ``base_url``."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    request = urllib.request.Request(f"{base_url}/query?query={urllib.parse.quote(query)}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return int(json.load(reply)["results"]["bindings"][0]["n"]["value"])


def count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            count += chunk.count(b"\n")
    return count


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


# ---------------------------------------------------------------- one size

class Size:
    """The run of one size: steps, their results and errors, the commands, the time budget."""

    def __init__(self, statements: int, work: Path, args):
        self.n, self.args = statements, args
        self.corpus = work / f"seeds-{statements}"
        self.base = work / f"scale-{statements}"
        self.seeds, self.out = self.base / "seeds", self.base / "out"
        self.nquads, self.logs = self.base / "data.nq", self.base / "logs"
        self.deadline = time.monotonic() + args.budget_for(statements)
        self.results: dict[str, dict] = {}
        self.commands: list[tuple[str, str]] = []
        self.info: dict = {"statements": statements}
        self.server = self.proxy = None

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def ok(self, *steps: str) -> bool:
        return all(self.results.get(s, {}).get("ok") for s in steps)

    def step(self, name: str, function, *, needs: tuple[str, ...] = ()) -> None:
        missing = [s for s in needs if not self.ok(s)]
        if missing:
            self.results[name] = {"ok": False, "error": f"skipped: needs {', '.join(missing)}"}
        elif name.split(".")[0] in self.args.skip:
            self.results[name] = {"ok": False, "error": "skipped (--skip)"}
        elif self.left() <= 0:
            self.results[name] = {"ok": False, "error": f"skipped: the size's budget of {self.args.budget_for(self.n):.0f} s is spent"}
        else:
            _log(f"[{self.n:,}] {name} ...")
            start = time.perf_counter()
            try:
                self.results[name] = {"ok": True, **function()}
            except Exception as exc:  # noqa: BLE001 - any failure goes into the report, the run goes on
                message = str(exc) if isinstance(exc, StepError) else f"{type(exc).__name__}: {exc}"
                self.results[name] = {"ok": False, "error": message}
            self.results[name]["step_seconds"] = time.perf_counter() - start
            result = self.results[name]
            _log(f"[{self.n:,}] {name}: " + ("ok" if result["ok"] else f"FAILED: {result['error']}")
                 + f" ({result['step_seconds']:.1f} s)")

    def run(self, label: str, command: list[str], log: str, **kwargs) -> Run:
        self.commands.append((label, shlex.join(command)))
        return run_measured(command, self.logs / log, self.left(), sample=self.args.sample, **kwargs)

    # -------------------------------------------------------- steps

    def prepare(self) -> dict:
        if not (self.corpus / "mapping").is_dir():
            run = self.run("corpus", [PYTHON, str(BENCH_DIR / "synthetic_corpus.py"), str(self.corpus), "--statements",
                                      str(self.n), "--seed", str(self.args.seed), "--per-article",
                                      str(self.args.per_article)], "corpus.log", pss=False)
            checked(run, "synthetic_corpus.py")
            generated = run.wall
        else:
            generated = None
        found = count_statements(self.corpus)
        if found != self.n:
            raise StepError(f"{self.corpus} holds {found:,} statements, not {self.n:,}: remove it or give its size")
        link_copy(self.corpus, self.seeds)
        self.info.update(articles=len(list((self.seeds / "mapping").glob("*.yaml"))),
                         corpus=str(self.corpus), generated=generated)
        return {}

    def build_command(self, *extra: str) -> list[str]:
        # Not --quiet: its summary line is what the report quotes; its output is a file, not a
        # terminal, so it draws no progress bar anyway.
        return [*_kg(), "build", "--seeds", str(self.seeds), *extra]

    def full_build(self) -> dict:
        shutil.rmtree(self.out, ignore_errors=True)
        run = checked(self.run("full build", self.build_command("--out", str(self.out), "--no-render"),
                               "build-full.log"), "kg build")
        said = run.last_line
        match = re.search(r"([\d,]+) statements", said)
        if match and int(match.group(1).replace(",", "")) != self.n:
            raise StepError(f"kg build reports {match.group(1)} statements, the corpus has {self.n:,}")
        return {"wall": run.wall, "cpu": run.cpu, "maxrss": run.maxrss, "tree_rss": run.tree_rss,
                "tree_pss": run.tree_pss, "samples": run.samples, "said": said, "store_bytes": dir_size(self.out)}

    def rebuild(self, log: str) -> dict:
        run = checked(self.run(log, self.build_command("--out", str(self.out), "--no-render"), f"{log}.log"),
                      "kg build")
        return {"wall": run.wall, "maxrss": run.maxrss, "tree_rss": run.tree_rss, "said": run.last_line}

    def export(self) -> dict:
        run = checked(self.run("export", [*_kg(), "export", "--format", "nquads", "--out", str(self.out),
                                          "-o", str(self.nquads)], "export.log", pss=False), "kg export")
        quads = count_lines(self.nquads)
        self.info["quads"] = quads
        return {"wall": run.wall, "quads": quads, "bytes": self.nquads.stat().st_size}

    def raw_load(self) -> dict:
        store, result = self.base / "raw-store", self.base / "raw.json"
        shutil.rmtree(store, ignore_errors=True)
        run = checked(self.run("raw bulk load", _self("raw", str(self.nquads), str(store), str(result)), "raw.log"),
                      "raw bulk load")
        loaded = json.loads(result.read_text())
        size = dir_size(store)
        if not self.args.keep:
            shutil.rmtree(store, ignore_errors=True)
        if loaded["quads"] != self.info.get("quads"):
            raise StepError(f"raw load holds {loaded['quads']:,} quads, the export has {self.info.get('quads')}")
        return {"wall": run.wall, "cpu": run.cpu, "load": loaded["load"], "maxrss": run.maxrss, "store_bytes": size}

    def queries(self) -> dict:
        result = self.base / "queries.json"
        checked(self.run("named queries", _self("queries", str(self.out), str(result), str(self.args.runs),
                                                str(self.args.query_budget)), "queries.log", pss=False),
                "named queries")
        measured = json.loads(result.read_text())
        for name, q in measured.items():
            if q["rows"] != q["raw_rows"]:
                raise StepError(f"{name}: run_named_query gave {q['rows']} rows, the raw query {q['raw_rows']}")
        return {"queries": measured}

    def edit(self) -> dict:
        edited = edit_one_article(self.seeds)
        self.info["edit"] = edited
        return edited

    def start_server(self) -> dict:
        location = self.base / "server-store"
        shutil.rmtree(location, ignore_errors=True)
        location.mkdir(parents=True)
        self.commands.append(("server", shlex.join([load_bench._oxigraph_binary(), "serve", "--location",
                                                     str(location), "--bind", f"{HOST}:PORT"])))
        self.server = load_bench.start_oxigraph(location, self.logs)
        self.proxy = CountingProxy(self.server.port)
        return {"port": self.server.port}

    def stop_server(self) -> None:
        if self.proxy is not None:
            self.proxy.close()
        if self.server is not None:
            load_bench._kill(self.server.process)
        self.server = self.proxy = None

    def remote_build(self) -> dict:
        url = f"http://{HOST}:{self.server.port}"
        run = checked(self.run("remote build", self.build_command("--store", url), "remote-full.log"),
                      "kg build --store")
        quads = server_quads(url, max(self.left(), 10))
        return {"wall": run.wall, "maxrss": run.maxrss, "tree_rss": run.tree_rss, "said": run.last_line,
                "server_quads": quads}

    def oxigraph_load(self) -> dict:
        location = self.base / "oxigraph-load"
        shutil.rmtree(location, ignore_errors=True)
        run = checked(self.run("oxigraph load", [load_bench._oxigraph_binary(), "load", "--location", str(location),
                                                 "--file", str(self.nquads)], "oxigraph-load.log"), "oxigraph load")
        size = dir_size(location)
        if not self.args.keep:
            shutil.rmtree(location, ignore_errors=True)
        return {"wall": run.wall, "maxrss": run.maxrss, "store_bytes": size}

    def remote_again(self, log: str) -> dict:
        proxy = self.proxy
        proxy.reset()
        run = checked(self.run(log, self.build_command("--store", proxy.url), f"{log}.log"),
                      "kg build --store (through the counting proxy)")
        sent = proxy.summary()
        return {"wall": run.wall, "said": run.last_line, **sent,
                "article_graphs": [g for g in sent["graphs"] if g.startswith(ARTICLE_GRAPH_PREFIX)]}


def bench_size(statements: int, work: Path, args) -> dict:
    """Run every step at one size; returns its results (each step: ok, its figures or its error)."""
    size = Size(statements, work, args)
    shutil.rmtree(size.base, ignore_errors=True)
    size.logs.mkdir(parents=True)
    try:
        size.step("corpus", size.prepare)
        size.step("build", size.full_build, needs=("corpus",))
        size.step("rebuild", lambda: size.rebuild("build-nochange"), needs=("build",))
        size.step("export", size.export, needs=("build",))
        size.step("raw", size.raw_load, needs=("export",))
        size.step("queries", size.queries, needs=("build",))
        size.step("remote.start", size.start_server)
        size.step("remote.build", size.remote_build, needs=("corpus", "remote.start"))
        size.step("remote.load", size.oxigraph_load, needs=("export", "remote.start"))
        size.step("remote.nochange", lambda: size.remote_again("remote-nochange"), needs=("remote.build",))
        size.step("edit", size.edit, needs=("corpus",))
        size.step("incremental", lambda: size.rebuild("build-incremental"), needs=("build", "edit"))
        size.step("remote.incremental", lambda: size.remote_again("remote-incremental"),
                  needs=("remote.build", "edit"))
    finally:
        size.stop_server()
        if not args.keep:
            shutil.rmtree(size.base, ignore_errors=True)
    return {"statements": statements, "info": size.info, "steps": size.results, "commands": size.commands,
            "budget": args.budget_for(statements)}


# ---------------------------------------------------------------- report

def _goal(ratio: float, goal: float) -> str:
    return f"{ratio:.2f}x ({'met' if ratio <= goal else 'MISSED'}, goal <= {goal:g}x)"


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def _bytes(n: int) -> str:
    return _mb(n) if n >= 2**20 else f"{n:,} B"


def _s(seconds: float) -> str:
    return f"{seconds:,.2f} s" if seconds < 100 else f"{seconds:,.0f} s"


def _said(text: str) -> str:
    return "`" + text.replace("|", "\\|").replace("`", "'")[:200] + "`" if text else ""


def _err(step: dict | None) -> str:
    if not step:
        return "not run"
    message = step.get("error", "failed").replace("|", "\\|").replace("\n", " ")
    if message.startswith("skipped"):
        return message
    return f"error: {message[:160]}" + ("..." if len(message) > 160 else "")


class _Row:
    """One size's results, as table cells: a failed or skipped step reads as its error."""

    def __init__(self, result: dict):
        self.n, self.info, self.steps = result["statements"], result["info"], result["steps"]

    def ok(self, *steps: str) -> bool:
        return all(self.steps.get(s, {}).get("ok") for s in steps)

    def get(self, step: str) -> dict:
        return self.steps.get(step, {})

    def cell(self, step: str, render) -> str:
        if not self.ok(step):
            return _err(self.steps.get(step))
        try:
            return render(self.steps[step])
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
            return f"error: {type(exc).__name__}: {exc}"

    def both(self, first: str, second: str, render) -> str:
        """A cell from two steps (a ratio): n/a when either failed (its own cell says why)."""
        return render(self.get(first), self.get(second)) if self.ok(first, second) else "n/a"


def _build_table(rows: list[_Row]) -> list[str]:
    built = [r for r in rows if r.ok("build")]
    smallest = min(built, key=lambda r: r.n) if built else None
    base_cost = smallest.get("build")["wall"] / smallest.n if smallest else 0.0
    lines = [
        "### Full build: `kg build --no-render` (SHACL on) vs raw `Store(path).bulk_load(path=FILE.nq)` + `flush()`",
        "",
        f"| statements | articles | quads | build (CPU) | raw bulk load (in-process; CPU) | build / raw | per statement | "
        f"per statement vs {f'{smallest.n:,}' if smallest else 'the smallest size'} |",
        "|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for r in rows:
        quads = r.info.get("quads")
        lines.append(
            f"| {r.n:,} | {r.info.get('articles', 'n/a')} | {f'{quads:,}' if quads else 'n/a'} | "
            f"{r.cell('build', lambda s: _s(s['wall']) + ' (' + _s(s['cpu']) + ')')} | "
            f"{r.cell('raw', lambda s: _s(s['wall']) + ' (' + _s(s['load']) + '; ' + _s(s['cpu']) + ')')} | "
            f"{r.both('build', 'raw', lambda b, raw: _goal(b['wall'] / raw['wall'], GOALS['build_vs_raw']))} | "
            f"{r.cell('build', lambda s: format(s['wall'] / r.n * 1e6, ',.0f') + ' µs')} | "
            f"{r.cell('build', lambda s: _goal(s['wall'] / r.n / base_cost, GOALS['flat']))} |")
    if len(built) > 1:
        costs = [r.get("build")["wall"] / r.n for r in built]
        # "Flat" is read as "does not grow with the corpus": the largest corpus's cost per
        # statement against the smallest's. The spread is given too: at 1k, fixed costs
        # (interpreter start-up, the pool, compacting the store) weigh on few statements.
        lines += ["", f"Cost per statement, largest corpus / smallest ({built[-1].n:,} / {built[0].n:,}): "
                      f"{_goal(costs[-1] / costs[0], GOALS['flat'])}; spread over the {len(built)} sizes "
                      f"(most / least per statement): {max(costs) / min(costs):.2f}x."]
    lines += ["", "What each full build printed, the export (`kg export --format nquads`) and the stores on disk:", "",
              "| statements | kg build says | export | N-Quads | kg store (`--out`) | raw store |",
              "|---:|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.n:,} | {r.cell('build', lambda s: _said(s['said']))} | "
                     f"{r.cell('export', lambda s: _s(s['wall']))} | {r.cell('export', lambda s: _mb(s['bytes']))} | "
                     f"{r.cell('build', lambda s: _mb(s['store_bytes']))} | "
                     f"{r.cell('raw', lambda s: _mb(s['store_bytes']))} |")
    return lines


def _memory_table(rows: list[_Row]) -> list[str]:
    def peak(s: dict) -> int:
        return max(s["maxrss"], s["tree_rss"])

    base = next((r for r in rows if r.n == 100_000 and r.ok("build")), None)

    def verdict(s: dict) -> str:
        met = "met" if peak(s) <= GOALS["rss_bytes"] else "MISSED"
        return f"{peak(s) / GIB:.2f} GiB ({met}, goal <= 1.5 GiB)"

    def versus_100k(s: dict, n: int) -> str:
        return f"{peak(s) / peak(base.get('build')):.2f}x" if base and n >= 100_000 else ""
    lines = [
        "### Peak memory of the full build (goal <= 1.5 GiB at every size, flat from 100k to 1M)", "",
        "| statements | kg process `ru_maxrss` | process tree: sum of RSS | sum of PSS | samples | "
        "peak (larger of the first two) | vs 100k | raw bulk load `ru_maxrss` |",
        "|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.n:,} | {r.cell('build', lambda s: _mb(s['maxrss']))} | {r.cell('build', lambda s: _mb(s['tree_rss']))} | "
            f"{r.cell('build', lambda s: _mb(s['tree_pss']) if s['tree_pss'] else 'n/a')} | "
            f"{r.cell('build', lambda s: str(s['samples']))} | "
            f"{r.cell('build', verdict)} | "
            f"{r.cell('build', lambda s: versus_100k(s, r.n))} | "
            f"{r.cell('raw', lambda s: _mb(s['maxrss']))} |")
    return lines


def _incremental_table(rows: list[_Row]) -> list[str]:
    def share(full: dict, again: dict, n: int, goal: bool) -> str:
        ratio = again["wall"] / full["wall"]
        if not goal:
            return f"{ratio:.1%}"
        if n < INCREMENTAL_GOAL_FROM:
            return f"{ratio:.1%} (goal is at 1M)"
        return f"{ratio:.2%} ({'met' if ratio <= GOALS['incremental'] else 'MISSED'}, goal <= 1%)"

    lines = [
        "### Incremental build: `kg build` again on the same `--out` (goal: one article edited <= 1% of the full build, "
        "at 1M)", "",
        "| statements | full build | nothing changed | / full | one article edited | / full | kg build says after the edit |",
        "|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.n:,} | {r.cell('build', lambda s: _s(s['wall']))} | {r.cell('rebuild', lambda s: _s(s['wall']))} | "
            f"{r.both('build', 'rebuild', lambda f, a: share(f, a, r.n, False))} | "
            f"{r.cell('incremental', lambda s: _s(s['wall']))} | "
            f"{r.both('build', 'incremental', lambda f, a: share(f, a, r.n, True))} | "
            f"{r.cell('incremental', lambda s: _said(s['said']))} |")
    edits = [f"at {r.n:,}, `{r.info['edit']['file']}`: {r.info['edit']['change']}" for r in rows if "edit" in r.info]
    if edits:
        lines += ["", "The edit, in a hard-linked copy of the corpus (the corpus itself is not modified): "
                  + "; ".join(edits) + "."]
    return lines


def _query_table(rows: list[_Row]) -> list[str]:
    lines = [
        "### Named queries: `run_named_query` vs the same SPARQL + VALUES on `Store.query` (goal <= 1.2x)", "",
        "| statements | query (parameter, its statements) | rows | runs | library | raw | library / raw |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        if not r.ok("queries"):
            lines.append(f"| {r.n:,} | {_err(r.get('queries'))} | | | | | |")
            continue
        for name, m in r.get("queries")["queries"].items():
            lines.append(f"| {r.n:,} | {name} ({m['param']}, {m['degree']:,}) | {m['rows']:,} | {m['runs']} | "
                         f"{m['library'] * 1000:,.1f} ms | {m['raw'] * 1000:,.1f} ms | "
                         f"{_goal(m['library'] / m['raw'], GOALS['query'])} |")
    return lines


def _remote_tables(rows: list[_Row]) -> list[str]:
    lines = [
        "### Remote build: `kg build --store URL` into an empty `oxigraph serve` vs `oxigraph load` of the same "
        "N-Quads (goal <= 2x)", "",
        "| statements | kg build --store | oxigraph load | ratio | quads on the server (in the export) | kg build says |",
        "|---:|---:|---:|---|---|---|",
    ]
    for r in rows:
        quads = r.info.get("quads")
        lines.append(
            f"| {r.n:,} | {r.cell('remote.build', lambda s: _s(s['wall']))} | "
            f"{r.cell('remote.load', lambda s: _s(s['wall']))} | "
            f"{r.both('remote.build', 'remote.load', lambda b, l: _goal(b['wall'] / l['wall'], GOALS['remote_vs_load']))} | "
            f"{r.cell('remote.build', lambda s: format(s['server_quads'], ',') + (f' ({quads:,})' if quads else ''))} | "
            f"{r.cell('remote.build', lambda s: _said(s['said']))} |")
    lines += [
        "", "The same `kg build --store` again, through a proxy that records every write request on the wire: with "
            "nothing changed, then after the one-article edit (goal: only the changed graphs are sent)", "",
        "| statements | run | time | write requests | bytes sent | graphs written | of which articles | goal | "
        "kg build --store says |",
        "|---:|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        edited = r.info.get("edit", {}).get("graph")
        for step, label, expected in (("remote.nochange", "nothing changed", set()),
                                      ("remote.incremental", "one article edited", {edited} if edited else None)):
            if not r.ok(step):
                lines.append(f"| {r.n:,} | {label} | {_err(r.get(step))} | | | | | | |")
                continue
            s = r.get(step)
            articles = set(s["article_graphs"])
            if expected is None:
                verdict = "n/a"
            elif articles == expected:
                others = [g for g in s["graphs"] if g not in articles]
                also = f"{len(others)} other graph{'s' if len(others) > 1 else ''}: {', '.join(others[:5])}"
                verdict = "met" + (f" (and {also})" if others else "")
            else:
                verdict = (f"MISSED ({len(articles - expected):,} unchanged article graphs sent"
                           + (", the edited one not sent" if expected - articles else "") + ")")
            unnamed = f" ({s['unnamed']} naming no graph)" if s["unnamed"] else ""
            lines.append(f"| {r.n:,} | {label} | {_s(s['wall'])} | {s['write_requests']:,}{unnamed} | "
                         f"{_bytes(s['bytes'])} | {len(s['graphs']):,} | {len(articles):,} | {verdict} | "
                         f"{_said(s['said'])} |")
    return lines


def report(results: list[dict], args, total: float, load: tuple[float, float], version: str, command: str) -> str:
    """The Markdown report: the setting, one table per goal, the errors and the commands run."""
    rows = [_Row(r) for r in results]
    lines = [
        f"Measured {datetime.date.today().isoformat()} ({version}) on {_machine()}, Python "
        f"{platform.python_version()}, pyoxigraph {pipeline_bench._pyoxigraph_version()}, oxigraph server "
        f"{load_bench._oxigraph_version()}; seed {args.seed}, {args.per_article} statements per article; "
        f"whole run {total / 60:.1f} min; 1-min load average {load[0]:.2f} before and {load[1]:.2f} after "
        f"(other processes on the machine compete for its cores).",
        "",
        f"Command: `{command}`",
        "",
        "Times are wall times of whole child processes (interpreter start-up included) on both sides of each ratio.",
    ]
    for table in (_build_table, _memory_table, _incremental_table, _query_table, _remote_tables):
        lines += ["", *table(rows)]
    errors = [(r.n, name, s["error"]) for r in rows for name, s in r.steps.items()
              if not s.get("ok") and not s.get("error", "").startswith("skipped")]
    if errors:
        lines += ["", "### Errors", ""]
        lines += [f"* {n:,}, {name}: {message}" for n, name, message in errors]
    lines += ["", "### Commands run (PORT: the server's, or the counting proxy's for the runs through it)", ""]
    for result in results:
        lines += [f"{result['statements']:,} statements (time budget {result['budget']:,.0f} s):", "", "```"]
        lines += [f"# {label}\n{command}" for label, command in result["commands"]]
        lines += ["```", ""]
    return "\n".join(lines).rstrip() + "\n"


def _machine() -> str:
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), {pipeline_bench._total_memory()}, {platform.platform()}"


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def _kill_all() -> None:
    for process in list(_STARTED):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    load_bench._kill_all()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_child":
        {"raw": _child_raw, "queries": _child_queries}[argv[1]](*argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000",
                        help="comma-separated statement counts (default 1000,10000,100000,1000000)")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds one size may take in all; steps still to run after that are skipped and a "
                             "running child is killed (default: max(900, statements / 50), 20,000 s at 1M)")
    parser.add_argument("--runs", type=int, default=7, help="runs per named query measurement (median)")
    parser.add_argument("--query-budget", type=float, default=20.0,
                        help="seconds one query measurement may take before it stops repeating (default 20)")
    parser.add_argument("--sample", type=float, default=0.2,
                        help="seconds between two samples of the build's process tree memory (default 0.2)")
    parser.add_argument("--skip", default="", help=f"comma-separated steps not to run: {', '.join(STEPS)}")
    parser.add_argument("--seed", type=int, default=0, help="seed of a corpus generated here")
    parser.add_argument("--per-article", type=int, default=50, help="statements per article of a corpus generated here")
    parser.add_argument("--work-dir", type=Path,
                        help="corpora (seeds-<N>, reused when there) and run files (scale-<N>) go here "
                             "(default: a temporary directory, removed at the end)")
    parser.add_argument("--keep", action="store_true", help="keep each size's run files (stores, N-Quads, logs)")
    parser.add_argument("--output", type=Path, help="also write the markdown report here")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if args.skip - set(STEPS):
        parser.error(f"--skip: unknown step(s) {', '.join(sorted(args.skip - set(STEPS)))}; known: {', '.join(STEPS)}")
    args.budget_for = lambda n: args.budget if args.budget is not None else max(900.0, n / 50)
    command = shlex.join([".venv/bin/python", "bench/scale_bench.py", *argv])

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    temporary = args.work_dir is None
    work = Path(tempfile.mkdtemp(prefix="kg-scale-")) if temporary else args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    start, load_before, version = time.perf_counter(), os.getloadavg()[0], pipeline_bench._code_version()
    results: list[dict] = []

    def write_report() -> str:
        now = pipeline_bench._code_version()
        text = report(results, args, time.perf_counter() - start, (load_before, os.getloadavg()[0]),
                      version if version == now else f"{version}, but the code changed during the run", command)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        return text

    try:
        for n in sizes:
            results.append(bench_size(n, work, args))
            if not temporary:
                (work / "scale-results.json").write_text(json.dumps(results, indent=2, default=str))
            write_report()  # so the sizes done survive a crash or a kill in a later one
    finally:
        _kill_all()
        if temporary and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif temporary:
            _log(f"work files kept in {work}")
    print(write_report())
    return 0

if __name__ == "__main__":
    sys.exit(main())
