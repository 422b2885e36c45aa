"""Writing output files so that a reader never sees half of one."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path | str, data: bytes | str, *, replace: bool = True) -> int:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file beside it, renamed into
    place only once complete, so a failed or killed write leaves the previous file intact.
    With ``replace=False`` the file is only ever created, never replaced: the complete temporary
    file is hard-linked into place, and ``FileExistsError`` is raised if ``path`` already exists.
    Returns the number of bytes written.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_atomically(target, "hello"), target.read_text()
    (5, 'hello')
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb" if replace else "xb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        if replace:
            tmp.replace(path)
        else:
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(payload)
