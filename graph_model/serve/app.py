"""The Starlette app factory: routes, the reply cache in front of the runner, and :func:`serve`."""

from __future__ import annotations

import time
from pathlib import Path

from ..csp import page_policy
from .cache import ReplyCache
from .headers import SecurityHeaders
from .jobs import Reply, text_reply
from .protocol import cache_key, read_named_request, read_sparql_request
from .settings import ServeSettings
from .workers import InlineRunner, ProcessPoolRunner

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
GRAPH_PAGE_NAME = "graph.html"


class _Page:
    """An HTML page with its CSP header, re-read when the build it belongs to changes."""

    def __init__(self, html: str | None, *, connect_self: bool = False):
        self.html = html
        self.policy = page_policy(html, connect_self=connect_self) + "; frame-ancestors 'none'" if html else None


def create_app(source, *, settings: ServeSettings | None = None, graph_html: str | None = None,
               queries_dir: Path | None = None):
    """The Starlette app, testable in-process without sockets.

    ``source`` is a store object (queried in a thread: in-memory or remote) or the folder of an
    on-disk store (queried by worker processes that enforce the time limit). For an on-disk
    store, the graph page is read from ``graph.html`` beside it (and re-read after a rebuild)
    unless ``graph_html`` is given.
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from ..queries import read_named_queries

    settings = settings or ServeSettings()
    on_disk = isinstance(source, (str, Path))
    runner = ProcessPoolRunner(Path(source), settings) if on_disk else InlineRunner(source, settings)
    queries_dir_text = str(queries_dir) if queries_dir else None
    page_file = Path(source).parent / GRAPH_PAGE_NAME if on_disk and graph_html is None else None
    cache = ReplyCache(settings.cache_bytes)
    state = {"generation": None, "page": _Page(graph_html)}
    query_page = _Page((TEMPLATES / "query.html").read_text(encoding="utf-8"), connect_self=True)

    def follow_rebuilds() -> None:
        """Cache and page follow the runner's build, switched together with it."""
        runner.check_for_rebuild()
        if runner.generation != state["generation"]:
            cache.clear()
            state["generation"] = runner.generation
            if page_file is not None:
                state["page"] = _Page(page_file.read_text(encoding="utf-8") if page_file.exists() else None)

    async def run_cached(job: dict, deadline: float) -> Reply:
        follow_rebuilds()
        key = cache_key(job)
        reply = cache.get(key) if settings.cache_bytes else None
        if reply is None:
            generation = runner.generation
            reply = await runner.run(job, deadline)
            if settings.cache_bytes and generation == runner.generation:
                cache.put(key, reply)
        return reply

    def respond(reply: Reply) -> Response:
        return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=reply.headers)

    def html(page: _Page) -> Response:
        return Response(page.html, media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": page.policy})

    async def sparql(request: Request) -> Response:
        deadline = time.monotonic() + settings.timeout
        job = await read_sparql_request(request, settings)
        if isinstance(job, Reply):
            return respond(job)
        return respond(await run_cached(job, deadline))

    async def named_query(request: Request) -> Response:
        deadline = time.monotonic() + settings.timeout
        job = read_named_request(request.path_params["name"], request.query_params.multi_items(),
                                 request.url.path, settings, queries_dir_text)
        if isinstance(job, Reply):
            return respond(job)
        return respond(await run_cached(job, deadline))

    async def list_queries(request: Request) -> Response:
        return JSONResponse([
            {"name": q.name, "summary": q.summary, "description": q.description,
             "params": [{"name": p.name, "kind": p.kind.value, "default": p.default, "description": p.description}
                        for p in q.params]}
            for q in read_named_queries(queries_dir).values()])

    async def graph_page(request: Request) -> Response:
        follow_rebuilds()
        if state["page"].html is None:
            return respond(text_reply(404, "no graph page: run 'kg build' (it writes build/graph.html)."))
        return html(state["page"])

    async def query_form_page(request: Request) -> Response:
        return html(query_page)

    middleware = [Middleware(SecurityHeaders)]
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST"], allow_headers=["Content-Type", "Accept"]))
    app = Starlette(
        routes=[Route("/", graph_page), Route("/sparql", sparql, methods=["GET", "POST"]),
                Route("/query", query_form_page), Route("/queries", list_queries),
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
