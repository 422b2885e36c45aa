"""Read a seeds file as UTF-8 text, or say where and why it cannot be read.

Every file under ``seeds/`` is UTF-8. A file saved in another encoding, a directory named like
a file, or a file that cannot be opened becomes a :class:`~graph_model.errors.Problem` naming
the file, the line and column of the first offending byte, the encoding the bytes look like,
and how to re-save them; never a ``UnicodeDecodeError`` or ``IsADirectoryError``.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from .errors import Problem, show_value

# Checked longest first: the UTF-32 little-endian mark begins with the UTF-16 one.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32", "little-endian", "FF FE 00 00"),
    (codecs.BOM_UTF32_BE, "UTF-32", "big-endian", "00 00 FE FF"),
    (codecs.BOM_UTF16_LE, "UTF-16", "little-endian", "FF FE"),
    (codecs.BOM_UTF16_BE, "UTF-16", "big-endian", "FE FF"),
)
# Four or more undecodable bytes in a row from 0xC0 up are words in a one-byte Cyrillic
# encoding, not accented letters of a Western one (those come one at a time between ASCII).
_CYRILLIC_RUN = re.compile("[\udcc0-\udcff]{4,}")
_UNASSIGNED_IN_CP1252 = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_CONTEXT = 12  # characters shown either side of a bad byte


def read_file_bytes(path: Path, problems: list[Problem], *, kind: str) -> bytes | None:
    """The bytes of ``path``, or None with the reason appended to ``problems``.

    ``kind`` names what the file should be ("an article") for the message.
    """
    try:
        return path.read_bytes()
    except IsADirectoryError:
        problems.append(Problem(path, None, f"is a directory, not {kind}",
                                f"Every '*{path.suffix}' in {path.parent.name}/ is read as {kind}; "
                                "rename the directory or move it out."))
    except OSError as exc:
        problems.append(Problem(path, None, f"cannot be read: {exc.strerror or exc}",
                                f"Make it a file you may read, or remove it (it is read as {kind})."))
    return None


def decode_utf8(data: bytes, path: Path, problems: list[Problem]) -> str | None:
    """``data`` decoded as UTF-8 (a UTF-8 byte-order mark is dropped), or None with a located
    problem in ``problems`` saying which encoding the bytes look like and how to re-save them.

    >>> problems = []
    >>> decode_utf8("Minsk\\n".encode("utf-8"), Path("a.txt"), problems)
    'Minsk\\n'
    >>> decode_utf8("Minsk\\nMiéry".encode("latin-1"), Path("a.txt"), problems) is None
    True
    >>> print(problems[0])
    a.txt:2: not UTF-8: byte 0xE9 at column 3 cannot be decoded. The bytes look like Windows-1252 or Latin-1, where 0xE9 is 'é' (in 'Miéry'). Re-save the file as UTF-8 (in an editor, or with iconv -f WINDOWS-1252 -t UTF-8).
    """
    for bom, encoding, order, shown in _WIDE_BOMS:
        if data.startswith(bom):
            problems.append(Problem(
                path, 1, f"the file is {encoding} ({order}: it starts with the byte-order mark {shown}), not UTF-8",
                f"Re-save it as UTF-8 (in an editor, or with iconv -f {encoding} -t UTF-8).", 1))
            return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(_undecodable(data, exc.start, exc.end, path))
        return None
    if "\x00" in text:
        problems.append(_nul(text, data, path))
        return None
    return text


def _undecodable(data: bytes, at: int, end: int, path: Path) -> Problem:
    line_start = data.rfind(b"\n", 0, at) + 1
    line = data.count(b"\n", 0, at) + 1
    # The bytes before the first bad one are valid UTF-8, so the column counts characters.
    before = data[line_start:at].decode("utf-8")
    column = len(before) + 1
    byte = data[at]
    tail = data[at:]
    if end == len(data) and 2 <= len(tail) < 4 and byte >= 0xC2 and all(0x80 <= b < 0xC0 for b in tail[1:]):
        # A UTF-8 sequence begun and not finished: the file was cut, not saved in another encoding.
        # (A lone last byte such as 0xE9 is more often a Latin-1 'é' than a cut.)
        cut = " ".join(f"{b:02X}" for b in tail)
        return Problem(path, line, f"not UTF-8: the file ends inside a character (bytes {cut} at column {column})",
                       "The file was cut short; copy it again from its source.", column)
    # Judge the encoding by the bytes that are not UTF-8 alone: a file can be UTF-8 but for a
    # pasted Latin-1 word. surrogateescape keeps each of them as one code point U+DC80..U+DCFF.
    escaped = data.decode("utf-8", "surrogateescape")
    foreign = bytes(ord(c) - 0xDC00 for c in escaped if "\udc80" <= c <= "\udcff")
    if _CYRILLIC_RUN.search(escaped):
        encoding, names, iconv_name = "cp1251", "Windows-1251 (Cyrillic)", "WINDOWS-1251"
    elif not set(foreign) & _UNASSIGNED_IN_CP1252:
        encoding, names, iconv_name = "cp1252", "Windows-1252 or Latin-1", "WINDOWS-1252"
    else:
        encoding, names, iconv_name = "latin-1", "Latin-1 (ISO-8859-1)", "LATIN1"
    line_end = data.find(b"\n", at)
    after = data[at:line_end if line_end >= 0 else len(data)].decode("utf-8", "surrogateescape")
    after = "".join(bytes([ord(c) - 0xDC00]).decode(encoding, "replace") if "\udc80" <= c <= "\udcff" else c
                    for c in after[:_CONTEXT + 1])
    excerpt = " ".join((before[-_CONTEXT:] + after).split())
    char = bytes([byte]).decode(encoding, "replace")
    return Problem(
        path, line, f"not UTF-8: byte 0x{byte:02X} at column {column} cannot be decoded",
        f"The bytes look like {names}, where 0x{byte:02X} is {show_value(char)} (in {show_value(excerpt)}). "
        f"Re-save the file as UTF-8 (in an editor, or with iconv -f {iconv_name} -t UTF-8).", column)


def _nul(text: str, data: bytes, path: Path) -> Problem:
    at = text.index("\x00")
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    zeros = data.count(0)
    if zeros >= 2 and zeros * 4 >= len(data):
        # ASCII text in UTF-16 has a zero byte beside every letter: after it (little-endian,
        # odd offsets) or before it (big-endian, even offsets).
        order = "UTF-16BE" if data.index(0) % 2 == 0 else "UTF-16LE"
        return Problem(path, line, "the file looks like UTF-16 without a byte-order mark (every other byte is 0x00), "
                                   "not UTF-8",
                       f"Re-save it as UTF-8 (in an editor, or with iconv -f {order} -t UTF-8).", column)
    return Problem(path, line, f"NUL character (byte 0x00) at column {column}",
                   "The file may be binary or damaged: remove the NUL bytes, or re-save it as UTF-8 text.", column)
