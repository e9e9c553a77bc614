"""Safe defaults on every answer, and the Content-Security-Policy on pages."""

from __future__ import annotations

from starlette.datastructures import URL, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ringback.web.api import PREFIX

# Pages load scripts and styles from /static only; the API docs page is left alone.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
DOCS_PATHS = (f"{PREFIX}/docs", f"{PREFIX}/docs/oauth2-redirect")


def security_headers(start: Message, scope: Scope) -> None:
    """Add the headers to an `http.response.start` message (those already set stay)."""
    headers = MutableHeaders(scope=start)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    is_page = headers.get("content-type", "").startswith("text/html")
    if is_page and URL(scope=scope).path not in DOCS_PATHS:
        headers.setdefault("Content-Security-Policy", PAGE_POLICY)


class SecurityHeaders:
    """ASGI middleware putting `security_headers` on every answer.

    A plain ASGI middleware: the `@app.middleware("http")` kind runs every request
    through an extra task and body stream, which cost more than an API handler.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                security_headers(message, scope)
            await send(message)

        await self.app(scope, receive, send_with_headers)
