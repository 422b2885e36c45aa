"""The limits and switches of ``kg serve``, with their documented defaults."""

from __future__ import annotations

from dataclasses import dataclass

from ..sparql_text import DEFAULT_MAX_DEPTH, DEFAULT_MAX_LENGTH


@dataclass(frozen=True)
class ServeSettings:
    """Limits and switches of the endpoint.

    ``timeout`` bounds a client's whole wait, from the request's arrival: time queued for a free
    worker counts. A request that cannot start in time gets 503 with Retry-After; a query that
    runs past it is stopped (its worker killed and replaced) and gets 503.
    """

    timeout: float = 10.0
    max_results: int = 10_000
    page_size: int = 1_000
    """Rows of a named query in one reply unless the client asks for ``limit`` (at most
    ``max_results``); a ``Link: <...>; rel="next"`` header points to the rest."""
    allow_service: bool = False
    cors_origins: tuple[str, ...] = ()
    workers: int = 2
    cache_bytes: int = 64 * 1024 * 1024
    max_body_bytes: int = 1024 * 1024
    """Largest request body read (413 beyond it); the body is never buffered past this."""
    max_query_length: int = DEFAULT_MAX_LENGTH
    """Longest query text, in characters (400 beyond it)."""
    max_depth: int = DEFAULT_MAX_DEPTH
    """Deepest nesting of ``{ ( [`` in a query (400 beyond it), checked before the engine parses."""
    reload_check_seconds: float = 0.5
    """How often, at most, requests check whether ``kg build`` replaced the store."""
