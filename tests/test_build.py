"""The whole pipeline: awkward text goes through validate and build; staging never outlives a build."""

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph_model.build import STAGING_PREFIX, build, open_store, staging_dir, sweep_staging, validate
from graph_model.cli import main
from graph_model.errors import ValidationFailed
from graph_model.export import export_bytes

from .conftest import CURATED_ARTICLES, SEEDS, TINY_ARTICLE, TINY_ENTITIES, TINY_MAPPING, write_seeds

KG = Path(sys.executable).with_name("kg")

# Characters that end a line for some reader (rdflib's N-Triples parser, str.splitlines, JavaScript),
# all found in text extracted from PDFs. As YAML double-quoted escapes, since a raw NEL, LS or PS
# is itself a line break to a YAML reader.
SEPARATORS = {"LS": "\u2028", "PS": "\u2029", "NEL": "\u0085", "VT": "\x0b", "FF": "\x0c"}


def _seeds_with(tmp_path, char: str):
    """Tiny seeds with ``char`` in the article text, an entity label, a description and a role."""
    escape = f"\\u{ord(char):04X}"
    entities = (TINY_ENTITIES
                .replace("label: OSCE", f'label: "Organization for Security{escape}and Co-operation in Europe"\n'
                                        "    aliases: [OSCE]")
                .replace("description: President.", f'description: "President{escape}of Belarus."'))
    mapping = TINY_MAPPING.replace("role: President", f'role: "President{escape}of Belarus"')
    article = TINY_ARTICLE.replace("Minsk, 5 July 2017.", f"Minsk,{char}5 July 2017.{char}")
    return write_seeds(tmp_path / "seeds", article=article, entities=entities, mapping=mapping)


@pytest.mark.parametrize("char", SEPARATORS.values(), ids=SEPARATORS.keys())
def test_line_separators_in_text_validate_build_and_come_back_unchanged(tmp_path, char):
    seeds = _seeds_with(tmp_path, char)
    report = validate(seeds)
    assert report.conforms, [str(p) for p in report.problems]
    build(seeds, tmp_path / "out", render=False)
    store = open_store(tmp_path / "out")
    values = {row["p"].value.rpartition("/")[2].rpartition("#")[2]: row["v"].value for row in store.query(
        """SELECT ?p ?v WHERE { { VALUES (?s ?p) { (article:001_tiny schema:articleBody) (ent:osce skos:prefLabel)
                                                 (ent:lukashenko schema:description) }
                                  ?s ?p ?v }
                                UNION { ?s kg:role ?v BIND(kg:role AS ?p) } }""")}
    assert values == {"articleBody": TINY_ARTICLE.replace("Minsk, 5 July 2017.", f"Minsk,{char}5 July 2017.{char}"),
                      "prefLabel": f"Organization for Security{char}and Co-operation in Europe",
                      "description": f"President{char}of Belarus.",
                      "role": f"President{char}of Belarus"}


