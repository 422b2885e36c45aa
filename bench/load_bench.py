"""Load benchmark: ``kg serve`` against the Oxigraph server on the same data, in one run.

On loopback only, bounded in count and time; every process it starts is killed at the end,
also on error or Ctrl-C.

* Data: the seed graph (``kg build`` of ``seeds/`` into a temporary directory) and, with
  ``--synthetic N``, also a synthetic corpus of N statements written by
  ``bench/synthetic_corpus.py`` and built with ``kg build --no-shapes --no-render``.
* Servers, one after the other on each data set:

  - ``kg serve`` (``python -m graph_model serve --out BUILD --port P --workers W``), asked
    through the named-query resource ``/queries/NAME?param=id&format=json`` (path
    ``kg /queries``) and through ``/sparql`` with the equivalent SPARQL text (path ``kg /sparql``);
  - the Oxigraph server (``oxigraph load`` of ``kg export --format nquads``, then
    ``oxigraph serve``), asked through ``/query?union-default-graph`` with the same text.

  The SPARQL text is ``queries/NAME.rq`` with the parameters bound by
  ``graph_model.sparql_text.bind_values`` (a VALUES clause) and ``PREFIX p: <ns>`` for every entry of
  ``graph_model.vocabulary.PREFIXES`` prepended. Every request is a GET asking for
  ``application/sparql-results+json``.
* Workload: the named queries proposers, involvement, memberships, timeline,
  entity-statements (on several entities) and nato-connections, in turn. A parameter takes the
  query's default when the graph has that entity, otherwise the best-connected entity of the
  right kind. Before any load, each distinct query is asked once on every path and the number
  of result rows must be the same on all three.
* Load: ``--clients`` concurrent clients, each with one keep-alive HTTP/1.1 connection,
  ``--warmup`` queries (discarded) and then ``--queries`` measured queries per path, split into
  ``--rounds`` phases that alternate between the paths (both servers stay up; an idle one costs
  nothing), so a change in the machine's other load hits every path alike. The client is
  raw asyncio (``asyncio.open_connection``, request bytes built once, status line +
  Content-Length / chunked body parsed by hand) so it costs little CPU next to the server; the
  report gives its CPU per query. A non-200 reply or a broken connection is an error.
* CPU accounting per phase, from ``/proc``: the client process, the server's process tree
  (for kg serve: the uvicorn process and its query workers apart) and all other CPU use of the
  machine ("other": other tenants; large values mean a noisy measurement).

Usage::

    .venv/bin/python bench/load_bench.py                          # seed graph, 16 clients, 2000 queries
    .venv/bin/python bench/load_bench.py --synthetic 10000 --output /tmp/load.md
    .venv/bin/python bench/load_bench.py --clients 16 --queries 2000 --workers 2 --py-spy /tmp/prof

``--py-spy DIR`` (needs ``py-spy`` on PATH or in the venv, and ptrace rights) also samples the kg
serve processes during an extra, unmeasured phase on each kg path, writes the collapsed stacks
to DIR and adds a summary (inclusive share per function, uvicorn process and query workers apart)
to the report. ``--optimize-kg-store`` is an experiment: it compacts the kg build store with
``pyoxigraph.Store.optimize()`` before serving it.

Exit status 1 when any path had an error, was cut short, or the paths disagreed on result rows.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
QUERIES_DIR = REPO / "queries"
SEEDS_DIR = REPO / "seeds"
PYTHON = sys.executable
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"

NAMES = ("proposers", "involvement", "memberships", "timeline", "entity-statements", "nato-connections")
RESULTS_JSON = "application/sparql-results+json"
GOALS = {"ratio": 0.9, "p99_ms": 20.0, "errors": 0}


# ---------------------------------------------------------------- processes

@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    log: Path


_STARTED: list[subprocess.Popen] = []


def _popen(cmd: list[str], log: Path, **kwargs) -> subprocess.Popen:
    """Start ``cmd`` in its own process group (so its children can be killed with it)."""
    out = open(log, "wb")
    try:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, **kwargs)
    finally:
        out.close()
    _STARTED.append(process)
    return process


def _kill(process: subprocess.Popen) -> None:
    """SIGTERM the process group we started, then SIGKILL it if it lingers."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            pass
    try:  # the group's other members (query workers) even if the leader is gone
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        pass
    if process in _STARTED:
        _STARTED.remove(process)


