"""SQLAlchemy Core storage of calls by provider id, and of webhook events already seen."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ringback.adapters.db import prepared
from ringback.adapters.db.tables import call_events, calls
from ringback.domain.calls import Call
from ringback.domain.model import Direction, Outcome

_CALL = select(calls).where(
    calls.c.provider == bindparam("provider"), calls.c.call_id == bindparam("call_id")
)
_ADD_CALL = calls.insert()
_EVENT_SEEN = select(call_events.c.event).where(
    call_events.c.provider == bindparam("provider"),
    call_events.c.call_id == bindparam("call_id"),
    call_events.c.event == bindparam("event"),
)
_ADD_EVENT = call_events.insert()


class SqlCallRepository:
    """On SQLite the statements run prepared (adapters/db/prepared.py): every inbound
    call's webhook runs them, and the screen pop waits for them (R15)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._prepared = prepared.available(connection)

    def add(self, call: Call) -> None:
        if self._prepared:
            prepared.insert(self.connection, _ADD_CALL, _values(call))
            return
        self.connection.execute(insert(calls).values(**_values(call)))

    def get(self, provider: str, call_id: str) -> Call | None:
        if self._prepared:
            rows = prepared.fetch(self.connection, _CALL, provider=provider, call_id=call_id)
            return _call(rows[0]) if rows else None
        row = self.connection.execute(_CALL, {"provider": provider, "call_id": call_id}).first()
        return None if row is None else _call(row._mapping)

    def update(self, call: Call) -> None:
        self.connection.execute(
            update(calls)
            .where(calls.c.provider == call.provider, calls.c.call_id == call.call_id)
            .values(**_values(call))
        )

    def first_time(self, provider: str, call_id: str, event: str, at: datetime) -> bool:
        """Record this event of this call; False when it was recorded before."""
        if self._prepared:
            # SQLite: this runs inside a write transaction (BEGIN IMMEDIATE), which no
            # other writer shares, so looking before inserting cannot race.
            key = {"provider": provider, "call_id": call_id, "event": event}
            if prepared.fetch(self.connection, _EVENT_SEEN, **key):
                return False
            prepared.insert(self.connection, _ADD_EVENT, {**key, "received_at": at})
            return True
        module = postgresql if self.connection.dialect.name == "postgresql" else sqlite
        statement = (
            module.insert(call_events)
            .values(provider=provider, call_id=call_id, event=event, received_at=at)
            .on_conflict_do_nothing()
            .returning(call_events.c.event)
        )
        return self.connection.execute(statement).first() is not None


def _values(call: Call) -> dict[str, Any]:
    return {
        "provider": call.provider,
        "call_id": call.call_id,
        "direction": call.direction.value,
        "contact_id": call.contact_id,
        "user_name": call.user,
        "from_number": call.from_number,
        "to_number": call.to_number,
        "status": call.status,
        "outcome": None if call.outcome is None else call.outcome.value,
        "created_at": call.created_at,
        "updated_at": call.updated_at,
    }


def _call(row: Mapping[Any, Any]) -> Call:
    return Call(
        call_id=row["call_id"],
        provider=row["provider"],
        direction=Direction(row["direction"]),
        from_number=row["from_number"],
        to_number=row["to_number"],
        status=row["status"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        contact_id=row["contact_id"],
        user=row["user_name"],
        outcome=None if row["outcome"] is None else Outcome(row["outcome"]),
    )
