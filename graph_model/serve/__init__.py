"""Stage 9: serve the graph over HTTP: a SPARQL 1.1 Protocol endpoint, the graph page, the
named queries as REST resources and a small query page.

Safe to leave running: read-only (SPARQL Update and LOAD get 403), SERVICE refused unless
enabled (it would make the server fetch URLs), limits on body size, query length, nesting
depth, result size and time (the time limit bounds a client's whole wait, queueing included),
and strict security headers on every response.

One module per job:

* :mod:`.settings` – the limits and switches (:class:`ServeSettings`);
* :mod:`.protocol` – an HTTP request read into a job, or the reply that refuses it;
* :mod:`.jobs` – a job run against a store, giving a :class:`Reply` (runs in the workers);
* :mod:`.workers` – worker processes with real time limits, switched to a rebuilt store in one step;
* :mod:`.cache` – the reply cache;
* :mod:`.headers` – security headers and Content Security Policy on every response;
* :mod:`.app` – the Starlette app factory and :func:`serve`.
"""

from .app import create_app, serve
from .cache import ReplyCache
from .jobs import Reply
from .settings import ServeSettings

__all__ = ["Reply", "ReplyCache", "ServeSettings", "create_app", "serve"]