def _kill_all() -> None:
    for process in list(_STARTED):
        _kill(process)


def _run(cmd: list[str], what: str, timeout: float, **kwargs) -> None:
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                               **kwargs)
    _STARTED.append(process)
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise RuntimeError(f"{what} took more than {timeout:.0f} s") from None
    _STARTED.remove(process)
    if process.returncode != 0:
        raise RuntimeError(f"{what} failed ({process.returncode}):\n{out.decode(errors='replace')[-3000:]}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait_ready(server: Server, probe: bytes, timeout: float = 90.0) -> None:
    """Wait until ``server`` answers ``probe`` with 200; fail if its process exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited ({server.process.returncode}) before it was ready:\n"
                               + server.log.read_text(errors="replace")[-3000:])
        try:
            status, _ = asyncio.run(_one_request(server.port, probe))
            if status == 200:
                if server.process.poll() is not None:  # someone else's server on the port
                    continue
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} not ready after {timeout:.0f} s:\n" + server.log.read_text(errors="replace")[-3000:])


def _oxigraph_binary() -> str:
    for candidate in (VENV_BIN / "oxigraph", REPO / ".venv" / "bin" / "oxigraph"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("oxigraph")
    if not found:
        raise RuntimeError("no oxigraph server binary (pip install oxigraph into the venv)")
    return found


def start_kg(build: Path, workers: int, timeout: float, logs: Path, cache_mb: int = 64) -> Server:
    port = _free_port()
    log = logs / f"kg-serve-{port}.log"
    process = _popen([PYTHON, "-m", "graph_model", "serve", "--out", str(build), "--host", HOST,
                      "--port", str(port), "--workers", str(workers), "--timeout", str(timeout),
                      "--cache-mb", str(cache_mb)],
                     log, cwd=str(REPO))
    server = Server("kg serve", process, port, log)
    _wait_ready(server, _get(port, "/queries", "application/json"))
    return server


def start_oxigraph(location: Path, logs: Path) -> Server:
    port = _free_port()
    log = logs / f"oxigraph-{port}.log"
    process = _popen([_oxigraph_binary(), "serve", "--location", str(location), "--bind", f"{HOST}:{port}"], log)
    server = Server("oxigraph serve", process, port, log)
    _wait_ready(server, _get(port, "/query?union-default-graph&query=" + quote("ASK {}"), RESULTS_JSON))
    return server


# ---------------------------------------------------------------- CPU accounting (/proc)

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_table() -> dict[int, tuple[int, float]]:
    """pid -> (ppid, CPU seconds) for every process we can read."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rpartition(b")")[2].split()
        except OSError:
            continue
        table[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK)
    return table


