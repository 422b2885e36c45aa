"""Exports are byte-identical across processes: no set order, hash seed or clock leaks into them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from graph_model.build import build


FORMATS = ("ftm", "timelinejs", "web-annotation", "gexf")


@pytest.fixture(scope="module")
def built(tmp_path_factory, seeds_curated):
    out = tmp_path_factory.mktemp("build")
    build(seeds_curated, out, shapes=False, render=False)
    return out


def export_in_process(out, hash_seed: str) -> list[bytes]:
    code = ("import sys; from graph_model.export import export_bytes; from graph_model.store import open_store; "
            "store = open_store(sys.argv[1]); "
            "sys.stdout.buffer.write(b'\\0'.join(export_bytes(store, f) for f in sys.argv[2:]))")
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    result = subprocess.run([sys.executable, "-c", code, str(out), *FORMATS], capture_output=True, env=env, check=True)
    return result.stdout.split(b"\0")


def test_two_processes_with_different_hash_seeds_write_the_same_bytes(built):
    first, second = export_in_process(built, "1"), export_in_process(built, "2")
    assert len(first) == len(FORMATS)
    for name, a, b in zip(FORMATS, first, second):
        assert a == b, name
