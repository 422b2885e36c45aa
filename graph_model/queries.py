"""Stage 5: the named questions users ask, as SPARQL files (``NAME.rq``).

The catalogue is the queries shipped with the package (the repository's ``queries/``,
installed as ``graph_model.named_queries``) plus the user's own: ``./queries/*.rq`` in the
working directory, or an explicit ``queries_dir``. A user's query with the name of a shipped
one replaces it (so a copied and edited ``proposers.rq`` is the one that runs), and
``kg queries`` says so.

Each ``NAME.rq`` opens with ``#+`` comment lines (the grlc convention) holding YAML::

    #+ summary: Who proposed an initiative, with the quote from each article
    #+ description: ...
    #+ params:
    #+   - name: initiative
    #+     kind: entity
    #+     default: helsinki-2
    #+     description: the initiative to ask about

Parameters are bound as SPARQL substitutions, never pasted into the query text. An ``entity``
parameter takes an id or any label or alias and becomes the entity's IRI; a ``string``
parameter becomes a plain literal. Which entity a text names is the rule in :mod:`.lookup`.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import yaml

from .errors import InputError, Problem, UsageError, did_you_mean
from .iris import entity_iri

#: The package holding the shipped named queries (setuptools maps the repository's queries/ to it).
SHIPPED_QUERIES_PACKAGE = "graph_model.named_queries"


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
    #: True for a query shipped with the package, False for the user's own.
    shipped: bool = True
    #: For a user's query: True when it replaces the shipped query of the same name.
    overrides: bool = False


def shipped_queries_dir() -> Path | None:
    """The directory of the named queries installed with the package (None if it is missing)."""
    try:
        return Path(resources.files(SHIPPED_QUERIES_PACKAGE))
    except ModuleNotFoundError:
        return None


def default_queries_dir() -> Path | None:
    """``./queries`` if the working directory has one (the user's own queries), else None."""
    here = Path.cwd() / "queries"
    return here if here.is_dir() else None


def parse_named_query(text: str, path: Path) -> NamedQuery:
    """Parse a ``.rq`` file's ``#+`` header; raises InputError with the line on a bad header."""
    header_lines, file_lines = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#+"):
            header_lines.append(line[2:].removeprefix(" "))
            # plain '#' comments may sit between header lines; keep where each came from
            file_lines.append((number, len(line) - len(header_lines[-1])))
        elif line.strip() and not line.startswith("#"):
            break
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, prefix = file_lines[min(mark.line, len(file_lines) - 1)] if mark and file_lines else (1, 0)
        column = mark.column + prefix + 1 if mark else None
        what = (getattr(exc, "problem", None) or str(exc).splitlines()[0]) + (f" (column {column})" if column else "")
        raise InputError(Problem(path, line, f"bad '#+' header: {what}",
                                 "Header lines are '#+ key: value' YAML; quote a value that holds ': '.",
                                 column=column)) from exc
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
    """Every named query, by name, sorted: the shipped ones plus those in ``queries_dir``
    (default: ``./queries`` if there is one), which replace shipped ones of the same name.

    Parsed once per version of the files (a server answers many requests; an edited file is
    picked up because its modification time changes the cache key). Raises UsageError if an
    explicit ``queries_dir`` is not a directory, InputError for a bad header or if no query is
    found at all (an installation without its package data).
    """
    shipped_dir = shipped_queries_dir()
    if queries_dir is not None and not Path(queries_dir).is_dir():
        raise UsageError(f"no queries directory '{queries_dir}'.", "Pass a directory that holds NAME.rq files.")
    user_dir = Path(queries_dir) if queries_dir is not None else default_queries_dir()
    queries = dict(_parse_catalogue(_files(shipped_dir), shipped=True)) if shipped_dir else {}
    # In a checkout, ./queries is the shipped directory itself (an editable install): not a user's.
    if user_dir is not None and (shipped_dir is None or user_dir.resolve() != shipped_dir.resolve()):
        for name, query in _parse_catalogue(_files(user_dir), shipped=False):
            queries[name] = replace(query, overrides=name in queries)
    if not queries:
        looked = ", ".join(str(d) for d in (shipped_dir or SHIPPED_QUERIES_PACKAGE, user_dir or "./queries"))
        raise InputError(Problem(Path(user_dir or shipped_dir or "queries"), None,
                                 f"no named queries (*.rq) found (looked in {looked})",
                                 "The installation lacks its package data: reinstall graph-model, "
                                 "or put NAME.rq files in ./queries."))
    return dict(sorted(queries.items()))


def _files(directory: Path) -> tuple[tuple[Path, int], ...]:
    return tuple((p, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.rq")))


@functools.lru_cache(maxsize=16)
def _parse_catalogue(files: tuple[tuple[Path, int], ...], *, shipped: bool) -> tuple[tuple[str, NamedQuery], ...]:
    return tuple((p.stem, replace(parse_named_query(p.read_text(encoding="utf-8"), p), shipped=shipped))
                 for p, _ in files)


@functools.lru_cache(maxsize=64)
def read_internal_query(name: str) -> str:
    """A query the library itself runs (``graph_model/sparql/NAME.rq``, package data)."""
    return resources.files("graph_model").joinpath("sparql", f"{name}.rq").read_text(encoding="utf-8")


def format_query_catalogue(queries: dict[str, NamedQuery]) -> str:
    """``kg queries``: each query with its summary, description and parameters, under the
    directory it comes from (shipped with the package, or the user's own)."""
    import textwrap

    lines = []
    for shipped in (True, False):
        group = [q for q in queries.values() if q.shipped is shipped]
        if not group:
            continue
        where = group[0].path.parent
        if lines:
            lines.append("")
        lines.append(f"shipped with graph-model ({where}):" if shipped else f"your own ({where}):")
        for query in group:
            lines.append(f"{query.name}  (replaces the shipped query)" if query.overrides else query.name)
            lines.append(f"  {query.summary}")
            if query.description:
                lines.append(textwrap.fill(query.description, width=96, initial_indent="    ",
                                           subsequent_indent="    "))
            for param in query.params:
                default = f" (default: {param.default})" if param.default else ""
                lines.append(f"  --param {param.name}=...  {param.kind.value}: {param.description}{default}")
    return "\n".join(lines)


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
    """The id of the entity in ``store`` that ``text`` names: its id, or its label or an alias
    ignoring case, accents and spacing (the rule in :mod:`graph_model.lookup`).

    Raises UsageError listing the ids when several entities match, naming the closest when none does.
    """
    from .lookup import find_store_entity_id

    return find_store_entity_id(store, text)


def run_named_query(store, name: str, params: dict[str, str] | None = None, *,
                    queries_dir: Path | None = None, limit: int | None = None, offset: int = 0):
    """Run the named query ``name`` with ``params`` bound; returns a QueryResult: every row, or
    with ``limit`` the rows of one page (:func:`page_named_query`, which also says whether more
    rows follow)."""
    from .results import QueryResult

    if limit is not None or offset:
        return page_named_query(store, name, params, queries_dir=queries_dir, limit=limit, offset=offset).result
    query = get_named_query(name, queries_dir)
    bindings = resolve_params(query, params or {}, lambda text: resolve_entity(store, text))
    return QueryResult.from_pyoxigraph(store.query(query.text, bindings=bindings))


@dataclass(frozen=True)
class ResultPage:
    """One page of a named query's rows: ``result`` holds at most ``limit`` rows, starting at
    row ``offset`` (0-based) of the whole result, which is in a total order (see
    :func:`graph_model.sparql_paging.with_page`)."""

    result: object
    """A :class:`~graph_model.results.QueryResult` with this page's rows."""
    offset: int
    limit: int | None
    has_more: bool
    """Whether rows follow this page."""

    @property
    def next_offset(self) -> int | None:
        """The ``offset`` of the next page, None on the last one."""
        return self.offset + len(self.result.rows) if self.has_more else None


def page_named_query(store, name: str, params: dict[str, str] | None = None, *, limit: int | None,
                     offset: int = 0, queries_dir: Path | None = None) -> ResultPage:
    """Rows ``offset`` to ``offset + limit`` of the named query ``name`` (all from ``offset``
    with no ``limit``); returns a :class:`ResultPage` that says whether more rows follow.

    One row more than asked for is fetched to know that, never the rest. Raises UsageError for a
    ``limit`` below 1, an ``offset`` below 0 (neither a whole number), or a query that is not a
    SELECT, as well as everything :func:`run_named_query` raises.

    >>> from graph_model.store import GraphStore
    >>> page_named_query(GraphStore.in_memory(), "proposers", limit=0)
    Traceback (most recent call last):
    ...
    graph_model.errors.UsageError: the page size must be a whole number, 1 or more, not 0.
    """
    from .results import QueryResult
    from .sparql_paging import with_page

    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise UsageError(f"the page size must be a whole number, 1 or more, not {limit!r}.")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise UsageError(f"the page offset must be a whole number, 0 or more, not {offset!r}.")
    query = get_named_query(name, queries_dir)
    bindings = resolve_params(query, params or {}, lambda text: resolve_entity(store, text))
    fetch = None if limit is None else limit + 1  # None: every row from offset on
    result = QueryResult.from_pyoxigraph(store.query(with_page(query.text, limit=fetch, offset=offset),
                                                     bindings=bindings))
    has_more = limit is not None and len(result.rows) > limit
    if has_more:
        result = QueryResult(result.variables, result.rows[:limit])
    return ResultPage(result, offset, limit, has_more)


def format_page_note(page: ResultPage) -> str:
    """``kg query``'s line about the page it printed: which rows, and the option for the next.

    >>> from graph_model.results import QueryResult
    >>> format_page_note(ResultPage(QueryResult(("x",), ((None,),) * 100), 0, 100, True))
    'rows 1–100 of more; next: --offset 100'
    >>> format_page_note(ResultPage(QueryResult(("x",), ((None,),) * 5), 100, 100, False))
    'rows 101–105, the last'
    >>> format_page_note(ResultPage(QueryResult(("x",), ()), 500, 100, False))
    'no rows from row 501 on: the result has 500 rows or fewer; try a smaller --offset'
    """
    shown = len(page.result.rows)
    if not shown:
        return (f"no rows from row {page.offset + 1:,} on: the result has {page.offset:,} rows or fewer; "
                "try a smaller --offset")
    rows = f"rows {page.offset + 1:,}–{page.offset + shown:,}"
    return f"{rows} of more; next: --offset {page.next_offset}" if page.has_more else f"{rows}, the last"


def run_sparql(store, sparql: str):
    """Run a SPARQL query text; returns a QueryResult."""
    from .results import QueryResult

    return QueryResult.from_pyoxigraph(store.query(sparql))
