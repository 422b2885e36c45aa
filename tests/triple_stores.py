"""Real triple stores for the tests, started on 127.0.0.1 on free ports and stopped at the end:
Oxigraph server (``oxigraph_servers``: a fresh server per call) and Virtuoso (``virtuoso``: one
per session, since it takes seconds to start), plus :class:`FlakyProxy`, a real HTTP proxy that
fails on cue, for the retry and resume tests.

Session fixtures are pulled into tests/conftest.py, so every test module shares one instance.
Nothing here skips: a missing server binary fails with the command that installs it.
"""

from __future__ import annotations

import http.client
import http.server
import secrets
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen, timeout: float = 20) -> None:
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for_sparql(url: str, process: subprocess.Popen, log: Path, *, seconds: float) -> None:
    """Poll ``url`` with ``ASK {}`` until it answers 200; fail naming the log if it does not."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{url} did not answer within {seconds:g} s; see {log}")
        time.sleep(0.1)


# ---- Oxigraph server

def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        pytest.fail("the oxigraph server binary is missing: install the 'oxigraph' package "
                    "(pip install oxigraph) into this environment.")
    return found


@pytest.fixture(scope="session")
def oxigraph_servers(tmp_path_factory):
    """A factory: each call starts a fresh Oxigraph server on loopback and returns its base URL."""
    binary = oxigraph_binary()
    processes = []

    def start() -> str:
        location = tmp_path_factory.mktemp("oxigraph")
        port = free_port()
        log = location.parent / f"{location.name}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                                       stdout=out, stderr=subprocess.STDOUT)
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        _wait_for_sparql(f"{base}/query", process, log, seconds=20)
        return base

    yield start
    for process in processes:
        _stop(process)


# ---- Virtuoso

VIRTUOSO_INSTALL = ("install Debian's virtuoso-opensource (scripts/setup does: "
                    "apt-get install virtuoso-opensource)")

VIRTUOSO_MAX_ROWS = 1000
"""ResultSetMaxRows of the test server: above every named query's answer on the seeds (at most a
few hundred rows), below the triples of the store (about 7,500), so truncation can be provoked."""


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its SPARQL endpoint, a user who may write, and where its files are."""

    url: str
    """The SPARQL endpoint, http://127.0.0.1:PORT/sparql: the base URL ``kg`` takes."""
    user: str
    password: str
    directory: Path
    max_rows: int
    isql_port: int
    dba_password: str

    def isql(self, sql: str) -> str:
        """Run SQL as dba through Virtuoso's isql; returns its output. Fails the test on an error."""
        return run_isql(self.isql_port, "dba", self.dba_password, sql)


