"""The package as a user gets it: a wheel, installed in a fresh virtualenv, run outside the repository.

The wheel is built from a copy of the sources (``pip wheel --no-deps``, the build backend from
the same index pip uses for everything else) and installed into a new venv without pip or
site packages. The dependencies are not downloaded again: a ``.pth`` file lends the venv this
environment's site-packages, where graph_model itself is only an editable-install hook that a
``.pth``-added directory never runs. So every ``kg`` below runs the wheel's own files, from a
directory that holds nothing but a copy of seeds/; that the wheel *declares* what it imports is
checked against its metadata.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "graph_model", "queries")


def _run(args, *, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    # Nothing from this checkout may leak in: no PYTHONPATH, and the working directory is not the repo.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source], cwd=dist)
    (built,) = dist.glob("graph_model-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=venv)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet", wheel],
         cwd=venv)
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=venv).stdout.strip())
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv


@pytest.fixture(scope="module")
def workdir(venv, tmp_path_factory) -> Path:
    """A directory holding only a copy of seeds/ as curated, where ``kg build`` has run."""
    from .conftest import copy_curated_seeds

    work = tmp_path_factory.mktemp("work")
    copy_curated_seeds(ROOT / "seeds", work / "seeds")
    result = _run([venv / "bin" / "kg", "build"], cwd=work)
    assert re.match(r"built build/store: \d+ articles", result.stdout)
    return work


def test_the_installed_package_is_the_wheel_not_the_checkout(venv, workdir):
    code = "import graph_model, graph_model.named_queries as q; print(graph_model.__file__); print(q.__file__)"
    for line in _run([venv / "bin" / "python", "-c", code], cwd=workdir).stdout.split():
        assert Path(line).is_relative_to(venv), line
    assert sorted(p.name for p in workdir.iterdir()) == ["build", "seeds"]
    assert (workdir / "build" / "graph.html").stat().st_size > 100_000  # the page, vis-network inlined


def test_kg_queries_lists_the_shipped_queries(venv, workdir):
    out = _run([venv / "bin" / "kg", "queries"], cwd=workdir).stdout
    shipped = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert len(shipped) >= 7
    header = out.splitlines()[0]
    assert header.startswith("shipped with graph-model (") and str(venv) in header
    assert [line for line in out.splitlines() if re.fullmatch(r"[a-z0-9-]+", line)] == shipped


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "queries").glob("*.rq")))
def test_every_named_query_answers_with_rows(venv, workdir, name):
    result = json.loads(_run([venv / "bin" / "kg", "query", name, "--format", "json"], cwd=workdir).stdout)
    rows = result["results"]["bindings"]
    assert rows, f"{name} answered no rows"
    assert all(any(term.get("value") for term in row.values()) for row in rows)


def test_a_named_query_takes_a_name_for_its_entity(venv, workdir):
    args = [venv / "bin" / "kg", "query", "proposers", "--format", "csv"]
    by_id = _run(args, cwd=workdir).stdout
    assert _run([*args, "--param", "initiative= NEW helsinki  Process"], cwd=workdir).stdout == by_id


def test_kg_queries_without_any_query_is_an_error(venv, wheel, tmp_path):
    """An install that lost its package data (the bug this file guards against) says so, exit 1."""
    broken = tmp_path / "broken"
    shutil.copytree(venv, broken, symlinks=True)
    site = next(broken.glob("lib/python*/site-packages"))
    for path in (site / "graph_model" / "named_queries").glob("*.rq"):
        path.unlink()
    result = _run([broken / "bin" / "python", "-m", "graph_model", "queries"], cwd=tmp_path, check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert "no named queries (*.rq) found" in result.stderr and "reinstall graph-model" in result.stderr


def test_the_wheel_carries_every_module_and_data_file(wheel):
    """Subpackages are listed by hand in pyproject.toml: one left out would ship without its code."""
    names = set(zipfile.ZipFile(wheel).namelist())
    data = [p.relative_to(ROOT).as_posix() for p in (ROOT / "graph_model").rglob("*")
            if p.is_file() and p.suffix != ".pyc" and "__pycache__" not in p.parts]
    queries = [f"graph_model/named_queries/{p.name}" for p in (ROOT / "queries").glob("*.rq")]
    assert data and queries
    missing = [name for name in data + queries if name not in names]
    assert not missing, f"not in the wheel (see [tool.setuptools] packages and package-data): {missing}"


def test_every_third_party_import_is_a_declared_dependency(wheel):
    archive = zipfile.ZipFile(wheel)
    meta = archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    declared = {_normal(re.split(r"[ ;<>=!~\[(]", line.split(":", 1)[1].strip())[0])
                for line in meta.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line}
    imported = set()
    for name in archive.namelist():
        if name.startswith("graph_model/") and name.endswith(".py"):
            imported |= _top_level_imports(archive.read(name).decode())
    # render.py locates vis-network's files inside pyvis (find_spec, not import): a dependency too.
    imported.add("pyvis")
    third_party = imported - set(sys.stdlib_module_names) - {"graph_model"}
    distributions = metadata.packages_distributions()
    missing = {module: distributions.get(module) for module in third_party
               if not {_normal(d) for d in distributions.get(module, [module])} & declared}
    assert not missing, f"imported but not declared in pyproject.toml dependencies: {missing}"


def test_pyvis_is_pinned_to_the_version_whose_files_render_reads(wheel):
    archive = zipfile.ZipFile(wheel)
    meta = archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    (pin,) = [line for line in meta.splitlines() if re.match(r"Requires-Dist: pyvis\b", line)]
    assert pin == f"Requires-Dist: pyvis=={metadata.version('pyvis')}"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _top_level_imports(source: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules
