"""Content Security Policy for the pages we generate and serve.

Both the self-contained graph page (opened from disk, so only a ``<meta>`` policy applies) and
the server's responses (an HTTP header, which also covers pages opened through ``kg serve``)
take their policy from :func:`page_policy`, so the two can never disagree. Inline scripts and
styles are allowed by their SHA-256 hash, never by ``'unsafe-inline'``: text that reached the
page as data can then never run, even if an escaping bug let it become markup.
"""

from __future__ import annotations

import base64
import hashlib
import re

# The body of every inline <script> (except JSON data blocks, which never run) and <style>.
_INLINE = re.compile(r"<(script|style)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_DATA_SCRIPT = re.compile(r"""type\s*=\s*["']application/(?:ld\+)?json["']""", re.IGNORECASE)

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
"""Sent on every response of ``kg serve``, whatever its type (errors that echo input too)."""

STRICT_POLICY = ("default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
"""The policy for responses that are not pages (results, errors): nothing may load or run."""


def sha256_source(text: str) -> str:
    """The CSP source expression allowing exactly the inline code ``text``.

    >>> sha256_source("alert(1)")
    "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
    """
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_hashes(html: str) -> tuple[list[str], list[str]]:
    """(script hashes, style hashes) of the inline code in ``html``, in document order, unique."""
    scripts: dict[str, None] = {}
    styles: dict[str, None] = {}
    for match in _INLINE.finditer(html):
        kind, attributes, body = match.group(1).lower(), match.group(2), match.group(3)
        if kind == "script":
            if "src=" in attributes.lower() or _DATA_SCRIPT.search(attributes):
                continue
            scripts[sha256_source(body)] = None
        else:
            styles[sha256_source(body)] = None
    return list(scripts), list(styles)


def page_policy(html: str, *, connect_self: bool = False) -> str:
    """The CSP for ``html``: its own inline scripts and styles by hash, images as data: URLs,
    nothing fetched from anywhere (or, with ``connect_self``, fetches to the serving origin only,
    as the query page needs for /sparql).

    >>> page_policy("<style>b{}</style><script>go()</script>").split("; ")[1].startswith("script-src 'sha256-")
    True
    """
    scripts, styles = inline_hashes(html)
    parts = [
        "default-src 'none'",
        "script-src " + (" ".join(scripts) or "'none'"),
        "style-src " + (" ".join(styles) or "'none'"),
        "img-src data: blob:",
        "connect-src 'self'" if connect_self else "connect-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    return "; ".join(parts)


def with_meta_policy(html: str, *, connect_self: bool = False) -> str:
    """``html`` with a ``<meta http-equiv="Content-Security-Policy">`` as the first child of <head>.

    The meta policy cannot carry ``frame-ancestors`` (browsers ignore it there); the server's
    header adds that. The hashes are computed over the page before the meta tag goes in, which
    is fine because the tag holds no script or style.
    """
    policy = page_policy(html, connect_self=connect_self)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    head = re.search(r"<head\b[^>]*>", html, re.IGNORECASE)
    if head is None:
        return meta + html
    return html[:head.end()] + "\n" + meta + html[head.end():]