def _tree_cpu(root: int) -> tuple[float, float]:
    """(CPU of ``root``, CPU of its descendants) in seconds."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    own = table.get(root, (0, 0.0))[1]
    rest, stack = 0.0, list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        rest += table[pid][1]
        stack.extend(children.get(pid, ()))
    return own, rest


def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    steal = values[7] if len(values) > 7 else 0
    return (sum(values[:8]) - idle - steal) / _TICK


@dataclass
class CpuMark:
    client: float
    server_main: float
    server_children: float
    machine: float

    @classmethod
    def now(cls, server_pid: int) -> CpuMark:
        main, children = _tree_cpu(server_pid)
        return cls(time.process_time(), main, children, _machine_busy())


# ---------------------------------------------------------------- the HTTP client

def _get(port: int, target: str, accept: str) -> bytes:
    return (f"GET {target} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: {accept}\r\n"
            f"User-Agent: kg-load-bench\r\n\r\n").encode("ascii")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, keep-alive) of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked, keep = None, False, not lines[0].startswith(b"HTTP/1.0")
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            keep = value.strip().lower() != b"close"
    if chunked:
        parts = []
        while True:
            size = int((await reader.readline()).split(b";", 1)[0], 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b""):  # trailers
                    pass
                break
            parts.append((await reader.readexactly(size + 2))[:-2])
        body = b"".join(parts)
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body, keep = await reader.read(), False
    return status, body, keep


async def _connect(port: int):
    return await asyncio.open_connection(HOST, port, limit=1 << 20)


async def _one_request(port: int, request: bytes) -> tuple[int, bytes]:
    reader, writer = await _connect(port)
    try:
        writer.write(request)
        status, body, _ = await asyncio.wait_for(_read_response(reader), 60)
        return status, body
    finally:
        writer.close()


@dataclass
class PhaseResult:
    done: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    latencies: list[int] = field(default_factory=list)  # ns
    body_bytes: int = 0
    wall: float = 0.0
    timed_out: bool = False
    cpu: dict = field(default_factory=dict)


async def _load(port: int, requests: list[bytes], clients: int, max_seconds: float) -> PhaseResult:
    """Send ``requests`` over ``clients`` keep-alive connections, as fast as they are answered."""
    result = PhaseResult()
    work = iter(requests)
    perf = time.perf_counter_ns

    def error(text: str) -> None:
        result.errors += 1
        if len(result.error_samples) < 5:
            result.error_samples.append(text)

    async def client() -> None:
        connection = None
        for request in work:
            if connection is None:
                connection = await _connect(port)
            reader, writer = connection
            start = perf()
            try:
                writer.write(request)
                status, body, keep = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
                result.latencies.append(perf() - start)
                result.done += 1
                error(f"{type(exc).__name__}: {exc}")
                writer.close()
                connection = None
                continue
            result.latencies.append(perf() - start)
            result.done += 1
            result.body_bytes += len(body)
            if status != 200:
                error(f"HTTP {status}: {body[:200].decode(errors='replace')}")
            if not keep:
                writer.close()
                connection = None
        if connection is not None:
            connection[1].close()

    start = time.perf_counter()
    tasks = [asyncio.ensure_future(client()) for _ in range(clients)]
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), max_seconds)
    except asyncio.TimeoutError:
        result.timed_out = True
    result.wall = time.perf_counter() - start
    return result


def run_phase(server: Server, requests: list[bytes], clients: int, max_seconds: float) -> PhaseResult:
    """One measured load phase, with the CPU the client, the server tree and the rest of the machine used."""
    before = CpuMark.now(server.process.pid)
    result = asyncio.run(_load(server.port, requests, clients, max_seconds))
    after = CpuMark.now(server.process.pid)
    client = after.client - before.client
    main = after.server_main - before.server_main
    children = after.server_children - before.server_children
    result.cpu = {"client": client, "server_main": main, "server_children": children,
                  "other": max(0.0, (after.machine - before.machine) - client - main - children)}
    return result


def merge(phases: list[PhaseResult]) -> PhaseResult:
    merged = PhaseResult(cpu={key: 0.0 for key in ("client", "server_main", "server_children", "other")})
    for phase in phases:
        merged.done += phase.done
        merged.errors += phase.errors
        merged.error_samples += phase.error_samples[:5 - len(merged.error_samples)]
        merged.latencies += phase.latencies
        merged.body_bytes += phase.body_bytes
        merged.wall += phase.wall
        merged.timed_out |= phase.timed_out
        for key, value in phase.cpu.items():
            merged.cpu[key] += value
    return merged


# ---------------------------------------------------------------- data and workload

@dataclass(frozen=True, eq=False)
class Item:
    name: str
    params: dict
    sparql: str


def prepare_data(work: Path, synthetic: int, seed: int, optimize: bool = False) -> list[tuple[str, Path, Path]]:
    """[(label, build dir, oxigraph location)] for the seed graph and the synthetic corpus."""
    datasets = [("seed graph", SEEDS_DIR, [])]
    if synthetic:
        generator = BENCH_DIR / "synthetic_corpus.py"
        if not generator.exists():
            raise RuntimeError("--synthetic needs bench/synthetic_corpus.py, which is not there")
        seeds = work / f"synthetic-{synthetic}-seeds"
        _log(f"generating a synthetic corpus of {synthetic:,} statements")
        _run([PYTHON, str(generator), str(seeds), "--statements", str(synthetic), "--seed", str(seed)],
             "synthetic_corpus.py", 1800, cwd=str(REPO))
        datasets.append((f"synthetic {synthetic:,} statements", seeds, ["--no-shapes"]))
    prepared = []
    for label, seeds, flags in datasets:
        slug = "seed" if label == "seed graph" else f"synthetic-{synthetic}"
        build, nquads, location = work / f"{slug}-build", work / f"{slug}.nq", work / f"{slug}-oxigraph"
        _log(f"[{label}] kg build")
        _run([PYTHON, "-m", "graph_model", "build", "--seeds", str(seeds), "--out", str(build), "--no-render",
              *flags], "kg build", 3600, cwd=str(REPO))
        _log(f"[{label}] kg export --format nquads, oxigraph load")
        _run([PYTHON, "-m", "graph_model", "export", "--format", "nquads", "-o", str(nquads), "--out", str(build)],
             "kg export", 1800, cwd=str(REPO))
        _run([_oxigraph_binary(), "load", "--location", str(location), "--file", str(nquads)], "oxigraph load", 1800)
        nquads.unlink()
        if optimize:
            _log(f"[{label}] experiment: pyoxigraph Store.optimize() on the kg build store")
            _run([PYTHON, "-c", "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); s.optimize(); s.flush()",
                  str(build / "store")], "Store.optimize", 1800)
        prepared.append((label, build, location))
    return prepared


_PREFIX_SPARQL = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX kg: <https://newsgraph.example/ontology#>
"""

