"""The HTTP client every remote request goes through, and the one place that turns an HTTP
failure into our errors.

Plain urllib with a timeout and optional Basic/Digest credentials, sent only when the server
asks. As in httpx, transport failures (refused, unknown host, timeout, a broken reply) are
translated where they are caught, in :func:`map_exceptions`, and an error status becomes an
error in :meth:`Reply.raise_for_status`; both choose the error and its hint from the
:class:`Action` the request was for. A call site is one line and never sees urllib's exceptions.
"""

from __future__ import annotations

import contextlib
import enum
import http.client
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field

from ..errors import GraphModelError, QueryError, StoreError

USER_ENV = "KG_STORE_USER"
PASSWORD_ENV = "KG_STORE_PASSWORD"

CREDENTIALS_HINT = f"Give credentials: user:password@ in the URL, or ${USER_ENV} and ${PASSWORD_ENV}."
OPTIONS_HINT = ("Give the endpoints explicitly: on the command line --query-endpoint, --graph-store-endpoint "
                "and --update-endpoint; in Python RemoteStore.connect(url, query_url=..., store_url=..., "
                "update_url=...).")

_MAX_MESSAGE = 2000  # characters of a server's error page kept in our message

# Virtuoso echoes each default-graph-uri and named-graph-uri of a query in a header of its reply
# (X-SPARQL-default-graph, X-SPARQL-named-graph): two per graph of ours, and http.client refuses
# a reply with more than 100 headers, so past about 50 articles every query would fail. The
# limit is a module global of http.client; it is raised when a client is made, not at import.
_MAX_HEADERS = 10_000_000


class Purpose(enum.Enum):
    """What a request is for; decides which of our errors an error status becomes."""

    PROBE = "probe"   # discovery: every status is an answer, never an error
    QUERY = "query"   # 400: the query is wrong (QueryError); 500: it failed to run (QueryError)
    READ = "read"     # a Graph Store GET
    WRITE = "write"   # 404 / 405: the endpoint takes no writes there


@dataclass(frozen=True)
class Action:
    """A request's purpose and how messages name it (``reading graph <g>``)."""

    purpose: Purpose
    subject: str
    rejected_note: str = ""
    """Appended to the server's message when it rejects a query (QUERY only)."""


class Unreachable(StoreError):
    """No HTTP answer at all: refused, unknown host, timed out, or not HTTP."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"cannot reach the SPARQL server: {url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, media type (lower case, no parameters), body, its URL, and its
    headers (looked up without regard to case)."""

    status: int
    media_type: str
    body: bytes
    url: str
    reason: str = ""
    headers: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300

    @property
    def message(self) -> str:
        """The server's explanation of an error status: its body as text, else the reason phrase."""
        text = self.body.decode("utf-8", errors="replace").strip() or self.reason
        return text[:_MAX_MESSAGE]

    def raise_for_status(self, action: Action, *, allow: Collection[int] = ()) -> Reply:
        """This reply if it is a success or its status is in ``allow``; else raises
        :func:`status_error`."""
        if self.is_success or self.status in allow or action.purpose is Purpose.PROBE:
            return self
        raise status_error(self, action)


def status_error(reply: Reply, action: Action) -> GraphModelError:
    """Our error for an error status: QueryError when the query is at fault, else StoreError,
    with the fix the status calls for.

    >>> reply = Reply(401, "text/plain", b"Unauthorized", "http://h/store?graph=g")
    >>> str(status_error(reply, Action(Purpose.WRITE, "writing graph g")))  # doctest: +ELLIPSIS
    'writing graph g failed: HTTP 401 from http://h/store?graph=g: Unauthorized. Give credentials: ...'
    """
    error = _status_error(reply, action)
    # Kept on the error so that a caller that retries (remote.sync) can tell a server that is
    # busy or restarting from one that refuses the request.
    error.status = reply.status
    error.retry_after = retry_after(reply)
    return error


def _status_error(reply: Reply, action: Action) -> GraphModelError:
    failure = f"HTTP {reply.status} from {reply.url}: {reply.message}"
    if reply.status in (401, 403):
        return StoreError(f"{action.subject} failed: {failure}. {CREDENTIALS_HINT}")
    if action.purpose is Purpose.QUERY and reply.status == 400:
        return QueryError(f"the server rejected the query: {reply.message}{action.rejected_note}")
    if action.purpose is Purpose.QUERY and reply.status == 500:
        return QueryError(f"the server failed to run the query: {reply.message}")
    if action.purpose is Purpose.WRITE and reply.status in (404, 405):
        return StoreError(f"{action.subject} failed: {failure}. The endpoint does not take writes there. "
                          + OPTIONS_HINT)
    return StoreError(f"{action.subject} failed: {failure}.")


TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
"""Statuses worth the same request again later: timeouts, overload, a proxy or server restarting,
and 500, which Virtuoso answers to a transaction deadlock between concurrent writers."""


def is_transient(error: BaseException) -> bool:
    """Whether sending the same request again may succeed: no HTTP answer at all, or a status in
    :data:`TRANSIENT_STATUSES`.

    >>> is_transient(Unreachable("http://h/store", "Connection refused"))
    True
    >>> is_transient(status_error(Reply(401, "text/plain", b"", "http://h/store"), Action(Purpose.WRITE, "w")))
    False
    """
    if isinstance(error, Unreachable):
        return True
    return getattr(error, "status", None) in TRANSIENT_STATUSES


def retry_after(reply: Reply) -> float | None:
    """The seconds a ``Retry-After: SECONDS`` header asks to wait (None without one; the
    HTTP-date form is not used by SPARQL servers, and is read as None too).

    >>> retry_after(Reply(503, "", b"", "http://h/", headers={"Retry-After": "2"}))
    2.0
    """
    value = (reply.headers.get("Retry-After") or "").strip()
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


@contextlib.contextmanager
def map_exceptions(url: str, timeout: float) -> Iterator[None]:
    """Turn urllib's, http.client's and socket's exceptions inside the block into
    :class:`Unreachable`. (An error status is not an exception here: see :meth:`HTTPClient.request`.)"""
    try:
        yield
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise Unreachable(url, f"no answer within {timeout:g} s") from None
        raise Unreachable(url, str(reason)) from None
    except (TimeoutError, socket.timeout):
        raise Unreachable(url, f"no answer within {timeout:g} s") from None
    # Connection reset, a bad status line or a cut-off body, a malformed URL.
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise Unreachable(url, f"{type(exc).__name__}: {exc}") from None


class HTTPClient:
    """Requests with a timeout, and credentials for every host they are sent to."""

    def __init__(self, timeout: float, credentials: tuple[str, str] | None):
        http.client._MAXHEADERS = max(http.client._MAXHEADERS, _MAX_HEADERS)
        self.timeout = timeout
        self.credentials = credentials
        handlers = []
        if credentials is not None:
            self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            handlers = [urllib.request.HTTPBasicAuthHandler(self._passwords),
                        urllib.request.HTTPDigestAuthHandler(self._passwords)]
        self._opener = urllib.request.build_opener(*handlers)
        self._registered: set[str] = set()

    def request(self, method: str, url: str, action: Action, *, data: bytes | None = None,
                headers: dict[str, str] | None = None, allow: Collection[int] = ()) -> Reply:
        """The server's reply: a success, a status in ``allow``, or any status for a PROBE.

        Raises Unreachable (a StoreError) when no HTTP answer comes, else the error
        :func:`status_error` gives for the status.
        """
        self._register(url)
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        with map_exceptions(url, self.timeout):
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    reply = Reply(response.status, media_type(response.headers.get("Content-Type")),
                                  response.read(), url, headers=response.headers)
            except urllib.error.HTTPError as exc:  # an answer, only with an error status
                reply = _error_reply(exc, url)
        return reply.raise_for_status(action, allow=allow)

    def _register(self, url: str) -> None:
        if self.credentials is None:
            return
        parts = urllib.parse.urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}/"
        if root not in self._registered:
            self._passwords.add_password(None, root, *self.credentials)
            self._registered.add(root)


def _error_reply(exc: urllib.error.HTTPError, url: str) -> Reply:
    try:
        body = exc.read()
    except (OSError, http.client.HTTPException):
        body = b""  # the status is the news; a body cut off is not worth another error
    finally:
        exc.close()
    return Reply(exc.code, media_type(exc.headers.get("Content-Type") if exc.headers else None), body, url,
                 str(exc.reason or ""), headers=exc.headers or {})


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower case, without parameters.

    >>> media_type("Application/SPARQL-Results+JSON; charset=utf-8")
    'application/sparql-results+json'
    """
    return (content_type or "").split(";")[0].strip().lower()


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """``url`` without ``user:password@``, and the credentials it held (percent-decoded).

    >>> split_credentials("http://dba:p%40ss@host:8890/sparql")
    ('http://host:8890/sparql', ('dba', 'p@ss'))
    """
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), (user, password)


def credentials_from_environment() -> tuple[str, str] | None:
    """($KG_STORE_USER, $KG_STORE_PASSWORD) if the user is set, else None."""
    if os.environ.get(USER_ENV):
        return os.environ[USER_ENV], os.environ.get(PASSWORD_ENV, "")
    return None


def with_params(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to its query string.

    >>> with_params("http://h/store", {"graph": "https://newsgraph.example/graph/entities"})
    'http://h/store?graph=https%3A%2F%2Fnewsgraph.example%2Fgraph%2Fentities'
    """
    return f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params, quote_via=urllib.parse.quote)}"
