"""Stage 9: serve the graph over HTTP: a SPARQL 1.1 Protocol endpoint, the graph page, the
named queries as REST resources and a small query page.

Safe by default: read-only (SPARQL Update and LOAD get 403), SERVICE refused unless enabled
(it would make the server fetch URLs), a per-query time limit and a result-size limit.

Queries against the on-disk store run in a pool of worker processes, each with the store
opened read-only. That is what makes the time limit real: Oxigraph cannot be interrupted from
Python, so a query over its limit is stopped by killing its worker, which is then replaced.
An in-memory or remote store (tests, ``--store URL``) is queried in a thread instead.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import json
import multiprocessing
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

from .errors import GraphModelError, QueryError, UsageError

TEMPLATES = Path(__file__).parent / "templates"

RESULTS_MEDIA = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_MEDIA = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
}
FORMAT_PARAM = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                "ntriples": "application/n-triples", "jsonld": "application/ld+json"}


@dataclass(frozen=True)
class ServeSettings:
    """Limits and switches of the endpoint."""

    timeout: float = 10.0
    max_results: int = 10_000
    allow_service: bool = False
    cors_origins: tuple[str, ...] = ()
    workers: int = 2
    cache_bytes: int = 64 * 1024 * 1024


class ReplyCache:
    """Successful replies by request, up to ``max_bytes`` in all, least recently used first out.

    The store a server reads is a fixed snapshot (read-only, opened at start), so a reply stays
    right for as long as the server runs; it is emptied when a worker is replaced, since the
    replacement opens the store afresh.
    """

    def __init__(self, max_bytes: int):
        from collections import OrderedDict

        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict = OrderedDict()

    def get(self, key):
        reply = self.entries.get(key)
        if reply is not None:
            self.entries.move_to_end(key)
        return reply

    def put(self, key, reply: Reply) -> None:
        if reply.status != 200 or len(reply.body) > self.max_bytes // 8 or key in self.entries:
            return
        self.entries[key] = reply
        self.size += len(reply.body)
        while self.size > self.max_bytes:
            _, old = self.entries.popitem(last=False)
            self.size -= len(old.body)

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0


@dataclass(frozen=True)
class Reply:
    status: int
    media_type: str
    body: bytes
    headers: dict = field(default_factory=dict)


def _text(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


# ---------------------------------------------------------------- what a query may do

_LEXICAL_NOISE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>" r"|#[^\n]*" r"|[?$][\w]+" r"|[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]*",
    re.DOTALL)
_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s*|BASE\s*)\s*)*", re.IGNORECASE)
_UPDATE_START = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def keywords_of(sparql: str) -> str:
    """The query with strings, IRIs, comments, variables and prefixed names blanked out,
    so keyword checks cannot be fooled by (or misfire on) data.

    >>> keywords_of('SELECT ?service WHERE { ?s <urn:SERVICE> "SERVICE" } # SERVICE')
    'SELECT   WHERE {       }  '
    """
    return _LEXICAL_NOISE.sub(" ", sparql)


def refusal(sparql: str, settings: ServeSettings) -> Reply | None:
    """A 403 reply if the query is an update, LOAD, or uses SERVICE while that is disabled."""
    words = _PROLOGUE.sub("", keywords_of(sparql))
    update = _UPDATE_START.match(words)
    if update:
        keyword = update.group(1).upper()
        if keyword == "LOAD":
            return _text(403, "LOAD is refused: this endpoint is read-only and never fetches URLs for a client.")
        return _text(403, f"SPARQL Update ({keyword}) is refused: this endpoint is read-only. "
                          "Change the mapping in seeds/ and run 'kg build' instead.")
    if not settings.allow_service and _SERVICE.search(words):
        return _text(403, "SERVICE is refused: federated queries would make this server fetch URLs. "
                          "Start 'kg serve --allow-service' to enable them.")
    return None


# ---------------------------------------------------------------- content negotiation

def negotiate(accept: str | None, offers: dict[str, str]) -> str | None:
    """The best media type in ``offers`` for an Accept header (q-values honoured), or None.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULTS_MEDIA)
    'application/sparql-results+xml'
    >>> negotiate(None, RESULTS_MEDIA)
    'application/sparql-results+json'
    """
    if not accept:
        return next(iter(offers))
    ranked = []
    for order, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, order, media.lower()))
    for negative_q, _, media in sorted(ranked):
        if negative_q == 0:
            continue
        if media in offers:
            return media
        if media in ("*/*", "application/*", "text/*"):
            prefix = media.split("/")[0]
            for offer in offers:
                if prefix == "*" or offer.startswith(prefix + "/"):
                    return offer
    return None


# ---------------------------------------------------------------- running a job

def execute_job(store, job: dict, settings: ServeSettings) -> Reply:
    """Run one job ({"kind": "sparql"|"named", ...}) against ``store``; never raises."""
    try:
        if job["kind"] == "sparql":
            return _execute_sparql(store, job["query"], job.get("accept"), settings)
        return _execute_named(store, job, settings)
    except QueryError as exc:
        return _text(400, str(exc))
    except UsageError as exc:
        return _text(400, str(exc))
    except GraphModelError as exc:
        return _text(500, str(exc))
    except Exception as exc:  # a worker must answer, whatever happens
        return _text(500, f"query failed: {type(exc).__name__}: {exc}")


def _execute_sparql(store, sparql: str, accept: str | None, settings: ServeSettings) -> Reply:
    import pyoxigraph as ox

    from .results import QueryResult

    raw = store.query(sparql)
    if isinstance(raw, (bool, ox.QueryBoolean)):
        return _serialise_result(QueryResult((), (), bool(raw)), accept)
    if isinstance(raw, ox.QuerySolutions):
        variables = tuple(v.value for v in raw.variables)
        rows = tuple(tuple(s[v] for v in variables) for s in itertools.islice(raw, settings.max_results + 1))
        if len(rows) > settings.max_results:
            return _too_large(settings)
        return _serialise_result(QueryResult(variables, rows), accept)
    triples = list(itertools.islice(raw, settings.max_results + 1))
    if len(triples) > settings.max_results:
        return _too_large(settings)
    media = negotiate(accept, GRAPH_MEDIA)
    if media is None:
        return _text(406, f"cannot produce {accept} for a graph result. Ask for one of: {', '.join(GRAPH_MEDIA)}.")
    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                  "jsonld": ox.RdfFormat.JSON_LD}[GRAPH_MEDIA[media]]
    from .iris import PREFIXES

    body = ox.serialize(triples, format=rdf_format, prefixes=PREFIXES) if rdf_format == ox.RdfFormat.TURTLE \
        else ox.serialize(triples, format=rdf_format)
    return Reply(200, media, body or b"")


def _too_large(settings: ServeSettings) -> Reply:
    return _text(422, f"the result has more than {settings.max_results} rows, the limit of this endpoint. "
                      "Add LIMIT (and OFFSET to page), or start 'kg serve --max-results N'.")


def _serialise_result(result, accept: str | None) -> Reply:
    from .results import format_csv, format_tsv, format_xml

    media = negotiate(accept, RESULTS_MEDIA)
    if media is None:
        return _text(406, f"cannot produce {accept} for query results. Ask for one of: {', '.join(RESULTS_MEDIA)}.")
    kind = RESULTS_MEDIA[media]
    if kind == "json":
        body = _json_results(result)
    else:
        body = {"xml": format_xml, "csv": format_csv, "tsv": format_tsv}[kind](result)
    return Reply(200, media if kind != "json" else "application/sparql-results+json",
                 body.encode("utf-8"))


def _json_results(result) -> str:
    from .results import _json_term

    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean})
    bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}},
                      ensure_ascii=False, separators=(",", ":"))


def _execute_named(store, job: dict, settings: ServeSettings) -> Reply:
    from .queries import read_named_queries, run_named_query

    queries = read_named_queries(Path(job["queries_dir"]) if job.get("queries_dir") else None)
    if job["name"] not in queries:
        return _text(404, f"no named query '{job['name']}'. GET /queries lists them.")
    result = run_named_query(store, job["name"], job["params"],
                             queries_dir=Path(job["queries_dir"]) if job.get("queries_dir") else None)
    if len(result.rows) > settings.max_results:
        return _too_large(settings)
    if job.get("format") == "csv":
        from .results import format_csv

        reply = Reply(200, "text/csv; charset=utf-8", format_csv(result).encode("utf-8"),
                      {"content-disposition": f'attachment; filename="{job["name"]}.csv"'})
        return reply
    return Reply(200, "application/sparql-results+json", _json_results(result).encode("utf-8"))


# ---------------------------------------------------------------- runners

class InlineRunner:
    """Run jobs in a thread against an in-process store. A job over the limit gets a 503 reply,
    but its thread runs on: use the process pool when limits must really stop work."""

    def __init__(self, store, settings: ServeSettings):
        self.store = store
        self.settings = settings

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def run(self, job: dict) -> Reply:
        try:
            return await asyncio.wait_for(asyncio.to_thread(execute_job, self.store, job, self.settings),
                                          self.settings.timeout)
        except asyncio.TimeoutError:
            return _timeout_reply(self.settings)


def _timeout_reply(settings: ServeSettings) -> Reply:
    return _text(503, f"the query ran past the time limit of {settings.timeout:g} s and was stopped. "
                      "Narrow it (LIMIT, more specific patterns) or start 'kg serve --timeout S'.")


def _worker_main(conn, location: str, settings: ServeSettings) -> None:
    from .store import GraphStore

    store = GraphStore.open(location)
    conn.send("ready")
    while True:
        job = conn.recv()
        if job is None:
            return
        conn.send(execute_job(store, job, settings))


class _Worker:
    def __init__(self, context, location: Path, settings: ServeSettings):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, str(location), settings), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(60) or self.conn.recv() != "ready":
            raise RuntimeError("a query worker did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class ProcessPoolRunner:
    """Run jobs in worker processes over the on-disk store; kill and replace a worker whose
    job runs past the time limit."""

    def __init__(self, location: Path, settings: ServeSettings):
        self.location = Path(location)
        self.settings = settings
        self.context = multiprocessing.get_context("spawn")
        self.idle: asyncio.Queue | None = None
        self.workers: list[_Worker] = []
        self.replaced = 0

    def _spawn(self) -> _Worker:
        worker = _Worker(self.context, self.location, self.settings)
        self.workers.append(worker)
        return worker

    async def start(self) -> None:
        self.idle = asyncio.Queue()
        for worker in await asyncio.gather(*(asyncio.to_thread(self._spawn) for _ in range(self.settings.workers))):
            self.idle.put_nowait(worker)

    async def stop(self) -> None:
        for worker in self.workers:
            worker.kill()
        self.workers.clear()

    async def run(self, job: dict) -> Reply:
        worker = await self.idle.get()
        loop = asyncio.get_running_loop()
        healthy = False
        try:
            readable = loop.create_future()
            fd = worker.conn.fileno()
            loop.add_reader(fd, lambda: readable.done() or readable.set_result(None))
            try:
                worker.conn.send(job)
                await asyncio.wait_for(readable, self.settings.timeout)
            finally:
                loop.remove_reader(fd)
            # uvloop leaves the pipe non-blocking; read the whole reply off the event loop.
            os.set_blocking(fd, True)
            reply = await asyncio.to_thread(worker.conn.recv)
            healthy = True
            return reply
        except asyncio.TimeoutError:
            return _timeout_reply(self.settings)
        finally:
            if healthy:
                self.idle.put_nowait(worker)
            else:  # over time, cancelled or broken: never reuse a worker in an unknown state
                self.workers.remove(worker)
                worker.kill()
                self.replaced += 1
                loop.create_task(self._replace())

    async def _replace(self) -> None:
        self.idle.put_nowait(await asyncio.to_thread(self._spawn))


# ---------------------------------------------------------------- the app

def create_app(source, *, settings: ServeSettings | None = None, graph_html: str | None = None,
               queries_dir: Path | None = None):
    """The Starlette app. ``source`` is a store (queried in a thread) or the path of an
    on-disk store (queried by a pool of worker processes that enforce the time limit)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Route

    from .queries import read_named_queries

    settings = settings or ServeSettings()
    runner = ProcessPoolRunner(source, settings) if isinstance(source, (str, Path)) else InlineRunner(source, settings)
    queries_dir_text = str(queries_dir) if queries_dir else None

    cache = ReplyCache(settings.cache_bytes)
    replaced_seen = [0]

    async def run_cached(key, job: dict) -> Reply:
        replaced = getattr(runner, "replaced", 0)
        if replaced != replaced_seen[0]:
            cache.clear()
            replaced_seen[0] = replaced
        reply = cache.get(key) if settings.cache_bytes else None
        if reply is None:
            reply = await runner.run(job)
            if settings.cache_bytes:
                cache.put(key, reply)
        return reply

    def respond(reply: Reply) -> Response:
        return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=reply.headers)

    async def sparql(request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        params = dict(request.query_params)
        text = params.get("query")
        if request.method == "POST":
            body = (await request.body()).decode("utf-8", errors="replace")
            if content_type == "application/sparql-update" or (
                    content_type == "application/x-www-form-urlencoded" and "update" in dict(parse_qsl(body))):
                return respond(_text(403, "SPARQL Update is refused: this endpoint is read-only."))
            if content_type == "application/sparql-query":
                text = body
            elif content_type == "application/x-www-form-urlencoded":
                text = dict(parse_qsl(body, keep_blank_values=True)).get("query", text)
            else:
                return respond(_text(415, "POST a query as application/sparql-query or as the 'query' field of "
                                          "application/x-www-form-urlencoded."))
        if "update" in params:
            return respond(_text(403, "SPARQL Update is refused: this endpoint is read-only."))
        if not text:
            return respond(_text(400, "no query: pass it as ?query=... or POST it. See https://www.w3.org/TR/sparql11-protocol/."))
        refused = refusal(text, settings)
        if refused:
            return respond(refused)
        accept = FORMAT_PARAM.get(params.get("format", ""), request.headers.get("accept"))
        return respond(await run_cached(("sparql", text, accept),
                                        {"kind": "sparql", "query": text, "accept": accept}))

    async def named_query(request: Request) -> Response:
        params = dict(request.query_params)
        result_format = params.pop("format", "json")
        if result_format not in ("json", "csv"):
            return respond(_text(400, f"format must be json or csv, not '{result_format}'."))
        name = request.path_params["name"]
        return respond(await run_cached(("named", name, tuple(sorted(params.items())), result_format),
                                        {"kind": "named", "name": name, "params": params,
                                         "format": result_format, "queries_dir": queries_dir_text}))

    async def list_queries(request: Request) -> Response:
        return JSONResponse([
            {"name": q.name, "summary": q.summary, "description": q.description,
             "params": [{"name": p.name, "kind": p.kind.value, "default": p.default, "description": p.description}
                        for p in q.params]}
            for q in read_named_queries(queries_dir).values()])

    async def graph_page(request: Request) -> Response:
        if graph_html is None:
            return respond(_text(404, "no graph page: run 'kg build' (it writes build/graph.html)."))
        return HTMLResponse(graph_html)

    async def query_page(request: Request) -> Response:
        return HTMLResponse((TEMPLATES / "query.html").read_text(encoding="utf-8"))

    middleware = []
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST"], allow_headers=["Content-Type", "Accept"]))
    app = Starlette(
        routes=[Route("/", graph_page), Route("/sparql", sparql, methods=["GET", "POST"]),
                Route("/query", query_page), Route("/queries", list_queries),
                Route("/queries/{name}", named_query)],
        middleware=middleware,
        lifespan=_lifespan(runner))
    app.state.runner = runner
    return app


def _lifespan(runner):
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app):
        await runner.start()
        try:
            yield
        finally:
            await runner.stop()

    return lifespan


def serve(source, *, host: str = "127.0.0.1", port: int = 8000, **app_options) -> None:
    """Run the app with uvicorn until interrupted."""
    import uvicorn

    try:
        import httptools  # noqa: F401  - uvicorn's fastest HTTP parser, when installed
        http = "httptools"
    except ImportError:
        http = "h11"
    uvicorn.run(create_app(source, **app_options), host=host, port=port, log_level="warning", http=http)
