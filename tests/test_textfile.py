"""Files that are not UTF-8, or not files: one located problem naming the encoding and the fix."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph_model.textfile import decode_utf8, read_file_bytes

UTF8 = "Re-save the file as UTF-8 (in an editor, or with iconv -f {} -t UTF-8)."


def decoded(data: bytes):
    problems = []
    text = decode_utf8(data, Path("f.txt"), problems)
    return text, [(p.line, p.column, str(p)) for p in problems]


@pytest.mark.parametrize("data, line, column, message", [
    ("Minsk\n“Helsinki-2” in Mińsk\n".encode("utf-16"), 1, 1,
     "f.txt:1: the file is UTF-16 (little-endian: it starts with the byte-order mark FF FE), not UTF-8. "
     "Re-save it as UTF-8 (in an editor, or with iconv -f UTF-16 -t UTF-8)."),
    (b"\xfe\xff" + "Minsk".encode("utf-16-be"), 1, 1,
     "f.txt:1: the file is UTF-16 (big-endian: it starts with the byte-order mark FE FF), not UTF-8. "
     "Re-save it as UTF-8 (in an editor, or with iconv -f UTF-16 -t UTF-8)."),
    ("Minsk".encode("utf-32"), 1, 1,
     "f.txt:1: the file is UTF-32 (little-endian: it starts with the byte-order mark FF FE 00 00), not UTF-8. "
     "Re-save it as UTF-8 (in an editor, or with iconv -f UTF-32 -t UTF-8)."),
    ("Minsk,\n5 July 2017. Café “Helsinki”".encode("cp1252"), 2, 17,
     "f.txt:2: not UTF-8: byte 0xE9 at column 17 cannot be decoded. The bytes look like Windows-1252 or "
     "Latin-1, where 0xE9 is 'é' (in 'ly 2017. Café “Helsinki”'). " + UTF8.format("WINDOWS-1252")),
    ("“Mińsk” café".encode("utf-8").replace("é".encode("utf-8"), b"\xe9"), 1, 12,
     "f.txt:1: not UTF-8: byte 0xE9 at column 12 cannot be decoded. The bytes look like Windows-1252 or "
     "Latin-1, where 0xE9 is 'é' (in '“Mińsk” café'). " + UTF8.format("WINDOWS-1252")),
    ("a\nb\nx\x81é".encode("latin-1"), 3, 2,
     "f.txt:3: not UTF-8: byte 0x81 at column 2 cannot be decoded. The bytes look like Latin-1 (ISO-8859-1), "
     "where 0x81 is '\\x81' (in 'x\\x81é'). " + UTF8.format("LATIN1")),
    ("Президент Лукашенко\n".encode("cp1251"), 1, 1,
     "f.txt:1: not UTF-8: byte 0xCF at column 1 cannot be decoded. The bytes look like Windows-1251 (Cyrillic), "
     "where 0xCF is 'П' (in 'Президент Лук'). " + UTF8.format("WINDOWS-1251")),
    ("Minsk\n“Helsinki-2”".encode("utf-8")[:-1], 2, 12,
     "f.txt:2: not UTF-8: the file ends inside a character (bytes E2 80 at column 12). The file was cut short; "
     "copy it again from its source."),
    ("Minsk\nsummit".encode("utf-16-le"), 1, 2,
     "f.txt:1: the file looks like UTF-16 without a byte-order mark (every other byte is 0x00), not UTF-8. "
     "Re-save it as UTF-8 (in an editor, or with iconv -f UTF-16LE -t UTF-8)."),
    ("Minsk\nsummit".encode("utf-16-be"), 1, 1,
     "f.txt:1: the file looks like UTF-16 without a byte-order mark (every other byte is 0x00), not UTF-8. "
     "Re-save it as UTF-8 (in an editor, or with iconv -f UTF-16BE -t UTF-8)."),
    (b"Minsk, 5 July\n2017 \x00 summit", 2, 6,
     "f.txt:2: NUL character (byte 0x00) at column 6. The file may be binary or damaged: remove the NUL bytes, "
     "or re-save it as UTF-8 text."),
])
def test_an_undecodable_file_names_the_encoding_the_byte_and_its_place(data, line, column, message):
    assert decoded(data) == (None, [(line, column, message)])


def test_utf8_with_or_without_a_byte_order_mark_is_read():
    assert decoded("Mińsk “x”\n".encode("utf-8")) == ("Mińsk “x”\n", [])
    assert decoded("\ufeffMińsk\n".encode("utf-8")) == ("Mińsk\n", [])


def test_a_directory_or_a_dangling_link_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "002_x.txt").mkdir()
    os.symlink(tmp_path / "gone.txt", tmp_path / "003_y.txt")
    problems = []
    assert read_file_bytes(tmp_path / "002_x.txt", problems, kind="an article") is None
    assert read_file_bytes(tmp_path / "003_y.txt", problems, kind="an article") is None
    assert [str(p).replace(str(tmp_path), "D") for p in problems] == [
        "D/002_x.txt: is a directory, not an article. Every '*.txt' in "
        f"{tmp_path.name}/ is read as an article; rename the directory or move it out.",
        "D/003_y.txt: cannot be read: No such file or directory. Make it a file you may read, or remove it "
        "(it is read as an article)."]
