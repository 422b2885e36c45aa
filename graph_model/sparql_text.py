"""The one place that reads SPARQL text: every path (embedded store, remote store, server, CLI)
asks this module what a query is, what it may do, and how to bind its parameters.

pyoxigraph has no public parser, so this is a tokenizer that follows the SPARQL 1.1 grammar's
terminals (section 19.8): IRIs, the four kinds of strings, comments that end at ``\\n`` *or*
``\\r``, variables, prefixed names, numbers and punctuation. Keywords are whatever is left.
It never parses the whole grammar; it only needs the prologue, the query form, the dataset
clauses, the outermost group, nesting depth and the keywords that decide the read-only policy.

Linear time on any input: one compiled pattern with possessive quantifiers is tried once per
token position, so there is no backtracking over long words or unterminated strings.

Codepoint escapes (``\\u0049``) are, by the SPARQL text, processed before parsing, and
engines differ on whether they do so. The policy therefore looks at the text both ways and
refuses if either reading is an update or uses SERVICE.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import QueryError, QueryRefused

DEFAULT_MAX_DEPTH = 64
"""Nesting of ``{ ( [`` a query may reach: far above any real query, far below the ~2,500
levels at which the engine's recursive parser runs out of stack."""

DEFAULT_MAX_LENGTH = 256 * 1024
"""Characters a query may have: room for a VALUES block of thousands of IRIs, while the time
spent reading the longest allowed text stays well under a second."""

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

_NAME_START = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D" \
              r"\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
_NAME_CHAR = _NAME_START + r"_\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
# PN_PREFIX / PN_LOCAL may hold dots, but not as their last character: a dot is taken only when
# a name character (or another dot) follows, a one-character look-ahead, so still linear.
_PREFIX = rf"[{_NAME_START}](?:[{_NAME_CHAR}]|\.(?=[{_NAME_CHAR}.]))*+"
_LOCAL_CHAR = rf"[{_NAME_CHAR}:]|%[0-9A-Fa-f]{{2}}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL = rf"(?:[{_NAME_START}_:0-9]|%[0-9A-Fa-f]{{2}}|\\[_~.\-!$&'()*+,;=/?#@%])(?:{_LOCAL_CHAR}|\.(?=(?:{_LOCAL_CHAR}|\.)))*+"

_TOKEN = re.compile(
    r"(?P<ws>[ \t\r\n]++)"
    r"|(?P<open>[{(\[])|(?P<close>[})\]])"  # the commonest tokens first
    r"|(?P<comment>\#[^\r\n]*+)"
    r"|(?P<iri><(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>)"
    # Strings, unrolled ("normal* (special normal*)*") so that a long run is one step.
    r"|(?P<string>'''[^'\\]*+(?:(?:\\.|'{1,2}(?!'))[^'\\]*+)*+'''"
    r'|"""[^"\\]*+(?:(?:\\.|"{1,2}(?!"))[^"\\]*+)*+"""'
    r"|'[^'\\\r\n]*+(?:\\.[^'\\\r\n]*+)*+'"
    r'|"[^"\\\r\n]*+(?:\\.[^"\\\r\n]*+)*+")'
    r"|(?P<var>[?$][" + _NAME_CHAR + r"]++)"
    r"|(?P<pname>(?:" + _PREFIX + r")?:(?:" + _LOCAL + r")?)"
    # A bare word takes dots too ("true.SERVICE"): it can then never equal a keyword, which the
    # policy allows for by looking inside words (see _read); and a long dotted chain is read
    # once, not once per dot.
    r"|(?P<word>[_" + _NAME_START + r"](?:[" + _NAME_CHAR + r"]|\.(?=[" + _NAME_CHAR + r".]))*+)"
    # digits first, then an optional fraction: "[0-9]*+" before a required digit never matched
    # "10" whole (possessive, it keeps both digits), which paging needs to read a LIMIT
    r"|(?P<number>(?:[0-9]++(?:\.[0-9]++)?|\.[0-9]++)(?:[eE][+-]?[0-9]++)?)"
    r"|(?P<punct>\^\^|\|\||&&|!=|<=|>=|\S)",
    re.DOTALL)

_OPEN = frozenset("{([")
_CLOSE = frozenset("})]")
_UNTERMINATED = re.compile(r"'''|\"\"\"|['\"]")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str:
        """The upper-cased word, for keyword tests (empty for anything but a bare word)."""
        return self.text.upper() if self.kind == "word" else ""


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` without white space and comments.

    Raises QueryError (with line and column) for a string that is never closed, since no
    engine would accept it and guessing where it ends could hide a keyword.

    >>> [t.text for t in tokenize('SELECT ?s { ?s <urn:p> "a # b" } # SERVICE')]
    ['SELECT', '?s', '{', '?s', '<urn:p>', '"a # b"', '}']
    >>> [t.text for t in tokenize("SELECT * {} LIMIT 10 OFFSET 2.5e3")][-3:]
    ['10', 'OFFSET', '2.5e3']
    >>> [t.kind for t in tokenize("ASK {} #\\rSERVICE")]
    ['word', 'open', 'close', 'word']
    """
    return [Token(kind, value, start) for kind, value, start in _scan(text)]


class _Unterminated(QueryError):
    """A string that is never closed."""


def _scan(text: str):
    """(kind, text, start) of each token; the fast path under :func:`tokenize` and :func:`analyse`."""
    for found in _TOKEN.finditer(text):
        kind = found.lastgroup
        if kind == "ws" or kind == "comment":
            continue
        value = found.group()
        if kind == "punct" and (value == '"' or value == "'"):
            line, column = line_and_column(text, found.start())
            raise _Unterminated(f"SPARQL syntax error at line {line}, column {column}: a string is opened "
                             "here and never closed. Close it with the same quote on the same line, or "
                             "use \'\'\' or \"\"\" for text over several lines.")
        yield kind, value, found.start()


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text`` (``\\r\\n``, ``\\n`` and ``\\r`` end lines)."""
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(text: str) -> str:
    r"""``text`` with ``\uXXXX`` and ``\UXXXXXXXX`` replaced by their characters, as the SPARQL
    text says to do before parsing (invalid code points are left as they are).

    >>> unescape_codepoints(r"SERV\u0049CE")
    'SERVICE'
    """
    def replace(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _CODEPOINT.sub(replace, text)


@dataclass(frozen=True)
class QueryInfo:
    """What a query text is, as far as the policy, the dataset and parameter binding need to know."""

    form: str | None
    """SELECT, CONSTRUCT, DESCRIBE or ASK; None if the text is not a query."""
    update_keyword: str | None = None
    """The update operation the text starts with (INSERT, LOAD, ...), if it is an update."""
    uses_service: bool = False
    has_base: bool = False
    has_relative_iri: bool = False
    """Whether some IRI in the text has no scheme (``<s>``), so the result depends on the base IRI."""
    has_dataset: bool = False
    """Whether the query names its own dataset (FROM / FROM NAMED)."""
    declared_prefixes: frozenset[str] = field(default_factory=frozenset)
    used_prefixes: frozenset[str] = field(default_factory=frozenset)
    group_start: int | None = None
    """Offset of the ``{`` that opens the query's outermost WHERE group (None if it has none)."""
    depth: int = 0
    opening: str = ""
    """What stands where the query form should be (for the message when it is not one)."""
    opening_at: tuple[int, int] = (1, 1)


def analyse(text: str, *, max_depth: int = DEFAULT_MAX_DEPTH, max_length: int = DEFAULT_MAX_LENGTH) -> QueryInfo:
    """Read ``text`` once and say what it is.

    Raises QueryError when the text is longer than ``max_length`` characters, nests deeper
    than ``max_depth``, or has a string that is never closed. Never raises for anything else:
    the engine's parser reports the remaining syntax errors.

    >>> info = analyse("PREFIX x: <urn:x#> CONSTRUCT { ?s x:p 1 } FROM <urn:g> WHERE { ?s ?p ?o }")
    >>> info.form, info.has_dataset, sorted(info.used_prefixes), info.depth
    ('CONSTRUCT', True, ['x'], 1)
    """
    if len(text) > max_length:
        raise QueryError(f"the query has {len(text):,} characters, more than the limit of {max_length:,}. "
                         "Shorten it (large VALUES blocks are better sent as several queries).")
    info = _read(list(_scan(text)), text, max_depth)
    if "\\u" in text or "\\U" in text:
        # Engines that follow the letter of the spec read \u escapes before lexing: judge that
        # reading too, and keep the stricter answer.
        try:
            other = _read(list(_scan(unescape_codepoints(text))), text, max_depth)
        except _Unterminated:
            return info  # read that way, the text does not parse, so nothing of it would run
        info = QueryInfo(
            form=info.form if other.form == info.form else None,
            update_keyword=info.update_keyword or other.update_keyword,
            uses_service=info.uses_service or other.uses_service,
            has_base=info.has_base, has_relative_iri=info.has_relative_iri or other.has_relative_iri,
            has_dataset=info.has_dataset or other.has_dataset,
            declared_prefixes=info.declared_prefixes, used_prefixes=info.used_prefixes | other.used_prefixes,
            group_start=info.group_start, depth=max(info.depth, other.depth),
            opening=info.opening, opening_at=info.opening_at)
    return info


_SERVICE_INSIDE = re.compile("SERVICE", re.IGNORECASE)
_ABSOLUTE_IRI = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:")
_UPDATE_INSIDE = re.compile("|".join(UPDATE_KEYWORDS), re.IGNORECASE)


def _read(tokens: list[tuple[str, str, int]], text: str, max_depth: int) -> QueryInfo:
    index, count = 0, len(tokens)
    declared, has_base = set(), False
    while index < count and tokens[index][0] == "word" and tokens[index][1].upper() in ("PREFIX", "BASE"):
        if tokens[index][1].upper() == "BASE":
            has_base = True
            index += 2
        else:
            if index + 1 < count and tokens[index + 1][0] == "pname":
                declared.add(tokens[index + 1][1].split(":", 1)[0])
            index += 3
    first = tokens[index][1].upper() if index < count and tokens[index][0] == "word" else ""
    opening = tokens[index][1][:40] if index < count else ""
    opening_at = line_and_column(text, tokens[index][2]) if index < count else (1, 1)
    form = first if first in QUERY_FORMS else None
    update = first if first in UPDATE_KEYWORDS else None

    relative = any(kind == "iri" and not _ABSOLUTE_IRI.match(value) for kind, value, _ in tokens[:index])
    depth = deepest = 0
    uses_service = has_dataset = False
    used = set()
    group_start = None
    template_open = form == "CONSTRUCT" and index + 1 < count and tokens[index + 1][1] == "{"
    for position in range(index, count):
        kind, value, start = tokens[position]
        if kind == "open":
                depth += 1
                if depth > deepest:
                    deepest = depth
                    if deepest > max_depth:
                        line, column = line_and_column(text, start)
                        raise QueryError(
                            f"the query nests groups, brackets or sub-queries more than {max_depth} deep "
                            f"(at line {line}, column {column}). Flatten it; this limit protects the "
                            "engine's parser, which fails on very deep nesting.")
                if value == "{" and depth == 1 and group_start is None and form is not None:
                    if template_open:
                        template_open = False  # CONSTRUCT's template is not the WHERE group
                    else:
                        group_start = start
        elif kind == "close":
            depth -= 1
        elif kind == "word":
            # The engine's parser matches keywords without word boundaries ("SERVICEex:x" is
            # SERVICE then ex:x), so a keyword anywhere inside a word counts. No SPARQL keyword
            # or function name contains SERVICE or an update keyword, so real queries never trip this.
            if _SERVICE_INSIDE.search(value):
                uses_service = True
            if update is None:
                inside = _UPDATE_INSIDE.search(value)
                if inside:
                    update = inside.group().upper()
            if depth == 0 and value.upper() == "FROM":
                has_dataset = True
        elif kind == "iri":
            if not relative and not _ABSOLUTE_IRI.match(value):
                relative = True
        elif kind == "pname":
            prefix = value.split(":", 1)[0]
            used.add(prefix)
            if _SERVICE_INSIDE.search(prefix):
                uses_service = True
    return QueryInfo(form=form, update_keyword=update, uses_service=uses_service, has_base=has_base,
                     has_relative_iri=relative, has_dataset=has_dataset, declared_prefixes=frozenset(declared),
                     used_prefixes=frozenset(used), group_start=group_start, depth=deepest,
                     opening=opening, opening_at=opening_at)


def check_read_only(info: QueryInfo, *, allow_service: bool = False) -> None:
    """Refuse what a read-only endpoint must not do. Raises QueryRefused (an update, LOAD, or
    SERVICE while not allowed) or QueryError (the text is no SPARQL query at all).

    >>> check_read_only(analyse("SELECT * { #\\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph_model.errors.QueryRefused: SERVICE is refused: ...
    """
    if info.update_keyword == "LOAD":
        raise QueryRefused("LOAD is refused: this endpoint is read-only and never fetches URLs for a client.")
    if info.update_keyword is not None:
        raise QueryRefused(f"SPARQL Update ({info.update_keyword}) is refused: this endpoint is read-only. "
                           "Change the mapping in seeds/ and run 'kg build' instead.")
    if info.uses_service and not allow_service:
        raise QueryRefused("SERVICE is refused: federated queries would make this server fetch URLs. "
                           "Start 'kg serve --allow-service' to enable them. (A prefix or word that "
                           "contains SERVICE counts too: rename the prefix.)")
    if info.form is None:
        line, column = info.opening_at
        found = f"'{info.opening}' at line {line}, column {column}" if info.opening else "nothing"
        raise QueryError(f"SPARQL syntax error: expected SELECT, CONSTRUCT, DESCRIBE or ASK (after any PREFIX "
                         f"and BASE declarations), found {found}. Only queries are answered here.")


@dataclass(frozen=True)
class QueryLimits:
    """What a query text may be before it reaches the engine: the one check every store runs."""

    max_depth: int = DEFAULT_MAX_DEPTH
    max_length: int = DEFAULT_MAX_LENGTH
    allow_service: bool = True
    """The library runs its user's own queries; ``kg serve`` turns SERVICE off for clients."""

    def check(self, text: str) -> QueryInfo:
        """What ``text`` is, once it passed the limits and the read-only policy; raises
        QueryError or QueryRefused otherwise.

        >>> QueryLimits().check("ASK { ?s ?p ?o }").form
        'ASK'
        """
        info = analyse(text, max_depth=self.max_depth, max_length=self.max_length)
        check_read_only(info, allow_service=self.allow_service)
        return info


def query_form(text: str) -> str | None:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the form of ``text``, or None.

    >>> query_form("PREFIX ask: <urn:x#> # ASK me\\nCONSTRUCT WHERE { ?s ask:p ?o }")
    'CONSTRUCT'
    """
    return analyse(text, max_depth=10**9, max_length=10**12).form


def bind_values(text: str, bindings: Mapping, *, info: QueryInfo | None = None) -> str:
    r"""``text`` with ``VALUES ?var { term }`` opening its outermost WHERE group, one per binding.

    Terms are serialised by pyoxigraph (N-Triples escaping), so a value can never become query
    syntax. The group is found by the tokenizer, so a ``where {`` inside a comment, a string or
    an IRI is never taken for it, and ``SELECT ?o { ... }`` (no WHERE keyword) works. Unlike
    SEP-0007 substitutions this works against any SPARQL endpoint.

    >>> import pyoxigraph as ox
    >>> bind_values('SELECT ?x # where {\n{ ?x ?p ?o }', {"o": ox.Literal('a" } DROP ALL #')})
    'SELECT ?x # where {\n{ VALUES ?o { "a\\" } DROP ALL #" } ?x ?p ?o }'
    """
    if not bindings:
        return text
    info = info or analyse(text, max_depth=10**9, max_length=10**12)
    if info.group_start is None:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    values = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in sorted(bindings.items()))
    cut = info.group_start + 1
    return f"{text[:cut]} {values}{text[cut:]}"


def with_prologue(text: str, prefixes: Mapping[str, str], *, base: str | None = None,
                  info: QueryInfo | None = None) -> str:
    """``text`` with a ``PREFIX`` declaration for each of ``prefixes`` it uses but does not declare,
    and ``BASE <base>`` if it has relative IRIs and no BASE of its own, all on its first line so
    that line numbers in a server's error messages still match the query.

    >>> with_prologue("PREFIX kg: <urn:kg#>\\nASK { ?s kg:p ent:x }", {"ent": "urn:e/", "kg": "urn:k#", "x": "urn:x"})
    'PREFIX ent: <urn:e/> PREFIX kg: <urn:kg#>\\nASK { ?s kg:p ent:x }'
    """
    import pyoxigraph as ox

    info = info or analyse(text, max_depth=10**9, max_length=10**12)
    lines = []
    if base and info.has_relative_iri and not info.has_base:
        lines.append(f"BASE {ox.NamedNode(base)}")
    lines += [f"PREFIX {p}: {ox.NamedNode(ns)}" for p, ns in prefixes.items()
              if p in info.used_prefixes and p not in info.declared_prefixes]
    return " ".join([*lines, text]) if lines else text
