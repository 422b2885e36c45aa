"""Checks of articles as sources: the address and language a mapping gives, and articles that
are the same source twice (one address for two articles, the same bytes, nearly the same words).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from .corpus import ArticleMapping, Corpus
from .errors import Problem, show_value
from .languages import LanguageTagError, check_language_tag
from .similarity import NEAR_DUPLICATE, find_similar_pairs

# Characters an IRI may not hold (RFC 3987): the URL becomes the article's schema:url IRI.
_NOT_IN_IRI = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f-\x9f]")
URL_HINT = "Write the address the article was read at, e.g. https://www.belta.by/president/view/1234."


def check_url(mapping: ArticleMapping, problems: list[Problem]) -> str | None:
    """The mapping's ``url`` if it is an absolute http(s) address that can be an IRI, else None
    (reporting why)."""
    if mapping.url is None:
        return None
    url, line = mapping.url.value, mapping.url.line
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        problems.append(Problem(mapping.path, line, f"url {show_value(url)} is not an absolute http(s) address",
                                URL_HINT))
        return None
    bad = _NOT_IN_IRI.search(url)
    if bad:
        problems.append(Problem(mapping.path, line, f"url {show_value(url)} holds {show_value(bad.group())}, "
                                                    "which an address may not hold",
                                "Write it percent-encoded (a space is %20), as a browser's address bar copies it."))
        return None
    return url


def url_key(url: str) -> str:
    """The form two addresses of one page share: scheme and host in lower case, no fragment.

    >>> url_key("HTTPS://www.BelTA.by/view/1#top") == url_key("https://www.belta.by/view/1")
    True
    """
    parts = urlsplit(url)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower(), fragment="").geturl()


def check_language(mapping: ArticleMapping, problems: list[Problem]) -> tuple[str | None, bool]:
    """(the canonical language tag or None, whether it may be used to read the text's dates);
    a tag that is not BCP 47 is reported, and then the dates are read for their years only."""
    if mapping.language is None:
        return None, True
    try:
        return check_language_tag(mapping.language.value), True
    except LanguageTagError as exc:
        problems.append(Problem(mapping.path, mapping.language.line, f"language {exc}", exc.hint))
        return None, False


def check_duplicate_urls(urls: dict[str, tuple[ArticleMapping, str]], problems: list[Problem]) -> None:
    """One address for two articles: ``urls`` maps article id to (mapping, valid url)."""
    first: dict[str, ArticleMapping] = {}
    for article_id in sorted(urls):
        mapping, url = urls[article_id]
        other = first.setdefault(url_key(url), mapping)
        if other is not mapping:
            problems.append(Problem(
                mapping.path, mapping.url.line,
                f"url {show_value(url)} is also the url of {other.article_id} ({other.path}:{other.url.line})",
                "Each article comes from its own address: fix the url, or, if the two are one article, "
                "remove one of them with its mapping."))


def check_identical_articles(hashes: dict[str, tuple[Path, str]], problems: list[Problem]) -> set[tuple[str, str]]:
    """Articles with the same bytes: ``hashes`` maps article id to (path, SHA-256); returns the
    pairs (first, second) of identical articles."""
    by_hash: dict[str, str] = {}
    identical: set[tuple[str, str]] = set()
    for article_id in sorted(hashes):
        path, digest = hashes[article_id]
        first = by_hash.setdefault(digest, article_id)
        if first != article_id:
            identical.add((first, article_id))
            problems.append(Problem(path, None, f"the same bytes as {hashes[first][0]}",
                                    "An article is added once: remove one of the two, with its mapping."))
    return identical


def check_duplicate_articles(corpus: Corpus, problems: list[Problem], warnings: list[Problem], *,
                             threshold: float = NEAR_DUPLICATE) -> None:
    """An article with the same bytes as another is a problem; one whose wording is at least
    ``threshold`` similar (graph_model.similarity) is a warning: a republication or a new
    version of one report, or, rarely, two reports that share most of their words."""
    identical = check_identical_articles({a.id: (a.path, a.sha256) for a in corpus.articles.values()}, problems)
    texts = {article_id: article.text for article_id, article in corpus.articles.items()}
    for first, second, similarity in find_similar_pairs(texts, threshold):
        if (first, second) in identical:
            continue
        warnings.append(Problem(
            corpus.articles[second].path, None,
            f"nearly the same wording as {corpus.articles[first].path} (similarity {similarity:.2f})",
            "If one is a republication or a new version of the other, keep one; if they are two reports, "
            "nothing needs doing."))
