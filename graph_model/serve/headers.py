"""Security headers on every response of ``kg serve``, errors included.

Pages set their own Content Security Policy (their inline code allowed by hash, from
:mod:`graph_model.csp`); every other response gets the strictest policy, so nothing a client
sent can run even if a browser were made to render an error that echoes it.
"""

from __future__ import annotations

from ..csp import SECURITY_HEADERS, STRICT_POLICY

_CSP = b"content-security-policy"


class SecurityHeaders:
    """ASGI middleware adding :data:`~graph_model.csp.SECURITY_HEADERS` and, where the response
    has none, the strict CSP."""

    def __init__(self, app):
        self.app = app
        self.extra = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in self.extra if name not in present]
                if _CSP not in present:
                    headers.append((_CSP, STRICT_POLICY.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
