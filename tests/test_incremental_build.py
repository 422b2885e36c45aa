"""Incremental builds (issue 11): only what changed is redone, the result is the full build's to
the byte, a killed build leaves the previous store, and every build says what it changed."""

from __future__ import annotations

import os
import pty
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph_model.build import build, open_store
from graph_model.errors import UsageError, ValidationFailed
from graph_model.export import export_bytes

from .conftest import CURATED_ARTICLES, SEEDS

KG = Path(sys.executable).with_name("kg")
QUOTE = "Lukashenko suggests launching discussion on new Helsinki Process in OSCE"  # in 001, twice
ARTICLE_001 = "001_193587b326805307"


def _export(out: Path, fmt: str = "nquads") -> bytes:
    store = open_store(out)
    try:
        return export_bytes(store, fmt)
    finally:
        del store


def _edit(path: Path, old: str, new: str, count: int = -1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _mapping(seeds: Path, article: str = ARTICLE_001) -> Path:
    return seeds / "mapping" / f"{article}.yaml"


def test_an_edit_redoes_one_article_and_gives_the_full_builds_bytes(seeds_copy, tmp_path):
    out = tmp_path / "out"
    first = build(seeds_copy, out, render=False)
    assert (first.number, len(first.added), first.changed, first.removed) == (1, len(CURATED_ARTICLES), (), ())
    assert first.quads == len(open_store(out))  # counted as the store counts them
    _edit(_mapping(seeds_copy), f'quote: "{QUOTE}"', 'quote: "Lukashenko suggests launching discussion on new Helsinki Process"')
    second = build(seeds_copy, out, render=False)
    assert (second.number, second.added, second.changed, second.removed) == (2, (), (ARTICLE_001,), ())
    assert (second.statements_added, second.statements_removed) == (1, 1)
    full = build(seeds_copy, tmp_path / "full", render=False, full=True)
    for fmt in ("nquads", "trig", "turtle"):
        assert _export(out, fmt) == _export(tmp_path / "full", fmt)
    assert (second.statements, second.quads) == (full.statements, full.quads)


def test_removing_an_article_and_editing_the_registry_match_a_full_build(seeds_copy, tmp_path):
    out = tmp_path / "out"
    build(seeds_copy, out, render=False)
    gone = CURATED_ARTICLES[-1]
    (seeds_copy / "mapping" / f"{gone}.yaml").unlink()
    (seeds_copy / "articles" / f"{gone}.txt").unlink()
    registry = next(p for p in (seeds_copy / "entities").glob("*.yaml") if "id: osce\n" in p.read_text(encoding="utf-8"))
    _edit(registry, "label: Organization for Security and Cooperation in Europe",
          "label: Organisation for Security and Cooperation in Europe")
    result = build(seeds_copy, out, render=False)
    assert result.removed == (gone,)
    assert 0 < len(result.changed) < len(CURATED_ARTICLES) - 1  # only the articles that use the OSCE
    full = build(seeds_copy, tmp_path / "full", render=False, full=True)
    assert _export(out) == _export(tmp_path / "full")
    diff = subprocess.run([KG, "diff", "--out", out], capture_output=True, text=True, check=True).stdout
    assert "Organisation for Security" in diff and "Organization for Security" in diff


def test_nothing_changed_leaves_the_store_as_it_was(seeds_copy, tmp_path):
    out = tmp_path / "out"
    build(seeds_copy, out, render=False)
    inode = (out / "store").stat().st_ino
    again = build(seeds_copy, out, render=False)
    assert again.up_to_date and again.number == 1 and (out / "store").stat().st_ino == inode
    os.utime(_mapping(seeds_copy))  # touched, same bytes: the hash decides, not the time
    assert build(seeds_copy, out, render=False).up_to_date


def test_kg_diff_shows_exactly_the_edited_quote(seeds_copy, tmp_path):
    out = tmp_path / "out"
    build(seeds_copy, out, render=False)
    new = "Lukashenko suggests launching discussion on new Helsinki Process"
    _edit(_mapping(seeds_copy), f'quote: "{QUOTE}"', f'quote: "{new}"')
    build(seeds_copy, out, render=False)
    text = subprocess.run([KG, "diff", "--out", out], capture_output=True, text=True, check=True).stdout
    lines = text.splitlines()
    assert lines[0].startswith("build 1 -> 2: 1 statements added, 1 removed")
    changes = [line for line in lines[1:]]
    assert len(changes) == 2, text  # one statement out, one in, nothing else
    assert changes[0].startswith("+ mapping/") and f"«{new}»" in changes[0]
    assert changes[1].startswith("- mapping/") and f"«{QUOTE}»" in changes[1]
    assert "ent:lukashenko kg:proposes ent:helsinki-2" in changes[0]
    patch = subprocess.run([KG, "diff", "--out", out, "--format", "rdfpatch"], capture_output=True, check=True).stdout
    rows = patch.decode().splitlines()
    assert rows[:3] == ["H id <https://newsgraph.example/build/2> .", "H prev <https://newsgraph.example/build/1> .",
                        "TX ."] and rows[-1] == "TC ."
    added = [r for r in rows if r.startswith("A ")]
    removed = [r for r in rows if r.startswith("D ")]
    assert len(added) == len(removed) > 0
    assert any(new in r and "oa#exact" in r for r in added) and any(QUOTE in r and "oa#exact" in r for r in removed)
    # an RDF Patch is N-Quads with a letter in front: every row parses
    import pyoxigraph as ox

    assert len(list(ox.parse("\n".join(r[2:] for r in added + removed), format=ox.RdfFormat.N_QUADS))) == len(rows) - 4


def test_kg_diff_since_composes_builds_and_refuses_unknown_ones(seeds_copy, tmp_path):
    out = tmp_path / "out"
    build(seeds_copy, out, render=False)
    short = "Lukashenko suggests launching discussion on new Helsinki Process"
    _edit(_mapping(seeds_copy), f'quote: "{QUOTE}"', f'quote: "{short}"')
    build(seeds_copy, out, render=False)
    _edit(_mapping(seeds_copy), f'quote: "{short}"', f'quote: "{QUOTE}"')
    build(seeds_copy, out, render=False)
    both = subprocess.run([KG, "diff", "--out", out, "--since", "1"], capture_output=True, text=True, check=True)
    assert both.stdout.splitlines() == ["build 1 -> 3: 0 statements added, 0 removed; 0 quads added, 0 removed"]
    for since, message in (("7", "there is no build 7"), ("0", "Invalid value")):
        run = subprocess.run([KG, "diff", "--out", out, "--since", since], capture_output=True, text=True)
        assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr
    first = tmp_path / "first"
    build(seeds_copy, first, render=False)
    run = subprocess.run([KG, "diff", "--out", first], capture_output=True, text=True)
    assert run.returncode == 2 and "was its first" in run.stderr and "kg export" in run.stderr


def test_a_quote_the_new_text_no_longer_holds_is_reported_as_orphaned(seeds_copy, tmp_path):
    out = tmp_path / "out"
    build(seeds_copy, out, render=False)
    before = _export(out)
    _edit(seeds_copy / "articles" / f"{ARTICLE_001}.txt", QUOTE, "Lukashenko proposes a new Helsinki Process")
    with pytest.raises(ValidationFailed) as failed:
        build(seeds_copy, out, render=False)
    orphans = [p for p in failed.value.problems if "orphaned statement" in p.message]
    assert len(orphans) == 1
    assert orphans[0].path == _mapping(seeds_copy) and orphans[0].line == 18
    assert re.search(r"build 1 had it at characters \d+–\d+: 'Lukashenko suggests launching discussion on new "
                     r"Helsinki Process in OSCE'", orphans[0].message)
    assert not any("quote not found" in p.message and p.line == 18 for p in failed.value.problems)
    assert _export(out) == before


def test_a_quote_that_moved_to_other_words_is_not_silently_re_anchored(seeds_copy, tmp_path):
    out = tmp_path / "out"
    build(seeds_copy, out, render=False)
    article = seeds_copy / "articles" / f"{ARTICLE_001}.txt"
    # the statement quotes the first of two occurrences; the text loses the first one
    _edit(article, QUOTE, "Lukashenko proposes a new Helsinki Process", count=1)
    with pytest.raises(ValidationFailed) as failed:
        build(seeds_copy, out, render=False)
    assert [p.line for p in failed.value.problems] == [18]
    assert "the article's text changed around this quote" in failed.value.problems[0].message
    _edit(_mapping(seeds_copy), "  # The headline is the journalist's own voice",
          "  # Reviewed after the text changed.\n  # The headline is the journalist's own voice")
    assert build(seeds_copy, out, render=False).changed == (ARTICLE_001,)


def test_a_second_build_into_the_same_folder_is_refused(tiny_seeds, tmp_path):
    out = tmp_path / "out"
    build(tiny_seeds, out, render=False)
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
                               "from graph_model.build import build_lock\n"
                               "with build_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)",
                               str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(UsageError, match="another kg build is writing"):
            build(tiny_seeds, out, render=False)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert build(tiny_seeds, out, render=False).up_to_date


def _many_articles(root: Path, copies: int) -> Path:
    """The curated seeds ``copies`` times over (new ids, a line of their own): enough articles
    for the build to use its process pool."""
    shutil.copytree(SEEDS / "entities", root / "entities")
    (root / "articles").mkdir()
    (root / "mapping").mkdir()
    for copy in range(copies):
        for stem in CURATED_ARTICLES:
            article = SEEDS / "articles" / f"{stem}.txt"
            (root / "articles" / f"{copy}{stem}.txt").write_bytes(article.read_bytes() + f"\n(copy {copy})\n".encode())
            mapping = (SEEDS / "mapping" / f"{stem}.yaml").read_text(encoding="utf-8")
            (root / "mapping" / f"{copy}{stem}.yaml").write_text(
                mapping.replace(f"file: {stem}.txt", f"file: {copy}{stem}.txt"), encoding="utf-8")
    return root


def test_kill_9_at_random_moments_always_leaves_the_old_or_the_new_store(tmp_path):
    seeds = _many_articles(tmp_path / "seeds", copies=6)  # 30 articles: the pool is used
    out = tmp_path / "out"
    command = [str(KG), "build", "--seeds", str(seeds), "--out", str(out), "--no-render", "--quiet"]
    subprocess.run(command, check=True)
    before = _export(out)
    shutil.copytree(out, tmp_path / "old")
    for copy in (0, 3):  # two articles change, so the build has real work to be killed in
        _edit(seeds / "mapping" / f"{copy}{ARTICLE_001}.yaml", f'quote: "{QUOTE}"',
              'quote: "Lukashenko suggests launching discussion on new Helsinki Process"')
    started = time.monotonic()
    reference = tmp_path / "reference"
    shutil.copytree(out, reference)
    subprocess.run([*command[:5], str(reference), *command[6:]], check=True)
    after = _export(reference)
    duration = time.monotonic() - started
    assert after != before
    rng = random.Random(11)
    outcomes = []
    for _ in range(20):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        time.sleep(rng.uniform(0, duration * 1.1))
        os.killpg(process.pid, signal.SIGKILL)  # the build and its workers, as an OOM killer or a power cut would
        process.wait()
        now = _export(out)
        assert now in (before, after)  # never a mix, never nothing
        outcomes.append(now == after)
        if now == after:  # it finished before the kill: start the next round from the old store again
            shutil.rmtree(out)
            shutil.copytree(tmp_path / "old", out)
    assert not all(outcomes), "every kill came too late to test anything"
    subprocess.run(command, check=True)
    assert _export(out) == after
    assert not [p.name for p in out.iterdir() if p.name.startswith((".build-", ".old-"))]


def _run_on_a_terminal(command: list[str], env: dict) -> str:
    """What ``command`` writes to its stderr when that is a terminal (a pseudo-terminal here)."""
    main, sub = pty.openpty()
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=sub,
                                   env=env)
        os.close(sub)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait()
        return b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(main)