def run_isql(port: int, user: str, password: str, sql: str) -> str:
    binary = shutil.which("isql-vt") or shutil.which("isql")
    if binary is None:
        pytest.fail(f"Virtuoso's isql-vt is missing: {VIRTUOSO_INSTALL}.")
    done = subprocess.run([binary, f"127.0.0.1:{port}", user, password, f"exec={sql}"],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        pytest.fail(f"isql failed on {sql!r}: {done.stdout}{done.stderr}")
    return done.stdout


def virtuoso_ini(directory: Path, *, sql_port: int, http_port: int, max_rows: int) -> str:
    """A virtuoso.ini that keeps every file in ``directory`` and listens on loopback only."""
    return textwrap.dedent(f"""\
        [Database]
        DatabaseFile       = {directory}/virtuoso.db
        ErrorLogFile       = {directory}/virtuoso.log
        LockFile           = {directory}/virtuoso.lck
        TransactionFile    = {directory}/virtuoso.trx
        xa_persistent_file = {directory}/virtuoso.pxa
        ErrorLogLevel      = 7
        FileExtend         = 200
        Striping           = 0
        TempStorage        = TempDatabase

        [TempDatabase]
        DatabaseFile       = {directory}/virtuoso-temp.db
        TransactionFile    = {directory}/virtuoso-temp.trx
        Striping           = 0

        [Parameters]
        ServerPort          = 127.0.0.1:{sql_port}
        DisableUnixSocket   = 1
        CheckpointInterval  = 60
        CaseMode            = 2
        DirsAllowed         = ., {directory}
        ; small: the machine running the tests is shared
        NumberOfBuffers     = 10000
        MaxDirtyBuffers     = 6000
        ThreadsPerQuery     = 2
        MaxQueryMem         = 500M
        MaxClientConnections = 10

        [HTTPServer]
        ServerPort           = 127.0.0.1:{http_port}
        ServerRoot           = {directory}/www
        MaxClientConnections = 10
        ServerThreads        = 10
        Charset              = UTF-8
        EnabledGzipContent   = 0

        [SPARQL]
        ResultSetMaxRows           = {max_rows}
        MaxQueryExecutionTime      = 120
        MaxQueryCostEstimationTime = 400
        """)


def start_virtuoso(directory: Path, *, max_rows: int = VIRTUOSO_MAX_ROWS) -> tuple[Virtuoso, subprocess.Popen]:
    """Start Virtuoso with its own database in ``directory``; returns it once it answers, with a
    fresh dba password and a user ``kgwriter`` granted SPARQL_UPDATE (what the Graph Store
    endpoint /sparql-graph-crud-auth and the update endpoint /sparql-auth require)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.fail(f"the Virtuoso server (virtuoso-t) is missing: {VIRTUOSO_INSTALL}.")
    (directory / "www").mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(virtuoso_ini(directory, sql_port=sql_port, http_port=http_port, max_rows=max_rows),
                   encoding="utf-8")
    log = directory / "stdout.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=directory,
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{http_port}/sparql"
        _wait_for_sparql(url, process, log, seconds=120)
        dba_password, password = secrets.token_hex(8), secrets.token_hex(8)
        # A new database's dba password is "dba"; a test server gets its own all the same.
        run_isql(sql_port, "dba", "dba", f"USER_PASSWORD_SET('dba', '{dba_password}');")
        run_isql(sql_port, "dba", dba_password,
                 f"USER_CREATE('kgwriter', '{password}'); GRANT SPARQL_UPDATE TO \"kgwriter\";")
    except BaseException:
        _stop(process)
        raise
    return Virtuoso(url, "kgwriter", password, directory, max_rows, sql_port, dba_password), process


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory) -> Virtuoso:
    """One Virtuoso for the whole session (it takes seconds to start), killed at the end."""
    server, process = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    _stop(process, timeout=60)


# ---- a proxy that fails on cue

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
               "transfer-encoding", "upgrade"}


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        proxy: FlakyProxy = self.server.proxy
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        verdict = proxy._admit(self.command, self.path)
        if verdict == "refuse":  # as a server that went away: the connection closes unanswered
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if verdict == "busy":
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"busy")
            return
        upstream = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP | {"host"}}
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            data = response.read()
            proxy._answered(self.command, self.path, response.status)
            self.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in _HOP_BY_HOP | {"content-length"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        finally:
            upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

    def log_message(self, *args) -> None:
        pass


class FlakyProxy:
    """A real HTTP proxy on 127.0.0.1 in front of a SPARQL server (same paths), that can be told to
    fail: :meth:`refuse_after_writes` makes it drop every request once N writes to the Graph Store
    endpoint (PUT or POST under ``store_path``) have succeeded, :meth:`busy` answers the next N
    requests with 503 and ``Retry-After: 0``, :meth:`heal` ends both."""

    def __init__(self, upstream: str, store_path: str):
        parts = urllib.request.urlparse(upstream)
        self.upstream_host, self.upstream_port = parts.hostname, parts.port
        self.store_path = store_path
        self.writes = 0            # successful Graph Store PUT / POST requests
        self.requests: list[tuple[str, str, int | str]] = []
        self._refuse_after: int | None = None
        self._busy = 0
        self._lock = threading.Lock()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ProxyHandler)
        self.httpd.proxy = self
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> FlakyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def refuse_after_writes(self, count: int) -> None:
        with self._lock:
            self._refuse_after = self.writes + count

    def busy(self, count: int) -> None:
        with self._lock:
            self._busy = count

    def heal(self) -> None:
        with self._lock:
            self._refuse_after, self._busy = None, 0

    def _admit(self, method: str, path: str) -> str:
        with self._lock:
            if self._refuse_after is not None and self.writes >= self._refuse_after:
                self.requests.append((method, path, "refused"))
                return "refuse"
            if self._busy:
                self._busy -= 1
                self.requests.append((method, path, 503))
                return "busy"
            return "forward"

    def _answered(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, path, status))
            if method in ("PUT", "POST") and path.startswith(self.store_path) and 200 <= status < 300:
                self.writes += 1


__all__ = ["FlakyProxy", "Virtuoso", "free_port", "oxigraph_servers", "start_virtuoso", "virtuoso"]
