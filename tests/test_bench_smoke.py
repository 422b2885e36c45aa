"""Smoke test of the benchmark's corpus generator: valid, exact in size, deterministic."""

from __future__ import annotations

import difflib
import importlib.util
import json
import sys
from pathlib import Path

from graph_model.build import validate

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"


def _load_generator():
    spec = importlib.util.spec_from_file_location("synthetic_corpus", BENCH_DIR / "synthetic_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synthetic_corpus", module)
    spec.loader.exec_module(module)
    return module.generate_corpus


generate_corpus = _load_generator()


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_corpus_validates_with_exact_statement_count(tmp_path):
    counts = generate_corpus(tmp_path / "seeds", 200, seed=0)
    report = validate(tmp_path / "seeds", shapes=False)
    assert report.conforms, "\n".join(str(p) for p in report.sorted_problems()[:20])
    assert report.statement_count == 200
    assert counts == {"articles": 4, "entities": counts["entities"], "statements": 200}
    assert len(list((tmp_path / "seeds" / "articles").glob("*.txt"))) == 4
    assert len(list((tmp_path / "seeds" / "mapping").glob("*.yaml"))) == 4


def test_uneven_split_still_exact(tmp_path):
    generate_corpus(tmp_path / "seeds", 37, seed=3, statements_per_article=10)
    report = validate(tmp_path / "seeds", shapes=False)
    assert report.conforms, "\n".join(str(p) for p in report.sorted_problems()[:20])
    assert report.statement_count == 37
    assert len(list((tmp_path / "seeds" / "mapping").glob("*.yaml"))) == 4


def test_same_seed_gives_byte_identical_corpus(tmp_path):
    generate_corpus(tmp_path / "a", 200, seed=7)
    generate_corpus(tmp_path / "b", 200, seed=7)
    generate_corpus(tmp_path / "c", 200, seed=8)
    first, second, other = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert first == second
    assert first != other


def _load_scale_bench():
    sys.path.insert(0, str(BENCH_DIR))  # scale_bench imports its sibling benches
    spec = importlib.util.spec_from_file_location("scale_bench", BENCH_DIR / "scale_bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("scale_bench", module)
    spec.loader.exec_module(module)
    return module


def test_scale_bench_runs_every_step_end_to_end(tmp_path):
    """bench/scale_bench.py at 200 statements: every step runs, and the counting proxy sees the
    edited article's graph go to the server."""
    scale_bench = _load_scale_bench()
    report_path = tmp_path / "scale.md"
    assert scale_bench.main(["--sizes", "200", "--work-dir", str(tmp_path), "--runs", "2", "--query-budget", "2",
                             "--budget", "300", "--output", str(report_path)]) == 0
    [result] = json.loads((tmp_path / "scale-results.json").read_text())
    failed = {name: step["error"] for name, step in result["steps"].items() if not step["ok"]}
    assert not failed, failed
    steps, info = result["steps"], result["info"]
    # The server may also hold a build's provenance, which the deterministic export leaves out.
    assert steps["remote.build"]["server_quads"] >= info["quads"] > 0
    assert steps["build"]["maxrss"] > 0 and steps["build"]["tree_rss"] > 0
    assert steps["raw"]["wall"] > 0 and steps["incremental"]["wall"] > 0
    assert info["edit"]["graph"] in steps["remote.incremental"]["graphs"]
    assert set(steps["queries"]["queries"]) == {"entity-statements", "proposers"}
    text = report_path.read_text()
    for heading in ("### Full build", "### Peak memory", "### Incremental build", "### Named queries",
                    "### Remote build", "### Commands run"):
        assert heading in text
    assert "error:" not in text
    assert not (tmp_path / "scale-200").exists()  # removed without --keep; the corpus stays
    assert (tmp_path / "seeds-200" / "mapping").is_dir()


def test_scale_bench_edit_changes_one_line_of_a_linked_copy_only(tmp_path):
    scale_bench = _load_scale_bench()
    generate_corpus(tmp_path / "corpus", 200, seed=0)
    before = _files(tmp_path / "corpus")
    scale_bench.link_copy(tmp_path / "corpus", tmp_path / "copy")
    edit = scale_bench.edit_one_article(tmp_path / "copy")
    assert _files(tmp_path / "corpus") == before
    after = _files(tmp_path / "copy")
    changed = [name for name in before if before[name] != after[name]]
    assert changed == [edit["file"]]
    diff = [line[:2] for line in difflib.ndiff(before[edit["file"]].decode().splitlines(),
                                               after[edit["file"]].decode().splitlines()) if line[:2] in ("- ", "+ ")]
    assert sorted(diff) in (["+ ", "- "], ["+ "])  # one statement's modality line changed, or added
    assert edit["graph"].endswith(Path(edit["file"]).stem)
    report = validate(tmp_path / "copy", shapes=False)
    assert report.conforms, "\n".join(str(p) for p in report.sorted_problems()[:20])


def test_counting_proxy_names_the_graphs_each_write_request_touches():
    import http.client
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    scale_bench = _load_scale_bench()
    received = []

    class Upstream(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            if "chunked" in self.headers.get("Transfer-Encoding", ""):
                body = b""
                while size := int(self.rfile.readline(), 16):
                    body += self.rfile.read(size)
                    self.rfile.readline()
                self.rfile.readline()
            else:
                body = self.rfile.read(length)
            received.append((self.command, self.path, body))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_GET = do_POST = do_PUT = do_DELETE = _answer

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    proxy = scale_bench.CountingProxy(upstream.server_address[1])
    try:
        connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)

        def send(method, path, body=None, content_type=None, chunked=False):
            headers = {"Content-Type": content_type} if content_type else {}
            connection.request(method, path, body=iter([body]) if chunked else body, headers=headers,
                               encode_chunked=chunked)
            reply = connection.getresponse()
            assert (reply.status, reply.read()) == (200, b"ok")

        a, b = "https://newsgraph.example/article/a", "https://newsgraph.example/article/b"
        send("PUT", "/store?graph=" + a, b"<s> <p> <o> .\n", "application/n-triples")
        send("POST", "/store", f"<s> <p> <o> <{a}> .\n<s> <p> \"x\" <{b}> .\n".encode(), "application/n-quads",
             chunked=True)
        send("POST", "/update", f"DROP SILENT GRAPH <{b}> ; INSERT DATA {{ GRAPH <{b}> {{ <s> <p> <o> }} }}".encode(),
             "application/sparql-update")
        send("POST", "/query", b"query=SELECT+*+WHERE+%7B%3Fs+%3Fp+%3Fo%7D", "application/x-www-form-urlencoded")
        send("GET", "/query?query=ASK%7B%7D")
        send("DELETE", "/store?graph=" + b)
    finally:
        proxy.close()
        upstream.shutdown()
    assert [(w.method, w.graphs) for w in proxy.writes] == [
        ("PUT", {a}), ("POST", {a, b}), ("POST", {b}), ("DELETE", {b})]
    assert proxy.reads == 2
    assert proxy.writes[0].bytes == len(b"<s> <p> <o> .\n")
    assert [body for _, _, body in received][:2] == [b"<s> <p> <o> .\n",
                                                     f"<s> <p> <o> <{a}> .\n<s> <p> \"x\" <{b}> .\n".encode()]
    assert proxy.summary()["graphs"] == [a, b]
