"""SPARQL 1.1 Protocol: an HTTP request read into a job, or the reply that refuses it.

Everything here is cheap and bounded, since it runs on the event loop: the body is read up to
the size limit and no further, parameters are counted, and the query text is only measured.
Reading the query itself (policy, depth) happens in the worker (:mod:`.jobs`).

The protocol's rules, as https://www.w3.org/TR/sparql11-protocol/ states them:

* a query by GET (``?query=``), by POST form (``application/x-www-form-urlencoded``) or by
  POST direct (``application/sparql-query``, parameters in the URL); exactly one ``query``;
* ``default-graph-uri`` and ``named-graph-uri`` (any number) name the dataset, overriding the
  query's FROM / FROM NAMED;
* updates go to an update operation, which this read-only endpoint refuses (403).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from ..formats import format_parameter
from .jobs import Reply, text_reply
from .settings import ServeSettings

FORMAT_NAMES = ("json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml")
_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"


class _TooLarge(Exception):
    pass


async def read_body(request, limit: int) -> bytes:
    """The request body, refusing (``_TooLarge``) as soon as it passes ``limit`` bytes, so a
    huge body is never buffered."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _content_type(request) -> tuple[str, str | None]:
    """(media type, charset or None) of the request body."""
    media, *params = [p.strip() for p in request.headers.get("content-type", "").split(";")]
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _decode(body: bytes, charset: str | None) -> str | Reply:
    if charset not in (None, "utf-8", "utf8", "us-ascii", "ascii"):
        return text_reply(415, f"the body is declared as charset={charset}; this endpoint reads UTF-8 only. "
                               "Send the query encoded as UTF-8 (charset=utf-8).")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return text_reply(415, f"the body is not UTF-8 (byte 0x{body[exc.start]:02X} at offset {exc.start}). "
                               "Send the query encoded as UTF-8 (charset=utf-8).")


def _pairs(text: str) -> list[tuple[str, str]] | Reply:
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return text_reply(415, "a parameter is not percent-encoded UTF-8. Encode parameters as UTF-8.")


async def read_sparql_request(request, settings: ServeSettings) -> dict | Reply:
    """The job a SPARQL Protocol request asks for, or the reply refusing it (400, 403, 413, 415)."""
    url_pairs = _pairs(request.url.query)
    if isinstance(url_pairs, Reply):
        return url_pairs
    pairs = list(url_pairs)
    direct = None
    if request.method == "POST":
        media, charset = _content_type(request)
        if media not in (_FORM, _DIRECT, _UPDATE):
            return text_reply(415, f"POST a query as {_DIRECT} or as the 'query' field of {_FORM}"
                                   f"{f', not {media}' if media else ''}.")
        try:
            body = await read_body(request, settings.max_body_bytes)
        except _TooLarge:
            return text_reply(413, f"the request body is over the limit of {settings.max_body_bytes:,} bytes. "
                                   "Send a shorter query, or start 'kg serve --max-body-bytes N'.")
        text = _decode(body, charset)
        if isinstance(text, Reply):
            return text
        if media == _UPDATE:
            return _update_refused()
        if media == _FORM:
            body_pairs = _pairs(text)
            if isinstance(body_pairs, Reply):
                return body_pairs
            pairs += body_pairs
        else:
            direct = text
    names_given = [name for name, _ in pairs]
    if "update" in names_given:
        return _update_refused()
    queries = [value for name, value in pairs if name == "query"] + ([direct] if direct is not None else [])
    if len(queries) > 1:
        return text_reply(400, f"the request carries {len(queries)} queries; the SPARQL Protocol takes exactly one "
                               "('query' once, or the body of a direct POST).")
    if not queries or not queries[0].strip():
        return text_reply(400, "no query: pass it as ?query=... or POST it. See https://www.w3.org/TR/sparql11-protocol/.")
    query = queries[0]
    if len(query) > settings.max_query_length:
        return text_reply(400, f"the query has {len(query):,} characters, more than the limit of "
                               f"{settings.max_query_length:,}. Shorten it, or start 'kg serve --max-query-length N'.")
    # Clients send format more than once, or as a list (SPARQLWrapper: "application/ld+json,
    # application/x-json+ld"): take every value we know, in order; refuse only if none is known.
    given = [part.strip() for name, value in pairs if name == "format" for part in value.split(",") if part.strip()]
    formats = [value for value in given if format_parameter(value) is not None]
    if given and not formats:
        return text_reply(400, f"unknown format '{given[0]}'. Use one of: {', '.join(FORMAT_NAMES)}, "
                               "or a media type (or ask through the Accept header).")
    return {"kind": "sparql", "query": query,
            "accept": request.headers.get("accept"),
            "format": formats,
            "default_graphs": [value for name, value in pairs if name == "default-graph-uri"],
            "named_graphs": [value for name, value in pairs if name == "named-graph-uri"]}