# Best-connected entity of the kind a parameter wants, for graphs without the defaults.
_FALLBACK = {
    "initiative": """SELECT ?id (COUNT(*) AS ?n) WHERE {
        ?e kg:entityType kg:Initiative ; dcterms:identifier ?id .
        ?st rdf:predicate kg:proposes ; rdf:object ?e } GROUP BY ?id ORDER BY DESC(?n) ?id LIMIT 1""",
    "actor": """SELECT ?id (COUNT(*) AS ?n) WHERE {
        VALUES ?p { kg:memberOf kg:partyTo } ?e dcterms:identifier ?id .
        ?st rdf:subject ?e ; rdf:predicate ?p } GROUP BY ?id ORDER BY DESC(?n) ?id LIMIT 1""",
    "organisation": """SELECT ?id (COUNT(*) AS ?n) WHERE {
        VALUES ?p1 { kg:proposes kg:promotes kg:supports kg:discusses } VALUES ?p2 { kg:involves kg:concerns }
        ?e kg:entityType kg:Organisation ; dcterms:identifier ?id . ?i kg:entityType kg:Initiative .
        ?s2 rdf:subject ?i ; rdf:predicate ?p2 ; rdf:object ?e ; prov:wasDerivedFrom ?a .
        ?s1 rdf:subject ?actor ; rdf:predicate ?p1 ; rdf:object ?i ; prov:wasDerivedFrom ?a .
        ?actor kg:entityType ?t . FILTER(?t IN (kg:Person, kg:State, kg:Organisation)) }
        GROUP BY ?id ORDER BY DESC(?n) ?id LIMIT 1""",
    "entity": """SELECT ?id (COUNT(*) AS ?n) WHERE {
        ?e kg:entityType ?t ; dcterms:identifier ?id .
        ?st a kg:Statement . { ?st rdf:subject ?e } UNION { ?st rdf:object ?e } }
        GROUP BY ?id ORDER BY DESC(?n) ?id LIMIT 8""",
}


def choose_workload(build: Path, entities: int) -> list[Item]:
    """The distinct queries: each named query once, entity-statements on ``entities`` entities."""
    import pyoxigraph as ox

    from graph_model.build import open_store
    from graph_model.errors import UsageError
    from graph_model.queries import get_named_query, resolve_entity
    from graph_model.sparql_text import bind_values
    from graph_model.vocabulary import PREFIXES, entity_iri

    store = open_store(build)
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

    def exists(entity_id: str) -> bool:
        try:
            return resolve_entity(store, entity_id) == entity_id
        except UsageError:
            return False

    def ranked(kind: str) -> list[str]:
        rows = store.ox.query(_PREFIX_SPARQL + _FALLBACK[kind], use_default_graph_as_union=True)
        return [row["id"].value for row in rows if exists(row["id"].value)]

    items = []
    for name in NAMES:
        query = get_named_query(name, QUERIES_DIR)
        (param,) = query.params
        if name == "entity-statements":
            values = ([param.default] if param.default and exists(param.default) else [])
            values += [v for v in ranked("entity") if v not in values]
            values = values[:entities]
        elif param.default and exists(param.default):
            values = [param.default]
        else:
            values = ranked(param.name)[:1]
        if not values:
            raise RuntimeError(f"no entity in the graph fits the parameter '{param.name}' of {name}")
        for value in values:
            text = bind_values(query.text, {param.name: ox.NamedNode(str(entity_iri(value)))})
            items.append(Item(name, {param.name: value}, prologue + text))
    del store
    return items