def test_a_build_shows_progress_on_a_terminal_and_nothing_in_a_script(tmp_path):
    seeds = _many_articles(tmp_path / "seeds", copies=6)
    env = {**os.environ, "KG_PROGRESS_DELAY": "0", "COLUMNS": "120"}
    shown = _run_on_a_terminal([str(KG), "build", "--seeds", str(seeds), "--out", str(tmp_path / "a"), "--no-render"],
                               env)
    assert "mapping articles" in shown and "/30" in shown and "quads" in shown
    exported = _run_on_a_terminal([str(KG), "export", "--out", str(tmp_path / "a"), "--format", "nquads",
                                   "-o", str(tmp_path / "a.nq")], env)
    assert "exporting" in exported and "quads" in exported and "wrote" in exported
    piped = subprocess.run([KG, "build", "--seeds", seeds, "--out", tmp_path / "b", "--no-render"],
                           capture_output=True, text=True, env=env)
    assert piped.returncode == 0 and piped.stderr == "" and piped.stdout.startswith("built ")
    quiet = subprocess.run([KG, "build", "--seeds", seeds, "--out", tmp_path / "c", "--no-render", "--quiet"],
                           capture_output=True, text=True, env=env)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    verbose = subprocess.run([KG, "build", "--seeds", seeds, "--out", tmp_path / "d", "--no-render", "--verbose"],
                             capture_output=True, text=True, env=env)
    stages = [line.split("s ", 1)[1] for line in verbose.stderr.splitlines()]
    assert stages == ["reading the entity registry", "mapping articles", "recording the build"]


