"""Events across app instances through PostgreSQL's LISTEN/NOTIFY.

Publishing is one `SELECT pg_notify(...)` on the app's engine (any thread), or on
a connection the caller commits (`notify`). Each process keeps one psycopg 3 async
connection LISTENing, started with the first subscriber on the server's event loop,
and fans each notification out to its own subscribers. If that connection drops
it is opened again; events sent meanwhile are lost (a screen pop is only useful
now anyway).
"""

from __future__ import annotations

import asyncio
import logging

import psycopg
from sqlalchemy import Connection, Engine, func, select

from ringback.adapters.events.broker import Event, LocalBroker, Subscription

CHANNEL = "ringback_events"
RECONNECT_DELAY_S = 1.0
log = logging.getLogger(__name__)


def notify(connection: Connection, event: Event) -> None:
    """Send `event` to every instance's subscribers when `connection` commits (the
    payload carries the whole event: the instances receiving it need no query)."""
    connection.execute(select(func.pg_notify(CHANNEL, event.to_json())))


class PostgresBroker(LocalBroker):
    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self._engine = engine
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self._listener: asyncio.Task[None] | None = None
        self._listening: asyncio.Event | None = None

    def publish(self, event: Event) -> None:
        with self._engine.begin() as connection:
            notify(connection, event)

    async def subscribe(self) -> Subscription:
        subscription = await super().subscribe()
        await self._ensure_listening()
        return subscription

    async def _ensure_listening(self) -> None:
        if self._listener is None or self._listener.done():
            self._listening = asyncio.Event()
            self._listener = asyncio.create_task(self._listen(self._listening))
        assert self._listening is not None
        # A subscriber must not miss an event published right after it subscribed.
        await asyncio.wait_for(self._listening.wait(), timeout=10)

    async def _listen(self, ready: asyncio.Event) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    ready.set()
                    async for notification in connection.notifies():
                        self.deliver(Event.from_json(notification.payload))
            except (psycopg.Error, OSError) as error:
                log.warning("event listener lost its connection (%s); reconnecting", error)
                await asyncio.sleep(RECONNECT_DELAY_S)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            try:
                await self._listener
            except (asyncio.CancelledError, Exception):
                pass
            self._listener = None
