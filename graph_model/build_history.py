"""What each build changed: an RDF Patch per build, ``kg diff``, and orphaned statements.

Build N writes ``history/N.rdfp`` beside the store: the quads it removed (``D``) and added
(``A``), graph by graph, in the RDF Patch format (https://afs.github.io/rdf-delta/rdf-patch.html).
A first build into an empty folder has nothing to compare with and writes a patch with no rows.
``kg diff --since M`` composes the patches of builds M+1 .. N: a quad added and then removed
again is no change.

A statement whose quote its article no longer holds after the article's text changed is an
orphan: it is reported with the quote and the position the previous build had for it, and never
moved to other text on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import Problem, UsageError, show_value
from .formats import Format, escape_line_ends
from .iris import PREFIXES, STATEMENT_NS

HISTORY_DIRNAME = "history"
OA = PREFIXES["oa"]
RDF = PREFIXES["rdf"]
KG = PREFIXES["kg"]


def patch_path(out_dir: Path, number: int) -> Path:
    return out_dir / HISTORY_DIRNAME / f"{number}.rdfp"


@dataclass
class Change:
    """Quads removed and added (sets: a quad is in at most one of them)."""

    added: set = field(default_factory=set)
    removed: set = field(default_factory=set)

    def record(self, old: Iterable[ox.Quad], new: Iterable[ox.Quad]) -> tuple[int, int]:
        """Add the change from ``old`` to ``new`` (one graph's quads); returns (added, removed)."""
        old, new = set(old), set(new)
        added, removed = new - old, old - new
        self.apply(added, removed)
        return len(added), len(removed)

    def apply(self, added: Iterable[ox.Quad], removed: Iterable[ox.Quad]) -> None:
        """Compose a later change onto this one."""
        for quad in removed:
            if quad in self.added:
                self.added.discard(quad)
            else:
                self.removed.add(quad)
        for quad in added:
            if quad in self.removed:
                self.removed.discard(quad)
            else:
                self.added.add(quad)


def write_patch(path: Path, number: int, previous: int | None, change: Change) -> None:
    """``change`` as the RDF Patch of build ``number``, sorted (so the bytes depend only on it)."""
    from .files import write_atomically
    from .build_state import BUILD_NS

    lines = [f"H id <{BUILD_NS}{number}> .\n"]
    if previous:
        lines.append(f"H prev <{BUILD_NS}{previous}> .\n")
    lines.append("TX .\n")
    lines.extend(sorted(f"D {q} .\n" for q in change.removed))
    lines.extend(sorted(f"A {q} .\n" for q in change.added))
    lines.append("TC .\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, escape_line_ends("".join(lines).encode("utf-8"), Format.NQUADS))


def read_patch(path: Path) -> Change:
    """The change a patch file records. Raises UsageError for a file that is not one of ours."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}",
                         "Each build writes its patch in history/ beside the store; that build's may be gone.") from exc
    rows = {b"A": [], b"D": []}
    for line in data.splitlines():
        op, _, rest = line.partition(b" ")
        if op in rows:
            rows[op].append(rest)
    try:
        added, removed = (list(ox.parse(b"\n".join(rows[op]) + b"\n", format=ox.RdfFormat.N_QUADS))
                          for op in (b"A", b"D"))
    except SyntaxError as exc:
        raise UsageError(f"{path} is not a patch kg build wrote: {exc}", "Run kg build again to record a new one.") from exc
    return Change(set(added), set(removed))


def diff_since(out_dir: Path, since: int, current: int) -> Change:
    """The net change from build ``since`` to build ``current`` (composing their patches)."""
    if not 1 <= since <= current:
        raise UsageError(f"there is no build {since} to compare with: the store is at build {current}",
                         f"Give --since a number from 1 to {current}." if current else "Run kg build first.")
    change = Change()
    for number in range(since + 1, current + 1):
        step = read_patch(patch_path(out_dir, number))
        change.apply(step.added, step.removed)
    return change


@dataclass(frozen=True)
class StatementChange:
    """A statement node the change adds or removes, with what a reader recognises it by."""

    sign: str  # "+" or "-"
    node: str
    subject: str
    predicate: str
    object: str
    quote: str
    where: str  # mapping file:line


def describe(change: Change) -> tuple[list[StatementChange], list[tuple[str, ox.Quad]]]:
    """The statements added and removed, and the other quads ("+"/"-", quad), sorted."""
    statements: dict[tuple[str, str], dict[str, str]] = {}
    other: list[tuple[str, ox.Quad]] = []
    for sign, quads in (("-", change.removed), ("+", change.added)):
        for quad in quads:
            node = quad.subject.value.partition("#")[0]
            if not node.startswith(STATEMENT_NS):
                other.append((sign, quad))
                continue
            fields = statements.setdefault((sign, node), {})
            name = {RDF + "subject": "subject", RDF + "predicate": "predicate", RDF + "object": "object",
                    OA + "exact": "quote", KG + "mappingFile": "file", KG + "mappingLine": "line"}.get(quad.predicate.value)
            if name:
                fields[name] = quad.object.value
    found = [StatementChange(sign, node, _short(f.get("subject", "")), _short(f.get("predicate", "")),
                             _short(f.get("object", "")), f.get("quote", ""),
                             f"{f.get('file', '?')}:{f.get('line', '?')}")
             for (sign, node), f in statements.items() if "subject" in f]
    found.sort(key=lambda s: (s.where, s.sign, s.node))
    other.sort(key=lambda item: (str(item[1].graph_name), str(item[1]), item[0]))
    return found, other


def format_diff(change: Change, *, since: int, current: int) -> str:
    """``change`` for a person: a summary line, then one line per statement, then other triples."""
    statements, other = describe(change)
    added = sum(s.sign == "+" for s in statements)
    lines = [f"build {since} -> {current}: {added} statements added, {len(statements) - added} removed; "
             f"{len(change.added)} quads added, {len(change.removed)} removed"]
    for s in statements:
        lines.append(f"{s.sign} {s.where}  {s.subject} {s.predicate} {s.object}  «{show_value(s.quote, limit=120)[1:-1]}»")
    for sign, quad in other:
        lines.append(f"{sign} {_short(quad.subject.value)} {_short(quad.predicate.value)} "
                     f"{_object(quad.object)}  [{_short(quad.graph_name.value)}]")
    return "\n".join(lines) + "\n"


def format_patch(change: Change, *, since: int, current: int) -> bytes:
    """``change`` as one RDF Patch (its id names the newer build)."""
    from .build_state import BUILD_NS

    head = [f"H id <{BUILD_NS}{current}> .\n"] + ([f"H prev <{BUILD_NS}{since}> .\n"] if since else [])
    body = sorted(f"D {q} .\n" for q in change.removed) + sorted(f"A {q} .\n" for q in change.added)
    return escape_line_ends("".join([*head, "TX .\n", *body, "TC .\n"]).encode("utf-8"), Format.NQUADS)


def orphan_problems(previous: ox.Store, unmatched, mapping_path: Path, build: int) -> list[Problem]:
    """Problems for the statements in ``unmatched`` (graph_model.article_graph.UnmatchedQuote)
    that build ``build`` (in ``previous``) had: their quote and where it was."""
    problems = []
    for item in unmatched:
        quote = _value(previous, item.statement + "#quote", OA + "exact")
        if quote is None:
            continue  # a new statement whose quote is wrong: the ordinary problem says so
        start = _value(previous, item.statement + "#position", OA + "start")
        end = _value(previous, item.statement + "#position", OA + "end")
        problems.append(Problem(
            mapping_path, item.line,
            f"orphaned statement: the article's text changed and no longer holds its quote; build {build} "
            f"had it at characters {start}–{end}: {show_value(quote, limit=120)}",
            "Read the new text: quote its new wording, or remove the statement if the text no longer "
            "says it. A statement is never moved to other text on its own."))
    return problems


def moved_quotes(old: list[ox.Quad], new: list[ox.Quad], mapping_path: Path, build: int,
                 lines: dict[str, int]) -> list[Problem]:
    """Statements of an unchanged mapping whose quote, after the article's text changed, is
    found in another context (other words before or after it): the text may now say something
    else there, so a person looks before the build accepts it."""
    before, after = _quote_contexts(old), _quote_contexts(new)
    problems = []
    for node in sorted(before.keys() & after.keys()):
        was, now = before[node], after[node]
        if (was["prefix"], was["suffix"]) == (now["prefix"], now["suffix"]):
            continue  # the same passage, moved by an edit elsewhere
        problems.append(Problem(
            mapping_path, lines.get(node),
            f"the article's text changed around this quote: build {build} had it at characters "
            f"{was['start']}–{was['end']} after {show_value(was['prefix'])}, now it is at {now['start']}–{now['end']} "
            f"after {show_value(now['prefix'])}",
            "Read the new text there. If it still says what the statement records, save the mapping with the "
            "review noted (any change to the file, e.g. a comment, or 'occurrence:'), then build again; "
            "otherwise fix or remove the statement."))
    return problems


def _quote_contexts(quads: list[ox.Quad]) -> dict[str, dict[str, str]]:
    """Statement IRI -> exact, prefix, suffix, start and end of its quote's selectors."""
    names = {OA + "exact": "exact", OA + "prefix": "prefix", OA + "suffix": "suffix", OA + "start": "start",
             OA + "end": "end"}
    found: dict[str, dict[str, str]] = {}
    for quad in quads:
        name = names.get(quad.predicate.value)
        if name is not None:
            found.setdefault(quad.subject.value.partition("#")[0], {})[name] = quad.object.value
    return {node: values for node, values in found.items() if "prefix" in values and "suffix" in values}


def _value(store: ox.Store, subject: str, predicate: str) -> str | None:
    for quad in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None):
        return quad.object.value
    return None


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def _object(term) -> str:
    if isinstance(term, ox.NamedNode):
        return _short(term.value)
    return show_value(term.value, limit=80)


def build_diff(out_dir: Path, *, since: int | None = None, patch: bool = False) -> str | bytes:
    """What ``kg diff`` shows: the change from build ``since`` (default: the one before the
    last) to the store's current build in ``out_dir``, as text or (``patch``) RDF Patch bytes."""
    from .build_state import read_state
    from .store import STORE_DIRNAME, GraphStore

    store = GraphStore.open(Path(out_dir) / STORE_DIRNAME)
    try:
        current = read_state(store.ox, articles=False).number
    finally:
        del store
    if not current:
        raise UsageError(f"the store in {out_dir} has no build history",
                         "It was built by an older kg; run kg build --full once to start one.")
    since = current - 1 if since is None else since
    if since == 0:
        raise UsageError(f"build 1 of {out_dir} was its first: everything in it is new, there is nothing to "
                         "compare it with",
                         "'kg export' lists what the store holds; 'kg diff --since N' compares with a later build."
                         if current == 1 else f"Give --since a number from 1 to {current}.")
    change = diff_since(Path(out_dir), since, current)
    if patch:
        return format_patch(change, since=since, current=current)
    return format_diff(change, since=since, current=current)
