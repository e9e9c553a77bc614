"""Events through PostgreSQL's NOTIFY on a connection the caller commits (screen pops,
R15): nothing reaches a listener before the commit, and the whole event does after."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import Engine

from ringback.adapters.db.engine import make_engine
from ringback.adapters.events import Event, notify
from ringback.adapters.events.postgres import CHANNEL

pytestmark = pytest.mark.postgres
POP = Event("screen_pop", "rita", {"phone": "+14155550123", "name": "Ada Quinn"})


def _received(listener: psycopg.Connection[tuple[object, ...]], wait_s: float) -> list[Event]:
    return [Event.from_json(n.payload) for n in listener.notifies(timeout=wait_s, stop_after=1)]


def test_an_event_notified_on_a_connection_arrives_whole_once_committed(
    postgres_db_url: str,
) -> None:
    engine: Engine = make_engine(postgres_db_url)
    conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, autocommit=True) as listener:
            listener.execute(f"LISTEN {CHANNEL}")
            with engine.connect() as connection:
                notify(connection, POP)
                assert _received(listener, 0.3) == []  # not before the commit
                connection.commit()
                assert _received(listener, 5) == [POP]
    finally:
        engine.dispose()