def schedule(items: list[Item], total: int, offset: int = 0) -> list[Item]:
    """``total`` queries: the named queries in turn, each cycling through its parameter values."""
    by_name: dict[str, list[Item]] = {}
    for item in items:
        by_name.setdefault(item.name, []).append(item)
    names = list(by_name)
    out = []
    for i in range(offset, offset + total):
        variants = by_name[names[i % len(names)]]
        out.append(variants[(i // len(names)) % len(variants)])
    return out


PATHS = ("kg /queries", "kg /sparql", "oxigraph /query")


def request_for(path: str, port: int, item: Item) -> bytes:
    if path == "kg /queries":
        return _get(port, f"/queries/{item.name}?{urlencode({**item.params, 'format': 'json'})}", RESULTS_JSON)
    if path == "kg /sparql":
        return _get(port, f"/sparql?query={quote(item.sparql, safe='')}", RESULTS_JSON)
    return _get(port, f"/query?union-default-graph&query={quote(item.sparql, safe='')}", RESULTS_JSON)


def row_counts(port: int, path: str, items: list[Item]) -> dict[Item, int | str]:
    """Result rows of each distinct query on ``path`` (or the error), asked one at a time."""
    counts = {}
    for item in items:
        status, body = asyncio.run(_one_request(port, request_for(path, port, item)))
        if status != 200:
            counts[item] = f"HTTP {status}: {body[:200].decode(errors='replace')}"
        else:
            counts[item] = len(json.loads(body)["results"]["bindings"])
    return counts


# ---------------------------------------------------------------- profiling (optional)

def py_spy_profile(server: Server, items: list[Item], args, out_dir: Path, label: str) -> list[tuple[str, Path, str]]:
    """Sample the kg serve process tree with py-spy during an extra, unmeasured load on each kg path.

    Returns [(path, collapsed-stacks file, markdown summary)]."""
    py_spy = shutil.which("py-spy") or (str(VENV_BIN / "py-spy") if (VENV_BIN / "py-spy").exists() else None)
    if not py_spy:
        _log("--py-spy: py-spy not found (pip install py-spy into the venv); skipped")
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in PATHS[:2]:
        raw = out_dir / f"{label.split()[0]}-{path.split('/')[1]}.txt"
        _log(f"[{label}] {path}: py-spy record during {args.queries} more queries -> {raw}")
        recorder = _popen([py_spy, "record", "--subprocesses", "--pid", str(server.process.pid), "--rate",
                           str(args.py_spy_rate), "--format", "raw", "--output", str(raw), "--nonblocking"],
                          out_dir / f"{raw.stem}.log")
        time.sleep(1.5)
        requests = [request_for(path, server.port, item) for item in schedule(items, args.queries)]
        asyncio.run(_load(server.port, requests, args.clients, args.max_seconds))
        try:
            recorder.send_signal(signal.SIGINT)
            recorder.wait(60)
        except subprocess.TimeoutExpired:
            pass
        _kill(recorder)
        if raw.exists():
            written.append((path, raw, summarise_profile(raw)))
    return written


def _frame(frame: str) -> str:
    """'func (pkg/file.py:12)' -> 'func (pkg/file.py)'."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit(':', 1)[0]})" if where else name


def summarise_profile(raw: Path, top: int = 12) -> str:
    """Markdown-ready text: per process role (uvicorn process, query workers), the inclusive share
    of samples of every ``graph_model`` function and of the run-time's big pieces, and the top leaves."""
    watched = ("graph_model/", "yaml/__init__.py", "json/__init__.py", "multiprocessing/connection.py",
               "starlette/routing.py", "starlette/responses.py", "uvicorn/protocols/http/h11_impl.py",
               "h11/", "selectors.py")
    roles: dict[str, dict[str, int]] = {"uvicorn process": {}, "query workers": {}}
    leaves: dict[str, dict[str, int]] = {role: {} for role in roles}
    totals = {role: 0 for role in roles}
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        parts = stack.split(";")
        frames = [_frame(f) for f in parts if not f.startswith("process ")]
        spawned = any(f.startswith("process ") and "multiprocessing" in f for f in parts)
        if spawned and not any(f.startswith("_worker_main ") for f in frames):
            continue  # the resource tracker, or a worker starting
        role = "query workers" if spawned else "uvicorn process"
        totals[role] += n
        if frames:
            leaves[role][frames[-1]] = leaves[role].get(frames[-1], 0) + n
        seen = set()
        for frame in frames:
            where = frame.rpartition(" (")[2]
            if frame in seen or not where.startswith(watched) or frame.startswith(("_worker_main", "execute_job")) \
                    or where in ("graph_model/__main__.py)", "graph_model/cli/__init__.py)") or frame == "serve (graph_model/serve.py)":
                continue
            seen.add(frame)
            roles[role][frame] = roles[role].get(frame, 0) + n
    lines = []
    for role, counts in roles.items():
        if not totals[role]:
            continue
        lines += [f"{role}: {totals[role]:,} samples; inclusive share:"]
        for name, n in sorted(counts.items(), key=lambda kv: -kv[1])[:top]:
            lines.append(f"  {n / totals[role]:6.1%}  {name}")
        lines += ["  top leaves (self):"]
        for name, n in sorted(leaves[role].items(), key=lambda kv: -kv[1])[:6]:
            lines.append(f"  {n / totals[role]:6.1%}  {name}")
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- the benchmark

def bench_dataset(label: str, build: Path, location: Path, args, logs: Path) -> dict:
    """Both servers up side by side (an idle one costs nothing); the measured phases alternate between
    the paths, ``--rounds`` times, so a change in the machine's other load hits all paths alike."""
    items = choose_workload(build, args.entities)
    _log(f"[{label}] {len(items)} distinct queries: "
         + ", ".join(f"{i.name}({next(iter(i.params.values()))})" for i in items))
    per_round = [args.queries // args.rounds + (1 if r < args.queries % args.rounds else 0) for r in range(args.rounds)]
    counts, runs, profiles = {}, {path: [] for path in PATHS}, []
    kg = oxigraph = None
    try:
        kg = start_kg(build, args.workers, args.timeout, logs, cache_mb=args.cache_mb)
        oxigraph = start_oxigraph(location, logs)
        server_of = {PATHS[0]: kg, PATHS[1]: kg, PATHS[2]: oxigraph}
        for path in PATHS:
            counts[path] = row_counts(server_of[path].port, path, items)
        for path in PATHS:
            server = server_of[path]
            _log(f"[{label}] {path}: {args.warmup} warm-up queries")
            warmup = schedule(items, args.warmup, offset=args.queries)
            asyncio.run(_load(server.port, [request_for(path, server.port, i) for i in warmup], args.clients,
                              args.max_seconds))
        offset = 0
        for round_no, n in enumerate(per_round, 1):
            measured = schedule(items, n, offset=offset)
            offset += n
            for path in PATHS:
                server = server_of[path]
                _log(f"[{label}] round {round_no}/{args.rounds}, {path}: {n} queries, {args.clients} clients")
                runs[path].append(run_phase(server, [request_for(path, server.port, i) for i in measured],
                                            args.clients, args.max_seconds))
        if args.py_spy:
            profiles = py_spy_profile(kg, items, args, args.py_spy, label)
    finally:
        for server in (kg, oxigraph):
            if server is not None:
                _kill(server.process)

    mismatches = [f"{i.name}({next(iter(i.params.values()))}): "
                  + ", ".join(f"{p} {counts[p][i]}" for p in PATHS)
                  for i in items if len({str(counts[p][i]) for p in PATHS}) != 1
                  or not isinstance(counts[PATHS[2]][i], int)]
    return {"label": label, "items": items, "counts": counts, "phases": {p: merge(r) for p, r in runs.items()},
            "rounds": runs, "mismatches": mismatches, "profiles": profiles}


# ---------------------------------------------------------------- report

def _percentile(sorted_ns: list[int], q: float) -> float:
    """Nearest-rank percentile, in ms."""
    if not sorted_ns:
        return float("nan")
    index = min(len(sorted_ns) - 1, max(0, int(-(-q * len(sorted_ns) // 1)) - 1))
    return sorted_ns[index] / 1e6


def _stats(phase: PhaseResult) -> dict:
    ordered = sorted(phase.latencies)
    return {"qps": phase.done / phase.wall if phase.wall else 0.0, "p50": _percentile(ordered, 0.50),
            "p99": _percentile(ordered, 0.99), "max": ordered[-1] / 1e6 if ordered else float("nan")}


def _mark(ok: bool) -> str:
    return "met" if ok else "**MISSED**"


def report(results: list[dict], args, command: str, total: float) -> str:
    lines = [
        f"Measured {datetime.datetime.now().isoformat(timespec='minutes')} on {os.cpu_count()} cores "
        f"({platform.machine()}), Python {platform.python_version()}, pyoxigraph/oxigraph "
        f"{_oxigraph_version()}; {args.clients} clients (one keep-alive connection each), {args.queries} "
        f"measured queries per path after {args.warmup} warm-up queries, in {args.rounds} phase(s) per path "
        f"alternating between the paths, kg serve with {args.workers} query workers; whole run {total:.0f} s."
        + (" **Experiment: the kg build store was compacted with Store.optimize() before serving.**"
           if args.optimize_kg_store else ""),
        "",
        f"Command: `{command}`",
        "",
        f"Goals: kg serve throughput >= {GOALS['ratio']}x the Oxigraph server's, p99 < {GOALS['p99_ms']:g} ms, "
        f"{GOALS['errors']} errors.",
    ]
    for r in results:
        phases = r["phases"]
        stats = {p: _stats(phases[p]) for p in PATHS}
        ox_qps = stats[PATHS[2]]["qps"]
        cpu_per_q = {p: (phases[p].cpu["server_main"] + phases[p].cpu["server_children"]) / max(phases[p].done, 1)
                     for p in PATHS}
        lines += [
            "",
            f"### {r['label']}",
            "",
            "| server / path | queries | errors | throughput | ratio to Oxigraph: throughput (CPU) | p50 | p99 | max | "
            "client CPU / q | server CPU / q | other CPU | goals |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for path in PATHS:
            phase, s = phases[path], stats[path]
            cpu = phase.cpu
            n = max(phase.done, 1)
            if path.startswith("kg"):
                server_cpu = (f"{(cpu['server_main'] + cpu['server_children']) / n * 1e3:.2f} ms "
                              f"(uvicorn {cpu['server_main'] / n * 1e3:.2f} + workers "
                              f"{cpu['server_children'] / n * 1e3:.2f})")
                ratio = s["qps"] / ox_qps if ox_qps else float("nan")
                ratio_text = f"**{ratio:.2f}x** ({cpu_per_q[PATHS[2]] / cpu_per_q[path]:.2f}x)" \
                    if cpu_per_q[path] else f"**{ratio:.2f}x**"
                goals = (f"throughput {_mark(ratio >= GOALS['ratio'])}, p99 {_mark(s['p99'] < GOALS['p99_ms'])}, "
                         f"errors {_mark(phase.errors == GOALS['errors'] and not phase.timed_out)}")
            else:
                server_cpu = f"{(cpu['server_main'] + cpu['server_children']) / n * 1e3:.2f} ms"
                ratio_text = "1.00x (reference)"
                goals = (f"p99 {_mark(s['p99'] < GOALS['p99_ms'])}, "
                         f"errors {_mark(phase.errors == 0 and not phase.timed_out)}")
            incomplete = f" (stopped at {args.max_seconds:g} s)" if phase.timed_out else ""
            lines.append(
                f"| {path} | {phase.done:,}{incomplete} | {phase.errors} | {s['qps']:,.0f} q/s | {ratio_text} | "
                f"{s['p50']:.1f} ms | {s['p99']:.1f} ms | {s['max']:.1f} ms | "
                f"{cpu['client'] / n * 1e3:.2f} ms | {server_cpu} | {cpu['other'] / phase.wall:.0%} of a core | "
                f"{goals} |")
        if args.rounds > 1:
            lines += ["", "Throughput by phase: " + "; ".join(
                f"{p} " + ", ".join(f"{run.done / run.wall:,.0f}" if run.wall else "-" for run in r["rounds"][p])
                for p in PATHS) + " q/s."]
        ox_cpu = cpu_per_q[PATHS[2]]
        needed = args.clients / (GOALS["p99_ms"] / 1e3)
        if ox_cpu > 0:
            lines += ["", f"Bound: with {args.clients} closed-loop clients the mean latency is {args.clients} / throughput "
                      f"(Little's law), so p99 < {GOALS['p99_ms']:g} ms needs more than {needed:,.0f} q/s. The Oxigraph "
                      f"server alone spends {ox_cpu * 1e3:.2f} ms of CPU per query of this mix, which caps any server "
                      f"that evaluates every query at about {(os.cpu_count() or 1) / ox_cpu:,.0f} q/s on "
                      f"{os.cpu_count()} cores."]
        lines += ["", "Workload (distinct queries, asked in turn; result rows on each path):", "",
                  "| query | parameter | rows |", "|---|---|---:|"]
        for item in r["items"]:
            (param, value), = item.params.items()
            lines.append(f"| {item.name} | {param}={value} | {r['counts'][PATHS[2]][item]} |")
        if r["mismatches"]:
            lines += ["", "**Result rows differ between paths:** " + "; ".join(r["mismatches"])]
        for path in PATHS:
            for sample in phases[path].error_samples:
                lines.append(f"- error on {path}: `{sample}`")
        for path, raw, summary in r["profiles"]:
            lines += ["", f"py-spy profile of kg serve during {args.queries} more queries on `{path}` "
                      f"(collapsed stacks: `{raw}`):", "", "```", summary.rstrip(), "```"]
    lines += ["", "*ratio to Oxigraph*: kg serve's measured throughput over the Oxigraph server's; in brackets the "
              "ratio of their server CPU per query, i.e. the throughput ratio to expect on an otherwise idle machine "
              "when both are CPU-bound (less sensitive to other tenants). "
              "*client CPU / q*: CPU time of this load generator per query; *server CPU / q*: CPU time of the "
              "server's process tree per query (kg serve: uvicorn process + query workers); *other CPU*: CPU used "
              "on the machine by anything else during the phase (other tenants; high = noisy)."]
    return "\n".join(lines)


def _oxigraph_version() -> str:
    try:
        return subprocess.run([_oxigraph_binary(), "--version"], capture_output=True, text=True,
                              timeout=10).stdout.split()[-1]
    except (OSError, IndexError, subprocess.TimeoutExpired, RuntimeError):
        return "?"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--queries", type=int, default=2000, help="measured queries per path (default 2000)")
    parser.add_argument("--warmup", type=int, default=100, help="warm-up queries per path, discarded (default 100)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="split the measured queries of each path into this many phases, alternating between "
                             "the paths (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="kg serve query workers (default 2)")
    parser.add_argument("--cache-mb", type=int, default=64,
                        help="kg serve --cache-mb; 0 measures every query evaluated (default 64)")
    parser.add_argument("--timeout", type=float, default=10.0, help="kg serve --timeout (default 10)")
    parser.add_argument("--entities", type=int, default=4, help="entities entity-statements cycles through (default 4)")
    parser.add_argument("--synthetic", type=int, default=0, metavar="N",
                        help="also a synthetic corpus of N statements (bench/synthetic_corpus.py)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus")
    parser.add_argument("--max-seconds", type=float, default=300.0,
                        help="time limit of each load phase; a phase cut short is reported as such (default 300)")
    parser.add_argument("--optimize-kg-store", action="store_true",
                        help="experiment: compact the kg build store (pyoxigraph Store.optimize()) before serving it, "
                             "to measure what doing that in 'kg build' would give")
    parser.add_argument("--py-spy", type=Path, metavar="DIR",
                        help="also sample kg serve with py-spy during an extra load on each kg path "
                             "(collapsed stacks into DIR, a summary into the report)")
    parser.add_argument("--py-spy-rate", type=int, default=100, help="py-spy samples per second (default 100)")
    parser.add_argument("--work-dir", type=Path, help="where builds and stores go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--output", type=Path, help="also write the markdown report here")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.queries < 1 or args.warmup < 0 or not 1 <= args.rounds <= args.queries:
        parser.error("--clients and --queries must be positive, --warmup not negative, 1 <= --rounds <= --queries")
    command = " ".join([".venv/bin/python bench/load_bench.py", *(argv if argv is not None else sys.argv[1:])])

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    sys.path.insert(0, str(REPO))
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="kg-load-"))
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    start = time.perf_counter()
    try:
        results = [bench_dataset(label, build, location, args, logs)
                   for label, build, location in prepare_data(work, args.synthetic, args.seed, args.optimize_kg_store)]
    finally:
        _kill_all()
        if not args.keep and args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    text = report(results, args, command, time.perf_counter() - start)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)
    failed = any(r["mismatches"] or any(p.errors or p.timed_out for p in r["phases"].values()) for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
