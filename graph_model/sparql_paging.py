"""Paging a SELECT: the part of the SPARQL-text layer (graph_model.sparql_text) that cuts a query's
rows to a page with LIMIT and OFFSET, in a fixed order."""

from __future__ import annotations

from .errors import QueryError, UsageError
from .sparql_text import QueryInfo, _scan, analyse

def with_page(text: str, *, limit: int | None, offset: int = 0, info: QueryInfo | None = None) -> str:
    """``text`` (a SELECT) cut to ``limit`` rows (None: all) starting at row ``offset`` of its own
    result, in an order that is total, so consecutive pages never repeat or skip a row.

    The order is the query's own ORDER BY, then every variable it projects (every variable of
    its WHERE group for ``SELECT *``), so rows its ORDER BY leaves tied keep one order; a query
    without ORDER BY gets one. A LIMIT or OFFSET of the query's own is kept: the page is taken
    from within it (which of several tied rows fall inside that window is then decided by the
    same total order, one of the answers the query allowed). Everything is appended at the end of the solution modifiers (or before a
    trailing VALUES block), so line numbers in error messages still match the query.

    Raises UsageError for a ``limit`` or ``offset`` that is not a whole number of 0 or more, and
    for a query that is not a SELECT (paging a CONSTRUCT by solutions would cut descriptions in
    half).

    >>> with_page("SELECT ?s { ?s ?p ?o } ORDER BY ?p LIMIT 10 # first ten", limit=4, offset=8)
    'SELECT ?s { ?s ?p ?o } ORDER BY ?p ?s LIMIT 2 OFFSET 8 # first ten'
    >>> with_page("SELECT * { ?s ?p ?o }", limit=5)
    'SELECT * { ?s ?p ?o }\\nORDER BY ?s ?p ?o LIMIT 5 OFFSET 0'
    """
    for name, value in (("limit", 0 if limit is None else limit), ("offset", offset)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise UsageError(f"the page {name} must be a whole number, 0 or more, not {value!r}.")
    info = info or analyse(text, max_depth=10**9, max_length=10**12)
    if info.form != "SELECT":
        raise UsageError(f"only a SELECT query's rows can be paged, and this is {info.form or 'no query'}.",
                         "Run it without a limit and offset.")
    if info.group_start is None:
        raise QueryError("cannot page the query: it has no WHERE group")
    tokens = list(_scan(text))
    where = next(i for i, (_, _, start) in enumerate(tokens) if start == info.group_start)
    group_end = _closing(tokens, where)
    cut, own, spans, has_order = len(text), {}, [], False
    index = group_end + 1
    while index < len(tokens):  # the solution modifiers, at depth 0 after the WHERE group
        kind, value, start = tokens[index]
        keyword = value.upper() if kind == "word" else ""
        if kind == "open":
            index = _closing(tokens, index)  # an ORDER BY or HAVING expression: not ours to read
        elif keyword == "ORDER":
            has_order = True
        elif keyword in ("LIMIT", "OFFSET") and index + 1 < len(tokens):
            index += 1
            own[keyword] = int(tokens[index][1])
            spans.append((start, tokens[index][2] + len(tokens[index][1])))
            cut = min(cut, start)
        elif keyword == "VALUES":
            cut = min(cut, start)
            break
        index += 1
    first = own.get("OFFSET", 0) + offset
    count = limit if "LIMIT" not in own else max(0, own["LIMIT"] - offset if limit is None else
                                                  min(limit, own["LIMIT"] - offset))
    ties = " ".join(dict.fromkeys(_projected(tokens, where, group_end)))
    order = ("" if has_order else "ORDER BY ") + ties + " " if ties else ""
    page = f"{order}OFFSET {first}" if count is None else f"{order}LIMIT {count} OFFSET {first}"
    # the query's own LIMIT and OFFSET become blanks, so whatever follows keeps its line
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    before, after = text[:cut].rstrip(" "), text[cut:].lstrip(" ")
    if not after:  # the end of the text may be a comment: the page goes on a line of its own
        return f"{before}\n{page}"
    return f"{before} {page} {after}"


def _closing(tokens, index: int) -> int:
    """Index of the token that closes the bracket opened at ``tokens[index]``."""
    depth = 0
    for position in range(index, len(tokens)):
        kind = tokens[position][0]
        depth += kind == "open"
        depth -= kind == "close"
        if depth == 0:
            return position
    return len(tokens) - 1


def _projected(tokens, where: int, group_end: int) -> list[str]:
    """The variables a SELECT projects, in order (for ``SELECT *``: every variable of its WHERE
    group; ordering by one that a sub-query keeps to itself is harmless, it is unbound)."""
    select = next(i for i, (kind, value, _) in enumerate(tokens) if kind == "word" and value.upper() == "SELECT")
    names, depth = [], 0
    clause = tokens[select + 1:where]
    for position, (kind, value, _) in enumerate(clause):
        depth += kind == "open"
        depth -= kind == "close"
        if depth == 0 and value == "*":  # SELECT *, not the * of COUNT(*)
            return [value for kind, value, _ in tokens[where:group_end] if kind == "var"]
        if kind == "var" and (depth == 0 or (depth == 1 and clause[position - 1][1].upper() == "AS")):
            names.append(value)
    return names
