"""A job run against a store, giving a :class:`Reply`. Jobs are plain dicts so they cross the
pipe to a worker process; :func:`execute_job` runs in the worker and never raises.

The SPARQL-text checks (read-only policy, length, nesting depth) run here, in the worker, so no
query text is ever scanned on the server's event loop.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GraphModelError, QueryError, QueryRefused, UsageError
from ..formats import (HTTP_GRAPH_FORMATS, HTTP_RESULT_FORMATS, Format, Kind, format_parameter, negotiate,
                       write_rdf, write_results)
from .settings import ServeSettings


@dataclass(frozen=True)
class Reply:
    status: int
    media_type: str
    body: bytes
    headers: dict = field(default_factory=dict)


def text_reply(status: int, message: str, headers: dict | None = None) -> Reply:
    """A plain-text reply (errors). Security headers on every response keep it from being
    sniffed as markup although it may echo the client's input."""
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"), headers or {})


def execute_job(store, job: dict, settings: ServeSettings) -> Reply:
    """Run one job (``{"kind": "sparql" | "named", ...}``) against ``store``; never raises."""
    try:
        if job["kind"] == "sparql":
            return _execute_sparql(store, job, settings)
        return _execute_named(store, job, settings)
    except QueryRefused as exc:
        return text_reply(403, str(exc))
    except (QueryError, UsageError) as exc:
        return text_reply(400, str(exc))
    except GraphModelError as exc:
        return text_reply(500, str(exc))
    except Exception as exc:  # a worker must answer, whatever happens
        return text_reply(500, f"query failed: {type(exc).__name__}: {exc}")


def _limits(settings: ServeSettings):
    from ..sparql_text import QueryLimits

    return QueryLimits(max_depth=settings.max_depth, max_length=settings.max_query_length,
                       allow_service=settings.allow_service)


def _execute_sparql(store, job: dict, settings: ServeSettings) -> Reply:
    import pyoxigraph as ox

    from ..results import QueryResult
    from ..store import QueryDataset

    dataset = QueryDataset(tuple(job.get("default_graphs", ())), tuple(job.get("named_graphs", ())))
    raw = store.query(job["query"], dataset=dataset, limits=_limits(settings))
    if isinstance(raw, (bool, ox.QueryBoolean)):
        return _results_reply(QueryResult((), (), bool(raw)), job)
    if isinstance(raw, ox.QuerySolutions):
        variables = tuple(v.value for v in raw.variables)
        rows = tuple(tuple(s[v] for v in variables) for s in itertools.islice(raw, settings.max_results + 1))
        if len(rows) > settings.max_results:
            return too_large(settings)
        return _results_reply(QueryResult(variables, rows), job)
    triples = list(itertools.islice(raw, settings.max_results + 1))
    if len(triples) > settings.max_results:
        return too_large(settings)
    chosen = _choose(job, HTTP_GRAPH_FORMATS, "a graph result")
    if isinstance(chosen, Reply):
        return chosen
    return Reply(200, _with_charset(chosen), write_rdf(triples, chosen))


def _choose(job: dict, offers, what: str) -> Format | Reply:
    """The format the client asked for (``?format=`` wins over Accept), or a 406 reply."""
    if job.get("format"):
        for value in job["format"]:
            for_results, for_graphs = format_parameter(value)
            wanted = for_graphs if offers is HTTP_GRAPH_FORMATS else for_results
            if wanted is not None:
                return wanted
        return text_reply(406, f"format '{', '.join(job['format'])}' cannot carry {what}. "
                               f"Ask for one of: {', '.join(f.media_type for f in offers)}.")
    chosen = negotiate(job.get("accept"), offers)
    if chosen is None:
        return text_reply(406, f"cannot produce {job.get('accept')} for {what}. Ask for one of: "
                               f"{', '.join(f.media_type for f in offers)}.")
    return chosen


def _with_charset(chosen: Format) -> str:
    media = chosen.media_type
    return f"{media}; charset=utf-8" if media.startswith("text/") else media


def _results_reply(result, job: dict) -> Reply:
    chosen = _choose(job, HTTP_RESULT_FORMATS, "query results")
    if isinstance(chosen, Reply):
        return chosen
    return Reply(200, _with_charset(chosen), write_results(result, chosen))


def too_large(settings: ServeSettings) -> Reply:
    return text_reply(422, f"the result has more than {settings.max_results} rows, the limit of this endpoint. "
                           "Add LIMIT (and OFFSET to page), or start 'kg serve --max-results N'.")


def _execute_named(store, job: dict, settings: ServeSettings) -> Reply:
    from ..queries import page_named_query, read_named_queries

    queries_dir = Path(job["queries_dir"]) if job.get("queries_dir") else None
    if job["name"] not in read_named_queries(queries_dir):
        return text_reply(404, f"no named query '{job['name']}'. GET /queries lists them.")
    page = page_named_query(store, job["name"], job["params"], queries_dir=queries_dir,
                            limit=job["limit"], offset=job["offset"])
    chosen = Format(job.get("format") or "json")
    assert chosen.kind is Kind.RESULTS
    headers = {}
    if page.has_more:
        # RFC 8288: the next page, relative to this one; its absence says this page is the last
        headers["link"] = f'<{job["next"]}>; rel="next"'
    if chosen is Format.CSV:
        headers["content-disposition"] = f'attachment; filename="{job["name"]}.csv"'
    return Reply(200, _with_charset(chosen), write_results(page.result, chosen), headers)
