"""What the webhooks share: refusals as JSON, and publishing screen pops."""

from __future__ import annotations

from functools import partial
from http import HTTPStatus
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection

from ringback.adapters.db.engine import sqlite_file_path
from ringback.adapters.db.sqlite_gate import GateBusy, without_waiting
from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.adapters.events import Event, notify
from ringback.bootstrap import App
from ringback.domain.screenpop import ScreenPop
from ringback.services.calls import (
    IncomingCall,
    PopPublisher,
    Received,
    identify_caller,
    log_incoming_call,
    receive_call,
)

SCREEN_POP = "screen_pop"
SQLITE_THREADS = 2
SERVER_THREADS = 4


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


async def receive(request: Request, app: App, call: IncomingCall) -> Received:
    """receive_call, run where it costs least (R15: the pop must be quick).

    On SQLite the lookup runs right on the event loop (reads never wait there) and
    so does the log, unless another writer holds the database: then the log waits
    for its turn in a thread. Handing every SQLite call to a thread would trade
    Python's GIL back and forth with the loop, which costs more than the work
    (see web/api/touches.py). PostgreSQL: one thread does it all, on one
    connection (`on_one_connection`); an in-memory SQLite database: one thread.
    """
    region = app.settings.default_region
    if app.engine.dialect.name == "postgresql":
        job = partial(_on_one_connection, app, call, region)
        return await anyio.to_thread.run_sync(job, limiter=_server_threads(request))
    if sqlite_file_path(app.engine.url) is None:  # in memory: one thread
        uows, reads = app.uow_factory(), app.read_uow_factory()
        job = partial(receive_call, uows, pop_publisher(request), call, region, reads)
        return await anyio.to_thread.run_sync(job, limiter=_server_threads(request))
    caller = identify_caller(app.read_uow_factory(), call, region)
    if caller is None:
        return Received(None)
    pop_publisher(request)(caller.pop)
    try:
        with without_waiting():
            return log_incoming_call(app.uow_factory(), call, caller)
    except GateBusy:
        job = partial(log_incoming_call, app.uow_factory(), call, caller)
        return await anyio.to_thread.run_sync(job, limiter=_sqlite_threads(request))


def _on_one_connection(app: App, call: IncomingCall, region: str) -> Received:
    with app.engine.connect() as connection:
        return on_one_connection(connection, call, region)


def on_one_connection(connection: Connection, call: IncomingCall, region: str) -> Received:
    """receive_call on PostgreSQL, all on one connection: the lookup, then the
    pop NOTIFYed and committed at once (every instance's streams get the whole pop
    and need no query), then the log. One checkout instead of three: each checkout
    pings the server first, and the pool is shared by the threads."""

    def publish(pop: ScreenPop) -> None:
        notify(connection, Event(SCREEN_POP, pop.owner, pop.to_data()))
        connection.commit()

    return receive_call(lambda: SqlUnitOfWork.on(connection), publish, call, region)


def _server_threads(request: Request) -> anyio.CapacityLimiter:
    """A database server: a few threads keep its connections busy; more would only
    contend for Python's GIL (and for the engine's pooled connections)."""
    limiter: anyio.CapacityLimiter | None = getattr(request.app.state, "server_threads", None)
    if limiter is None:
        limiter = request.app.state.server_threads = anyio.CapacityLimiter(SERVER_THREADS)
    return limiter


def _sqlite_threads(request: Request) -> anyio.CapacityLimiter:
    """At most SQLITE_THREADS waiting writers in threads: each holds one of the engine's
    pooled connections, and the lookups on the event loop must always find one free."""
    limiter: anyio.CapacityLimiter | None = getattr(request.app.state, "call_threads", None)
    if limiter is None:
        limiter = request.app.state.call_threads = anyio.CapacityLimiter(SQLITE_THREADS)
    return limiter


def pop_publisher(request: Request) -> PopPublisher:
    app: App = request.app.state.ringback

    def publish(pop: ScreenPop) -> None:
        app.events.publish(Event(SCREEN_POP, pop.owner, pop.to_data()))

    return publish
