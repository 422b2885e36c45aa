"""Hostile-client benchmark: does one client sending huge or deeply nested queries slow the others?

On loopback only; every process it starts is killed at the end (helpers from load_bench.py).

* Data: the seed graph, built by ``kg build`` into a temporary directory; ``kg serve`` with
  ``--workers 2`` and its default limits.
* Well-behaved load: ``--clients`` minus one closed-loop clients, one keep-alive connection
  each, asking simple questions (ASK / short SELECT over ``/sparql``, JSON results).
* Hostile client (the last one): in a loop, one of
  - a 100 KB and a 1 MB query (a long word: the old keyword regex was quadratic on it),
  - a 100 KB unterminated string,
  - a 50 MB body (refused at 413 from its Content-Length, never read),
  - 3,000-deep nesting of ``{``, ``(``, ``OPTIONAL`` and sub-SELECT (refused before parsing).
  Each hostile request uses its own connection and closes it when the reply comes.
* Two phases per cache setting (``--cache-mb 64`` and ``0``): without the hostile client and
  with it, the same number of well-behaved queries each. Reported: p50, p99, max latency of the
  well-behaved queries, and the hostile requests' status codes.

Goal (issue 8): under attack, the well-behaved p99 stays below 100 ms.

Usage::

    .venv/bin/python bench/hostile_bench.py                   # 16 clients, 3000 queries per phase
    .venv/bin/python bench/hostile_bench.py --queries 1000 --output /tmp/hostile.md
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_bench as lb  # noqa: E402  - the shared process and HTTP helpers

GOAL_P99_MS = 100.0
SIMPLE = [
    "ASK { ent:lukashenko kg:proposes ent:helsinki-2 }",
    "SELECT ?label WHERE { ent:nato skos:prefLabel ?label }",
    "SELECT ?o WHERE { ent:lukashenko kg:proposes ?o } LIMIT 5",
]


def hostile_payloads() -> list[tuple[str, bytes, int | None]]:
    """(name, body, declared length if it differs from the body sent) for the hostile client."""
    nest = lambda opener, closer: ("SELECT * WHERE " + opener * 3000 + closer * 3000).encode()  # noqa: E731
    return [
        ("100 KB long word", ("SELECT * WHERE { " + "a" * 100_000 + " }").encode(), None),
        ("100 KB unterminated string", ('SELECT * WHERE { "' + "a" * 100_000).encode(), None),
        ("1 MB long word", ("SELECT * WHERE { " + "a" * 1_000_000 + " }").encode(), None),
        ("50 MB body", b"SELECT * WHERE { " + b"a" * (1 << 20), 50 * 1024 * 1024),
        ("3000-deep {", nest("{", "}"), None),
        ("3000-deep (", nest("(", ")"), None),
        ("3000-deep OPTIONAL", nest("{ OPTIONAL {", "}}"), None),
        ("3000-deep sub-SELECT", nest("{ SELECT * WHERE {", "}}"), None),
    ]


def hostile_loop(port: int, stop: threading.Event, statuses: collections.Counter) -> None:
    payloads = hostile_payloads()
    index = 0
    while not stop.is_set():
        name, body, declared = payloads[index % len(payloads)]
        index += 1
        head = (f"POST /sparql HTTP/1.1\r\nHost: {lb.HOST}:{port}\r\nContent-Type: application/sparql-query\r\n"
                f"Content-Length: {declared or len(body)}\r\nConnection: close\r\n\r\n").encode()
        try:
            with socket.create_connection((lb.HOST, port), timeout=30) as sock:
                sock.sendall(head)
                try:
                    sock.sendall(body)  # the server may answer 413 and close before reading it all
                except OSError:
                    pass
                reply = sock.recv(64)
            status = reply.split(b" ", 2)[1].decode() if reply.startswith(b"HTTP/") else "no reply"
        except OSError as exc:
            status = type(exc).__name__
        statuses[f"{name}: {status}"] += 1


def well_behaved_requests(port: int, total: int) -> list[bytes]:
    return [lb._get(port, "/sparql?query=" + quote(SIMPLE[i % len(SIMPLE)]), lb.RESULTS_JSON)
            for i in range(total)]


def phase(server: lb.Server, clients: int, total: int, hostile: bool) -> tuple[lb.PhaseResult, collections.Counter]:
    statuses: collections.Counter = collections.Counter()
    stop = threading.Event()
    attacker = threading.Thread(target=hostile_loop, args=(server.port, stop, statuses), daemon=True)
    if hostile:
        attacker.start()
        time.sleep(0.5)
    try:
        result = lb.run_phase(server, well_behaved_requests(server.port, total), clients, 300)
    finally:
        stop.set()
        if hostile:
            attacker.join(60)
    return result, statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="clients in all, the hostile one included")
    parser.add_argument("--queries", type=int, default=3000, help="well-behaved queries per phase")
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    started = time.time()
    lines = ["| cache | hostile client | queries | errors | p50 | p99 | max | goal p99 < 100 ms |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    notes = []
    ok = True
    with tempfile.TemporaryDirectory(prefix="kg-hostile-") as work:
        work = Path(work)
        build = work / "build"
        lb._run([lb.PYTHON, "-m", "graph_model", "build", "--seeds", str(lb.SEEDS_DIR), "--out", str(build),
                 "--no-render"], "kg build", 600, cwd=str(lb.REPO))
        try:
            for cache_mb in (64, 0):
                server = lb.start_kg(build, 2, 10.0, work, cache_mb=cache_mb)
                try:
                    lb.run_phase(server, well_behaved_requests(server.port, 200), args.clients - 1, 60)  # warm-up
                    for hostile in (False, True):
                        result, statuses = phase(server, args.clients - 1, args.queries, hostile)
                        latencies = sorted(result.latencies)
                        p99 = lb._percentile(latencies, 0.99)
                        met = p99 < GOAL_P99_MS
                        ok &= met or not hostile
                        lines.append(f"| {cache_mb} MB | {'yes' if hostile else 'no'} | {result.done:,} | "
                                     f"{result.errors} | {lb._percentile(latencies, 0.5):.1f} ms | {p99:.1f} ms | "
                                     f"{latencies[-1] / 1e6:.1f} ms | {'met' if met else '**missed**'} |")
                        if hostile:
                            notes.append(f"cache {cache_mb} MB, hostile requests: "
                                         + ", ".join(f"{k} x{v}" for k, v in sorted(statuses.items())))
                finally:
                    lb._kill(server.process)
        finally:
            lb._kill_all()
    report = "\n".join([f"# Hostile-client bench ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))})", "",
                        f"Command: `{' '.join([Path(sys.executable).name, 'bench/hostile_bench.py', *(argv or sys.argv[1:])])}`",
                        f"{args.clients - 1} well-behaved clients + 1 hostile; kg serve --workers 2.", "",
                        *lines, "", *notes, ""])
    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
