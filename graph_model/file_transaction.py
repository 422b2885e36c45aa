"""Replace several files as one step: all of them or none, even if the process is killed.

A rename renames one file atomically, not five. So the set of replacements goes through a redo
journal, in this order:

1. each new content is written to a temporary file beside its target (``.NAME.kg-new``, a name
   no reader globs for) and fsynced;
2. the journal, ``.kg-journal.json`` in the root folder, is written atomically: every target,
   its temporary file, and the SHA-256 of its old and of its new content. **This is the commit
   point.**
3. each temporary file is renamed over its target;
4. the folders are fsynced, then the journal is removed.

Killed before 2, the targets are untouched and only temporary files are left: :func:`recover`
deletes them (rolled back). Killed after 2, :func:`recover` finishes the renames (completed),
which is safe to repeat, so a recovery killed half-way is completed by the next one. Every
writer calls :func:`recover` first, under an exclusive flock on the root folder, and so does
every ``kg entities``, ``kg rename`` and ``kg merge``; readers (``read_corpus``, so ``kg validate``
and ``kg build``) refuse a folder with a journal rather than read the mix. A target whose content
is neither its old nor its new content (edited by hand since) is never overwritten: recovery
stops and says so.

Tests replace :data:`_checkpoint` to kill the process at each step (tests/test_file_transaction.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, Problem
from .files import write_atomically

JOURNAL_NAME = ".kg-journal.json"
TEMP_SUFFIX = ".kg-new"
_JOURNAL_VERSION = 1


def _checkpoint(step: str) -> None:
    """Called after every step that changes the disk; a test puts a SIGKILL here."""


@dataclass(frozen=True)
class Recovery:
    """What :func:`recover` did: targets a committed change was completed for, and temporary
    files of an uncommitted change that were deleted."""

    completed: tuple[Path, ...] = ()
    discarded: tuple[Path, ...] = ()


def replace_files(root: Path | str, changes: Mapping[Path, tuple[bytes, bytes]]) -> None:
    """Replace every file in ``changes`` (target: (expected old content, new content)), all
    or none. Targets must be inside ``root``, which holds the journal and the lock.

    Raises InputError, changing nothing, if a target no longer holds its expected old content
    (someone saved it since it was read).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "a.yaml").write_bytes(b"old a") and (root / "b.yaml").write_bytes(b"old b")
    5
    >>> replace_files(root, {root / "a.yaml": (b"old a", b"new a"), root / "b.yaml": (b"old b", b"new b")})
    >>> sorted(p.name for p in root.iterdir()), (root / "b.yaml").read_bytes()
    (['a.yaml', 'b.yaml'], b'new b')
    """
    root = Path(root)
    with _locked(root):
        _recover_locked(root)
        for target, (old, _new) in changes.items():
            if _read_or_none(target) != old:
                raise InputError(Problem(target, None, "the file changed while the command was running",
                                         "Run the command again; nothing was changed."))
        entries = []
        try:
            for index, (target, (old, new)) in enumerate(sorted(changes.items())):
                temp = _temp_path(target)
                entries.append({"target": _relative(target, root), "temp": _relative(temp, root),
                                "old_sha256": _sha256(old), "new_sha256": _sha256(new)})
                _write_synced(temp, new)
                _checkpoint(f"temp {index}")
            for folder in {Path(target).parent for target in changes}:
                _sync_folder(folder)
            # The commit point: once the journal is on disk, recovery completes the change.
            write_atomically(root / JOURNAL_NAME, json.dumps({"version": _JOURNAL_VERSION, "files": entries},
                                                             ensure_ascii=False, indent=1))
            _sync_folder(root)
        except BaseException:
            if not (root / JOURNAL_NAME).exists():
                for entry in entries:
                    (root / entry["temp"]).unlink(missing_ok=True)
            raise
        _checkpoint("journal")
        _complete(root, entries)


def recover(root: Path | str) -> Recovery:
    """Finish or undo what an interrupted :func:`replace_files` left in ``root``.

    Returns what was done (nothing, usually). Raises InputError, leaving everything as it is, if
    a target was edited since the interrupted change committed, or the journal is unreadable.
    """
    root = Path(root)
    if not root.is_dir():
        return Recovery()
    with _locked(root):
        return _recover_locked(root)


def _recover_locked(root: Path) -> Recovery:
    journal = root / JOURNAL_NAME
    if journal.exists():
        entries = _read_journal(journal)
        completed = _complete(root, entries)
        return Recovery(completed=completed)
    discarded = []
    for folder in (root, *sorted(p for p in root.iterdir() if p.is_dir())):
        for temp in sorted(folder.glob(f".*{TEMP_SUFFIX}")):
            temp.unlink()  # written before a commit point that never came: roll back
            discarded.append(temp)
    for temp in sorted(root.glob(f".{JOURNAL_NAME}.*.tmp")):  # write_atomically's, killed before its rename
        temp.unlink()
        discarded.append(temp)
    return Recovery(discarded=tuple(discarded))


def _complete(root: Path, entries: list[dict]) -> tuple[Path, ...]:
    """Rename every journalled temporary file over its target, then drop the journal. Every
    entry is checked before the first rename, so a refusal leaves the files as they were."""
    journal = root / JOURNAL_NAME
    pending = []
    for entry in entries:
        target, temp = root / entry["target"], root / entry["temp"]
        current = _read_or_none(target)
        if temp.exists():
            if _sha256(temp.read_bytes()) != entry["new_sha256"]:
                raise _stuck(journal, target, f"its new content in {temp} is damaged")
            if current is not None and _sha256(current) not in (entry["old_sha256"], entry["new_sha256"]):
                raise _stuck(journal, target, f"it was edited after the change was committed; the new content is in {temp}")
            pending.append((temp, target))
        elif current is None or _sha256(current) != entry["new_sha256"]:
            raise _stuck(journal, target, "it was edited after the change was committed")
    for index, (temp, target) in enumerate(pending):
        temp.replace(target)
        _checkpoint(f"rename {index}")
    targets = tuple(root / entry["target"] for entry in entries)
    for folder in {target.parent for target in targets}:
        _sync_folder(folder)
    journal.unlink()
    _sync_folder(root)
    _checkpoint("done")
    return targets


def _stuck(journal: Path, target: Path, why: str) -> InputError:
    return InputError(Problem(target, None, f"an interrupted kg rename or kg merge cannot be completed: {why}",
                              f"Decide which content to keep, then delete {journal}."))


def _read_journal(journal: Path) -> list[dict]:
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        entries = data["files"]
        if data.get("version") != _JOURNAL_VERSION or not all(
                isinstance(e, dict) and {"target", "temp", "old_sha256", "new_sha256"} <= e.keys() for e in entries):
            raise ValueError("unknown layout")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(Problem(journal, None, f"unreadable journal of an interrupted change ({exc})",
                                 "Check the files it names by hand, then delete it.")) from exc
    return entries


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """An exclusive flock on the folder itself, so no lock file is left behind."""
    handle = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _temp_path(target: Path) -> Path:
    return Path(target).with_name(f".{Path(target).name}{TEMP_SUFFIX}")


def _relative(path: Path, root: Path) -> str:
    return Path(path).resolve().relative_to(root.resolve()).as_posix()


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _sync_folder(folder: Path) -> None:
    """Make renames and new names in ``folder`` durable (a file's fsync does not cover its name)."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _read_or_none(path: Path) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
