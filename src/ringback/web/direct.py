"""The API's busiest route answered in front of the middleware stack (issue 4).

A dialer logs touches many times a second through POST /api/v1/touches. Through the
app's full stack each request passes eight ASGI layers (server errors, telemetry,
body limits, security headers, sessions, the exit stack, exception handling,
routing), each wrapping the request and every message of the answer: about a
sixth of the route's CPU. The route needs none of them but two, so `DirectRoutes`,
the outermost layer, answers it itself with exactly those two when the caller
sends a bearer token (what dialers and CRMs do):

- the app's exception handlers turn the errors it raises into answers, as
  Starlette's exception middleware would (the same JSON, status and headers);
- the security headers go on every answer (SecurityHeaders, around the answer).

An error no handler takes propagates to the server, which answers 500 and logs it,
as the app's outermost middleware would. A request with a bearer token makes no
use of the session; one without (a signed-in browser, or nobody) goes through
the whole stack, sessions included, as does every other request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ringback.web.security_headers import SecurityHeaders

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request, Exception], Awaitable[Response]]


class DirectRoutes:
    """ASGI layer: (method, path) in `routes` answered by its endpoint when the
    request carries a bearer token; everything else by `app`."""

    def __init__(self, app: ASGIApp, web: Starlette, routes: Mapping[tuple[str, str], Endpoint]):
        self.app = app
        self.web = web
        self.routes = dict(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            endpoint = self.routes.get((scope["method"], scope["path"]))
            if endpoint is not None and _has_bearer_token(scope):
                await self._answer(endpoint, scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _answer(self, endpoint: Endpoint, scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = self.web  # what Starlette sets before its middleware runs
        request = Request(scope, receive)
        try:
            response = await endpoint(request)
        except Exception as error:
            handler = self._handler_for(error)
            if handler is None:
                raise
            response = await handler(request, error)
        await SecurityHeaders(response)(scope, receive, send)

    def _handler_for(self, error: Exception) -> Handler | None:
        """The handler the app registered for the error's class or its nearest base."""
        handlers = self.web.exception_handlers
        for kind in type(error).__mro__:
            handler: Handler | None = handlers.get(kind)
            if handler is not None:
                return handler
        return None


def _has_bearer_token(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"authorization":
            return bool(value[:7].lower() == b"bearer ")
    return False