def test_kg_validate_and_build_accept_a_line_separator(tmp_path):
    seeds = _seeds_with(tmp_path, "\u2028")
    runner = CliRunner()
    result = runner.invoke(main, ["validate", "--seeds", str(seeds)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"ok: 2 statements in {seeds} are valid.\n", "")
    result = runner.invoke(main, ["build", "--seeds", str(seeds), "--out", str(tmp_path / "out"), "--no-render"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"built {tmp_path / 'out' / 'store'}: 1 articles, 3 entities, 2 statements")


# ---- staging directories: a killed build leaves one; the next build removes it, unless it is live


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith((STAGING_PREFIX, ".old-")))


def _snapshot(out: Path) -> bytes:
    store = open_store(out)
    try:
        return export_bytes(store, "nquads")
    finally:
        del store


HOLD_STAGING = """
import sys, time
from pathlib import Path
from graph_model.build import staging_dir
with staging_dir(Path(sys.argv[1])) as staging:
    (staging / "store").mkdir()
    (staging / "store" / "000001.sst").write_bytes(b"half a store")
    print(staging, flush=True)
    time.sleep(120)
"""


def _hold_staging(out: Path) -> tuple[subprocess.Popen, Path]:
    """Another process that is mid-build: it holds a staging directory in ``out``."""
    process = subprocess.Popen([sys.executable, "-c", HOLD_STAGING, str(out)], stdout=subprocess.PIPE, text=True)
    return process, Path(process.stdout.readline().strip())


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()


def test_a_build_removes_staging_of_dead_builds_and_keeps_that_of_running_ones(tiny_seeds, tmp_path):
    out = tmp_path / "out"
    build(tiny_seeds, out, render=False)
    dead, dead_staging = _hold_staging(out)
    live, live_staging = _hold_staging(out)
    try:
        _kill(dead)
        assert dead_staging.is_dir() and live_staging.is_dir()  # what kill -9 leaves behind
        build(tiny_seeds, out, render=False)
        assert _leftovers(out) == [live_staging.name]
        assert (live_staging / "store" / "000001.sst").read_bytes() == b"half a store"
    finally:
        _kill(live)
    build(tiny_seeds, out, render=False)
    assert _leftovers(out) == []
    # the store, the record of each build's change, and the build's own bookkeeping
    assert sorted(p.name for p in out.iterdir()) == [".kg-build.lock", ".kg-cache", "history", "store"]


def test_kill_9_of_kg_build_midway_keeps_the_previous_outputs_and_the_next_build_cleans_up(tiny_seeds, tmp_path):
    out = tmp_path / "out"
    build(tiny_seeds, out, render=False)
    before = _snapshot(out)
    big = _copies_of_the_seeds(tmp_path / "big", copies=10)
    process = subprocess.Popen([str(KG), "build", "--seeds", str(big), "--out", str(out), "--no-shapes",
                                "--no-render"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        staged = []
        while process.poll() is None and not staged:  # kill it once it is loading its store
            staged = [p for p in out.glob(f"{STAGING_PREFIX}*/store") if any(p.iterdir())]
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the build finished before it could be killed"
    assert _processes_naming(out, within=5.0) == [], "the build's workers outlived it"
    assert len(_leftovers(out)) == 1  # its staging directory
    assert _snapshot(out) == before
    build(tiny_seeds, out, render=False)
    assert _leftovers(out) == []
    assert _snapshot(out) == before


def _processes_naming(path: Path, *, within: float) -> list[str]:
    """The command lines of live processes that name ``path``, once none is left or after ``within`` s."""
    deadline = time.monotonic() + within
    while True:
        found = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                text = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            if str(path) in text and "zombie" not in (cmdline.parent / "status").read_text(errors="replace")[:200]:
                found.append(text)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _copies_of_the_seeds(root: Path, *, copies: int) -> Path:
    """The curated seeds ``copies`` times over, each copy of an article under a new id and with a
    last line of its own (the same bytes twice is a problem; nearly the same words, a warning)."""
    shutil.copytree(SEEDS / "entities", root / "entities")
    (root / "articles").mkdir()
    (root / "mapping").mkdir()
    for copy in range(copies):
        for article in (SEEDS / "articles" / f"{stem}.txt" for stem in CURATED_ARTICLES):
            name = f"{copy}{article.name}"
            (root / "articles" / name).write_bytes(article.read_bytes() + f"\n(copy {copy})\n".encode())
            mapping = (SEEDS / "mapping" / f"{article.stem}.yaml").read_text(encoding="utf-8")
            (root / "mapping" / f"{copy}{article.stem}.yaml").write_text(
                mapping.replace(f"file: {article.name}", f"file: {name}"), encoding="utf-8")
    return root


def test_a_failed_build_leaves_the_previous_outputs_and_no_staging(tiny_seeds, tmp_path):
    out = tmp_path / "out"
    build(tiny_seeds, out, render=False)
    before = _snapshot(out)
    mapping = tiny_seeds / "mapping" / "001_tiny.yaml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("object: osce", "object: osce-pa"), encoding="utf-8")
    with pytest.raises(ValidationFailed):
        build(tiny_seeds, out, render=False)
    assert _snapshot(out) == before
    assert _leftovers(out) == []


def test_a_build_removes_staging_left_by_builds_from_before_the_locks(tiny_seeds, tmp_path):
    out = tmp_path / "out"
    (out / ".build-k2j4h1x0" / "store").mkdir(parents=True)
    build(tiny_seeds, out, render=False)
    assert _leftovers(out) == []


def test_a_swap_cut_short_is_undone_and_a_finished_one_tidied(tiny_seeds, tmp_path):
    out = tmp_path / "out"
    build(tiny_seeds, out, render=False)
    before = _snapshot(out)
    (out / "store").rename(out / ".old-store")  # killed after moving the old store aside
    (out / ".old-graph.html").write_text("old page")  # killed after moving the new page in
    (out / "graph.html").write_text("new page")
    sweep_staging(out)
    assert _snapshot(out) == before
    assert (out / "graph.html").read_text() == "new page"
    assert _leftovers(out) == []


def test_staging_is_removed_when_the_block_fails(tmp_path):
    with pytest.raises(RuntimeError), staging_dir(tmp_path) as staging:
        (staging / "store").mkdir()
        raise RuntimeError("the bulk load failed")
    assert _leftovers(tmp_path) == []
