"""All files or none: graph_model.file_transaction under failures and SIGKILL at every step."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from graph_model import file_transaction
from graph_model.errors import InputError
from graph_model.file_transaction import JOURNAL_NAME, TEMP_SUFFIX, recover, replace_files
from graph_model.registry_edit import rename_entity

ROOT = Path(__file__).resolve().parent.parent

# Run in a child process: replace_files (or recover) with a checkpoint that SIGKILLs the
# process at the Nth step. argv: N, root, changes file (or "recover").
_KILLER = """
import json, os, signal, sys
from pathlib import Path
import graph_model.file_transaction as t
steps = []
def checkpoint(step):
    steps.append(step)
    if len(steps) == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGKILL)
t._checkpoint = checkpoint
root = Path(sys.argv[2])
if sys.argv[3] == "recover":
    t.recover(root)
else:
    changes = json.loads(Path(sys.argv[3]).read_text())
    t.replace_files(root, {Path(p): (bytes.fromhex(o), bytes.fromhex(n)) for p, (o, n) in changes.items()})
"""


# The real command, each step printed and slowed down so a kill from outside lands among them.
_SLOW = """
import sys, time
import graph_model.file_transaction as t
def checkpoint(step):
    print(step, flush=True)
    time.sleep(0.03)
t._checkpoint = checkpoint
from graph_model.cli import main
main(sys.argv[1:])
"""


def run_killed_at(step: int, root: Path, changes_file: str) -> int:
    return subprocess.run([sys.executable, "-c", _KILLER, str(step), str(root), changes_file], cwd=ROOT).returncode


def planned_rename(seeds: Path, work: Path) -> dict[Path, tuple[bytes, bytes]]:
    """The files a real rename of 'lukashenko' changes in ``seeds``: (old, new) content, from
    doing it on a copy."""
    import shutil

    shutil.copytree(seeds, work)
    result = rename_entity(work, "lukashenko", "alexander-lukashenko")
    changes = {seeds / path.relative_to(work): ((seeds / path.relative_to(work)).read_bytes(), path.read_bytes())
               for path in result.changed}
    assert len(changes) >= 3
    return changes


def write_changes(changes, path: Path) -> str:
    path.write_text(json.dumps({str(p): [o.hex(), n.hex()] for p, (o, n) in changes.items()}))
    return str(path)


def states(changes) -> list[str]:
    return ["old" if p.read_bytes() == old else "new" if p.read_bytes() == new else "neither"
            for p, (old, new) in changes.items()]


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob(".*") if p.name.endswith((TEMP_SUFFIX, ".tmp")) or p.name == JOURNAL_NAME)


def recorded_steps(seeds: Path, changes, monkeypatch) -> list[str]:
    steps: list[str] = []
    monkeypatch.setattr(file_transaction, "_checkpoint", steps.append)
    replace_files(seeds, changes)
    monkeypatch.undo()
    return steps


def test_every_kill_point_leaves_all_old_or_all_new(seeds_copy, tmp_path, monkeypatch):
    changes = planned_rename(seeds_copy, tmp_path / "work")
    originals = {p: old for p, (old, _new) in changes.items()}
    changes_file = write_changes(changes, tmp_path / "changes.json")
    steps = recorded_steps(seeds_copy, changes, monkeypatch)
    n = len(changes)
    assert steps == [f"temp {i}" for i in range(n)] + ["journal"] + [f"rename {i}" for i in range(n)] + ["done"]
    committed_from = steps.index("journal") + 1  # 1-based: killed at or after the journal, the change is committed
    for kill_at in range(1, len(steps) + 1):
        for path, old in originals.items():
            path.write_bytes(old)
        assert run_killed_at(kill_at, seeds_copy, changes_file) == -signal.SIGKILL
        # Killed, each file is whole: its old or its new content, never a part.
        assert "neither" not in states(changes), steps[kill_at - 1]
        recovery = recover(seeds_copy)
        expected = "new" if kill_at >= committed_from else "old"
        assert states(changes) == [expected] * n, f"killed after {steps[kill_at - 1]}"
        assert leftovers(seeds_copy) == []
        if kill_at < committed_from:
            assert len(recovery.discarded) == kill_at and not recovery.completed  # rolled back
        elif kill_at < len(steps):
            assert len(recovery.completed) == n  # completed
    assert kill_at == 2 * n + 2  # every step was a kill point


def test_a_recovery_killed_at_every_step_is_completed_by_the_next(seeds_copy, tmp_path, monkeypatch):
    changes = planned_rename(seeds_copy, tmp_path / "work")
    changes_file = write_changes(changes, tmp_path / "changes.json")
    n = len(changes)
    for kill_at in range(1, n + 2):  # each rename of the recovery, and its last step
        for path, (old, _new) in changes.items():
            path.write_bytes(old)
        assert run_killed_at(n + 1, seeds_copy, changes_file) == -signal.SIGKILL  # just committed
        assert (seeds_copy / JOURNAL_NAME).exists() and states(changes) == ["old"] * n
        assert run_killed_at(kill_at, seeds_copy, "recover") == -signal.SIGKILL
        assert "neither" not in states(changes)
        recover(seeds_copy)
        assert states(changes) == ["new"] * n and leftovers(seeds_copy) == []


def test_kg_rename_killed_at_random_moments(seeds_copy, tmp_path):
    """The real command killed from outside while it writes: the next run settles every file."""
    paths = sorted(seeds_copy.rglob("*.yaml"))
    before = {p: p.read_bytes() for p in paths}
    rng = random.Random(10)
    outcomes = set()
    for _ in range(4):
        for path, data in before.items():
            path.write_bytes(data)
        child = subprocess.Popen([sys.executable, "-c", _SLOW, "rename", "lukashenko", "alexander-lukashenko",
                                  "--seeds", str(seeds_copy)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        child.stdout.readline()  # the first temporary file is written
        try:
            child.wait(timeout=rng.uniform(0.0, 0.4))
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        recover(seeds_copy)
        changed = {p for p in paths if p.read_bytes() != before[p]}
        assert changed in (set(), {p for p in paths if b"lukashenko" in before[p]}), "a partial rename"
        outcomes.add(bool(changed))
        assert leftovers(seeds_copy) == []
    assert outcomes  # (either outcome is right; which ones happened depends on timing)


def test_a_failure_before_the_commit_changes_nothing(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "sub" / "b.yaml"
    b.parent.mkdir()
    a.write_bytes(b"old a")
    b.write_bytes(b"old b")
    (b.parent / f".b.yaml{TEMP_SUFFIX}").mkdir()  # the temporary file of b cannot be written
    with pytest.raises(IsADirectoryError):
        replace_files(tmp_path, {a: (b"old a", b"new a"), b: (b"old b", b"new b")})
    assert (a.read_bytes(), b.read_bytes()) == (b"old a", b"old b")
    assert not (tmp_path / f".a.yaml{TEMP_SUFFIX}").exists() and not (tmp_path / JOURNAL_NAME).exists()


def test_a_file_saved_meanwhile_is_not_overwritten(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_bytes(b"old a")
    b.write_bytes(b"saved by an editor")
    with pytest.raises(InputError, match="b.yaml: the file changed while the command was running"):
        replace_files(tmp_path, {a: (b"old a", b"new a"), b: (b"old b", b"new b")})
    assert (a.read_bytes(), b.read_bytes()) == (b"old a", b"saved by an editor")
    assert leftovers(tmp_path) == []


def test_recovery_never_overwrites_a_file_edited_after_the_commit(seeds_copy, tmp_path):
    changes = planned_rename(seeds_copy, tmp_path / "work")
    changes_file = write_changes(changes, tmp_path / "changes.json")
    assert run_killed_at(len(changes) + 1, seeds_copy, changes_file) == -signal.SIGKILL
    edited = sorted(changes)[-1]
    edited.write_bytes(b"entities: []\n")
    with pytest.raises(InputError, match="it was edited after the change was committed"):
        recover(seeds_copy)
    # nothing renamed, not even the files checked before the edited one; the journal stays
    assert states(changes)[:-1] == ["old"] * (len(changes) - 1) and (seeds_copy / JOURNAL_NAME).exists()
    with pytest.raises(InputError):
        rename_entity(seeds_copy, "makei", "vladimir-makei")  # every writer stops at it


def test_write_atomically_leftovers_are_rolled_back(tmp_path):
    (tmp_path / f".{JOURNAL_NAME}.123.tmp").write_text("{")
    (tmp_path / f".x.yaml{TEMP_SUFFIX}").write_text("half")
    assert len(recover(tmp_path).discarded) == 2
    assert os.listdir(tmp_path) == []