def test_loads_bounded_by_quads_give_the_store_one_load_gives(seed_build):
    import pyoxigraph as ox

    from graph_model.article_pool import bulk_load_chunks

    lines = seed_build[2].splitlines(keepends=True)
    chunks = [b"".join(lines[i:i + 500]) for i in range(0, len(lines), 500)]
    one, bounded = ox.Store(), ox.Store()
    bulk_load_chunks(one, iter(chunks), max_quads=10**9)
    loads = []
    original = ox.Store.bulk_load

    class Counting:  # counts the bulk loads without changing them
        def __init__(self, store):
            self.store = store

        def bulk_load(self, *args, **kwargs):
            loads.append(1)
            return original(self.store, *args, **kwargs)

    bulk_load_chunks(Counting(bounded), iter(chunks), max_quads=1200)
    assert set(one) == set(bounded) and len(one) > 0
    assert len(loads) == -(-len(chunks) // 3)  # 500 lines a chunk: a load ends after the third

    def failing():
        yield chunks[0]
        raise RuntimeError("mapping failed")

    with pytest.raises(RuntimeError, match="mapping failed"):
        bulk_load_chunks(ox.Store(), failing())


def test_the_article_step_runs_on_any_executor_and_gives_the_same_store(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    seeds = _many_articles(tmp_path / "seeds", copies=2)
    build(seeds, tmp_path / "alone", render=False, jobs=1)
    build(seeds, tmp_path / "pool", render=False, jobs=2)
    with ProcessPoolExecutor(2) as executor:  # any concurrent.futures executor: arguments are pickled
        build(seeds, tmp_path / "executor", render=False, executor=executor)
    alone = _export(tmp_path / "alone")
    assert _export(tmp_path / "pool") == alone == _export(tmp_path / "executor")


def test_each_build_records_a_prov_activity_that_exports_leave_out(seeds_copy, tmp_path):
    out = tmp_path / "out"
    build(seeds_copy, out, render=False)
    _edit(_mapping(seeds_copy), f'quote: "{QUOTE}"', 'quote: "Lukashenko suggests launching discussion on new Helsinki Process"')
    build(seeds_copy, out, render=False)
    store = open_store(out)
    rows = store.query("""
        PREFIX b: <https://newsgraph.example/build/vocabulary#>
        SELECT ?activity ?previous ?replaced ?started ?tool (COUNT(DISTINCT ?input) AS ?inputs) WHERE {
          GRAPH <https://newsgraph.example/build/2> {
            ?activity a prov:Activity ; prov:wasInformedBy ?previous ; b:replacedGraph ?replaced ;
                      prov:startedAtTime ?started ; prov:wasAssociatedWith ?tool ; prov:used ?input .
          }
        } GROUP BY ?activity ?previous ?replaced ?started ?tool""")
    (row,) = list(rows)
    assert row["activity"].value == "https://newsgraph.example/build/2"
    assert row["previous"].value == "https://newsgraph.example/build/1"
    assert row["replaced"].value == f"https://newsgraph.example/article/{ARTICLE_001}"
    assert row["tool"].value.startswith("https://newsgraph.example/tool/graph-model/")
    assert int(row["inputs"].value) == len(CURATED_ARTICLES) + 1  # every article's content hash, and the registry's
    for fmt in ("nquads", "trig"):
        assert b"newsgraph.example/build/" not in export_bytes(store, fmt)
    import pyoxigraph as ox

    # N-Quads come from Oxigraph's own writer with the build's lines cut out: the same bytes
    # as writing the data quads one by one
    assert export_bytes(store, "nquads") == ox.serialize(store.data_quads(), format=ox.RdfFormat.N_QUADS)
    assert len(store) == sum(1 for q in store.ox if not q.graph_name.value.startswith("https://newsgraph.example/build/"))
