"""Shared fixtures: the real seeds built once per session, and small corpora in tmp_path."""

from __future__ import annotations

import contextlib

import shutil
import socket
import textwrap
from pathlib import Path

import pytest

from graph_model.build import build_nquads
from graph_model.store import GraphStore

from .triple_stores import oxigraph_servers, virtuoso  # noqa: F401 - session fixtures: one server per run

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seed_build(seeds_curated):
    """(corpus, report, nquads) of the seeds as curated (see seeds_curated), SHACL-checked."""
    return build_nquads(seeds_curated, shapes=True)


@pytest.fixture(scope="session")
def seed_store(seed_build) -> GraphStore:
    store = GraphStore.in_memory()
    store.load_nquads(seed_build[2])
    store.load_ontology()
    return store


@pytest.fixture(scope="session")
def seed_graph(seed_store):
    """The seeds projected into networkx."""
    from graph_model.project import project_graph

    return project_graph(seed_store)


def synthetic_graph(n: int, *, per_node: float = 3.0, seed: int = 3):
    """A random projected-style graph of ``n`` entities (about ``per_node`` relations each), no evidence."""
    import random

    import networkx as nx

    rng = random.Random(seed)
    graph = nx.MultiDiGraph(articles={})
    for i in range(n):
        graph.add_node(f"n{i:05d}", label=f"Entity {i}", type=rng.choice(["Person", "Topic", "State"]),
                       aliases=[], description="")
    for _ in range(int(n * per_node)):
        u, v = f"n{rng.randrange(n):05d}", f"n{rng.randrange(n):05d}"
        predicate = rng.choice(["supports", "opposes", "involves"])
        if u != v and not graph.has_edge(u, v, key=predicate):
            graph.add_edge(u, v, key=predicate, predicate=predicate, label=predicate, statements=[], sources=1)
    return graph


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def seeds_copy(tmp_path, seeds_curated) -> Path:
    """A writable copy of the seeds as curated (see seeds_curated)."""
    target = tmp_path / "seeds"
    shutil.copytree(seeds_curated, target)
    return target


TINY_ARTICLE = "Minsk, 5 July 2017. President Alexander Lukashenko proposed a “new Helsinki process” under the auspices of the OSCE.\n"

TINY_ENTITIES = """\
entities:
  - id: lukashenko
    type: Person
    label: Alexander Lukashenko
    aliases: [Lukashenko]
    description: President.
  - id: helsinki-2
    type: Initiative
    label: new Helsinki process
  - id: osce
    type: Organisation
    label: OSCE
"""

TINY_MAPPING = """\
article:
  file: 001_tiny.txt
  date: {value: "2017-07-05", quote: "5 July 2017"}
statements:
  - subject: lukashenko
    predicate: proposes
    object: helsinki-2
    quote: 'Alexander Lukashenko proposed a "new Helsinki process"'
    speaker: lukashenko
    date: "2017-07-05"
    role: President
  - subject: helsinki-2
    predicate: involves
    object: osce
    quote: under the auspices of the OSCE
    involvement: under the auspices of
    modality: proposed
"""


def write_seeds(root: Path, *, article: str = TINY_ARTICLE, entities: str = TINY_ENTITIES,
                mapping: str = TINY_MAPPING, name: str = "001_tiny") -> Path:
    """Write a one-article seeds directory under ``root``; returns it."""
    for sub in ("articles", "entities", "mapping"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "articles" / f"{name}.txt").write_text(article, encoding="utf-8")
    (root / "entities" / "entities.yaml").write_text(textwrap.dedent(entities), encoding="utf-8")
    (root / "mapping" / f"{name}.yaml").write_text(textwrap.dedent(mapping), encoding="utf-8")
    return root


@pytest.fixture
def tiny_seeds(tmp_path) -> Path:
    return write_seeds(tmp_path / "seeds")


@contextlib.contextmanager
def kg_serve(out, *options, env=None):
    """A real ``kg serve --out OUT`` on a free loopback port; yields its base URL."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "graph_model", "serve", "--out", str(out), "--port", str(port),
                                *options], stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/queries", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("kg serve did not start: " + process.stderr.read().decode())
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


# The articles the suite's seed fixtures are built from: the five curated in full. Named here, not
# taken from the whole of seeds/ARTICLES.sha256, because `kg add` lists each article it adds there
# too, and a half-curated article added by a user must not turn the suite red.
CURATED_ARTICLES = ("000_e7ccb706e8c9b9a5", "001_193587b326805307", "002_b4d5144d84c232ef",
                    "003_213a5d6f32416dc9", "004_b2aff0031e872d3e")


def copy_curated_seeds(source: Path, target: Path, articles=CURATED_ARTICLES) -> Path:
    """Copy into ``target`` the ``articles`` of the seeds in ``source`` as listed in its
    ARTICLES.sha256 (with their checksums), their mappings, and every entity file; returns
    ``target``. An article not listed, or whose bytes differ from the list, fails: the copy is
    of the seeds as curated or nothing. Entities a user added for a new article come along and
    are then only unused (a warning)."""
    import hashlib

    manifest = {name: digest for digest, name in
                (line.split("  ", 1) for line in (source / "ARTICLES.sha256").read_text(encoding="utf-8").splitlines()
                 if line.strip())}
    for sub in ("articles", "mapping"):
        (target / sub).mkdir(parents=True, exist_ok=True)
    lines = []
    for stem in articles:
        data = (source / "articles" / f"{stem}.txt").read_bytes()
        if manifest.get(f"{stem}.txt") != hashlib.sha256(data).hexdigest():
            raise AssertionError(f"{stem}.txt is not listed in {source / 'ARTICLES.sha256'} with its checksum")
        (target / "articles" / f"{stem}.txt").write_bytes(data)
        shutil.copyfile(source / "mapping" / f"{stem}.yaml", target / "mapping" / f"{stem}.yaml")
        lines.append(f"{manifest[stem + '.txt']}  {stem}.txt\n")
    (target / "ARTICLES.sha256").write_text("".join(lines), encoding="utf-8")
    (target / "entities").mkdir(exist_ok=True)
    for path in sorted((source / "entities").glob("*.yaml")):
        shutil.copyfile(path, target / "entities" / path.name)
    return target


@pytest.fixture(scope="session")
def seeds_curated(tmp_path_factory) -> Path:
    """The seeds as curated, read-only by convention: the five articles, their mappings, the
    registry. Tests about the seeds use this, so adding an article with `kg add` leaves them green."""
    return copy_curated_seeds(SEEDS, tmp_path_factory.mktemp("curated") / "seeds")