def _update_refused() -> Reply:
    return text_reply(403, "SPARQL Update is refused: this endpoint is read-only. "
                           "Change the mapping in seeds/ and run 'kg build' instead.")


#: What the named-query route reads from the URL itself; every other parameter binds the query's.
PAGE_PARAMETERS = ("format", "limit", "offset")
#: Largest offset read: far past any result this endpoint could page through, and small enough
#: that every engine reads it as a number.
MAX_OFFSET = 10**15


def read_named_request(name: str, pairs: list[tuple[str, str]], path: str,
                       settings: ServeSettings, queries_dir: str | None) -> dict | Reply:
    """``GET /queries/NAME?...`` read into a job, or the 400 reply that names the bad value.

    ``limit`` (default ``settings.page_size``, never more than ``settings.max_results``) and ``offset``
    (default 0) choose the page; the job carries the URL of the next one (``next``), which the
    worker sends as ``Link: <...>; rel="next"`` when more rows follow.
    """
    from ..errors import show_value

    params = dict(pairs)
    result_format = params.pop("format", "json")
    if result_format not in ("json", "csv", "tsv", "xml"):
        return text_reply(400, f"unknown format {show_value(result_format)}. Use one of: json, csv, tsv, xml.")
    page = {}
    default_limit = min(settings.page_size, settings.max_results)
    for key, default, least, most in (("limit", default_limit, 1, settings.max_results),
                                      ("offset", 0, 0, MAX_OFFSET)):
        text = params.pop(key, None)
        value = default if text is None else _whole_number(text)
        if value is None or not least <= value <= most:
            return text_reply(400, f"{key}={show_value(text)} is not a whole number from {least:,} to {most:,}. "
                                   f"Ask for limit=1 to limit={settings.max_results} rows a page (default "
                                   f"{default_limit}) and offset=0 or more; the Link header with "
                                   'rel="next" gives the next page.')
        page[key] = value
    following = [(k, v) for k, v in pairs if k not in ("limit", "offset")]
    following += [("limit", str(page["limit"])), ("offset", str(page["offset"] + page["limit"]))]
    return {"kind": "named", "name": name, "params": params, "format": result_format, "queries_dir": queries_dir,
            "limit": page["limit"], "offset": page["offset"], "next": f"{path}?{urlencode(following)}"}


def _whole_number(text: str) -> int | None:
    # ASCII digits only, and not too many: int() would take "١٢", "1_000" or " 7 ", and a
    # thousand-digit number costs time to convert
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def cache_key(job: dict) -> tuple:
    """What makes two jobs give the same reply: the text, the format asked for, the dataset."""
    if job["kind"] == "sparql":
        return ("sparql", job["query"], job["accept"], tuple(job["format"]),
                tuple(job["default_graphs"]), tuple(job["named_graphs"]))
    return ("named", job["name"], tuple(sorted(job["params"].items())), job["format"], job["limit"], job["offset"],
            job["next"])
