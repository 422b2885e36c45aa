"""Stage 5: the named questions users ask, as SPARQL files in ``queries/``.

Each ``queries/NAME.rq`` opens with ``#+`` comment lines (the grlc convention) holding YAML::

    #+ summary: Who proposed an initiative, with the quote from each article
    #+ description: ...
    #+ params:
    #+   - name: initiative
    #+     kind: entity
    #+     default: helsinki-2
    #+     description: the initiative to ask about

Parameters are bound as SPARQL substitutions, never pasted into the query text. An ``entity``
parameter takes an id or any label or alias and becomes the entity's IRI; a ``string``
parameter becomes a plain literal.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import InputError, Problem, UsageError, did_you_mean
from .iris import entity_iri

SPARQL_DIR = Path(__file__).parent / "sparql"


class ParamKind(str, enum.Enum):
    ENTITY = "entity"
    STRING = "string"


@dataclass(frozen=True)
class QueryParam:
    name: str
    kind: ParamKind
    description: str = ""
    default: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    """A ``.rq`` file with its header parsed."""

    name: str
    path: Path
    summary: str
    description: str
    params: tuple[QueryParam, ...]
    text: str


def default_queries_dir() -> Path:
    """``./queries`` when run from a project checkout, else the one beside the package."""
    here = Path.cwd() / "queries"
    return here if here.is_dir() else Path(__file__).resolve().parent.parent / "queries"


def parse_named_query(text: str, path: Path) -> NamedQuery:
    """Parse a ``.rq`` file's ``#+`` header; raises InputError with the line on a bad header."""
    header_lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            header_lines.append(line[2:].removeprefix(" "))
        elif line.strip() and not line.startswith("#"):
            break
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(Problem(path, mark.line + 1 if mark else 1, f"bad '#+' header: {exc}",
                                 "Header lines are '#+ key: value' YAML.")) from exc
    if not isinstance(header, dict) or "summary" not in header:
        raise InputError(Problem(path, 1, "missing '#+ summary:' header",
                                 "Start the file with '#+ summary: what the query answers'."))
    params = []
    for raw in header.get("params") or []:
        try:
            params.append(QueryParam(raw["name"], ParamKind(raw.get("kind", "string")),
                                     raw.get("description", ""), raw.get("default")))
        except (KeyError, ValueError, TypeError) as exc:
            raise InputError(Problem(path, 1, f"bad parameter declaration {raw!r}",
                                     f"Each param needs name and kind ({', '.join(k.value for k in ParamKind)}).")) from exc
    return NamedQuery(path.stem, path, str(header["summary"]).strip(), str(header.get("description", "")).strip(),
                      tuple(params), text)


def read_named_queries(queries_dir: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query in ``queries_dir``, by name, sorted.

    Parsed once per version of the files (a server answers many requests; an edited file is
    picked up because its modification time changes the cache key).
    """
    paths = sorted((queries_dir or default_queries_dir()).glob("*.rq"))
    return dict(_parse_catalogue(tuple((p, p.stat().st_mtime_ns) for p in paths)))


@functools.lru_cache(maxsize=8)
def _parse_catalogue(files: tuple[tuple[Path, int], ...]) -> tuple[tuple[str, NamedQuery], ...]:
    return tuple((p.stem, parse_named_query(p.read_text(encoding="utf-8"), p)) for p, _ in files)


@functools.lru_cache(maxsize=64)
def _read_internal(name: str) -> str:
    return (SPARQL_DIR / f"{name}.rq").read_text(encoding="utf-8")


def read_internal_query(name: str) -> str:
    """A query the library itself runs (``graph_model/sparql/NAME.rq``)."""
    return _read_internal(name)


def get_named_query(name: str, queries_dir: Path | None = None) -> NamedQuery:
    queries = read_named_queries(queries_dir)
    if name not in queries:
        hint = did_you_mean(name, queries) or ""
        raise UsageError(f"no named query '{name}'.", f"{hint} Run 'kg queries' to list them.".strip())
    return queries[name]


def resolve_params(query: NamedQuery, values: dict[str, str], resolve_entity) -> dict:
    """Bindings for ``query`` from user ``values`` (strings), applying defaults.

    ``resolve_entity(text)`` turns an id, label or alias into an entity id or raises UsageError.
    Returns a dict of variable name to pyoxigraph term.
    """
    import pyoxigraph as ox

    declared = {p.name: p for p in query.params}
    for name in values:
        if name not in declared:
            hint = did_you_mean(name, declared) or ""
            allowed = ", ".join(declared) or "none"
            raise UsageError(f"query '{query.name}' has no parameter '{name}'.",
                             f"{hint} Its parameters: {allowed}.".strip())
    bindings = {}
    for param in query.params:
        value = values.get(param.name, param.default)
        if value is None:
            continue
        if param.kind is ParamKind.ENTITY:
            bindings[param.name] = ox.NamedNode(str(entity_iri(resolve_entity(value))))
        else:
            bindings[param.name] = ox.Literal(value)
    return bindings


def resolve_entity(store, text: str) -> str:
    """The id of the entity whose id, label or alias is ``text`` (case-insensitive).

    Raises UsageError naming the closest names when nothing (or more than one entity) matches.
    """
    import pyoxigraph as ox

    from .results import QueryResult

    # Exact names are index lookups; only when none matches, scan every name ignoring case.
    ids = []
    for query_name in ("entity-by-exact-name", "entity-by-name"):
        rows = QueryResult.from_pyoxigraph(
            store.query(read_internal_query(query_name), bindings={"name": ox.Literal(text)})).records()
        ids = sorted({r["id"] for r in rows})
        if ids:
            break
    if len(ids) == 1:
        return ids[0]
    if len(ids) > 1:
        raise UsageError(f"'{text}' names several entities: {', '.join(ids)}.", "Pass one of the ids instead.")
    names = QueryResult.from_pyoxigraph(store.query(read_internal_query("entity-names"))).records()
    id_by_name = {r["n"]: r["id"] for r in names} | {r["id"]: r["id"] for r in names}
    close = did_you_mean(text, id_by_name)
    raise UsageError(f"no entity named '{text}'.", close or "Run 'kg sparql' or 'kg stats' to see what the graph holds.")


def run_named_query(store, name: str, params: dict[str, str] | None = None, *,
                    queries_dir: Path | None = None):
    """Run the named query ``name`` with ``params`` bound; returns a QueryResult."""
    from .results import QueryResult

    query = get_named_query(name, queries_dir)
    bindings = resolve_params(query, params or {}, lambda text: resolve_entity(store, text))
    return QueryResult.from_pyoxigraph(store.query(query.text, bindings=bindings))


def run_sparql(store, sparql: str):
    """Run a SPARQL query text; returns a QueryResult."""
    from .results import QueryResult

    return QueryResult.from_pyoxigraph(store.query(sparql))
