"""What the webhooks share: refusals as JSON, and publishing screen pops."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from ringback.adapters.events import Event
from ringback.bootstrap import App
from ringback.domain.screenpop import ScreenPop
from ringback.services.calls import PopPublisher

SCREEN_POP = "screen_pop"


class WebhookRefused(Exception):
    """Raised by a webhook's checks: answered by `refused` (see `install`)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


async def _answer_refusal(request: Request, error: Exception) -> Response:
    assert isinstance(error, WebhookRefused)
    return refused(error.status, error.reason)


def install(web: FastAPI) -> None:
    web.add_exception_handler(WebhookRefused, _answer_refusal)


def refused(status: int, reason: str) -> JSONResponse:
    """The API's error shape (web/errors.py), with nothing done."""
    code = "_".join(HTTPStatus(status).phrase.lower().split())
    body = {"error": {"status": status, "code": code, "message": reason}}
    return JSONResponse(body, status_code=status)


def accepted(**body: Any) -> JSONResponse:
    return JSONResponse(body)


def pop_publisher(request: Request) -> PopPublisher:
    app: App = request.app.state.ringback

    def publish(pop: ScreenPop) -> None:
        app.events.publish(Event(SCREEN_POP, pop.owner, pop.to_data()))

    return publish
