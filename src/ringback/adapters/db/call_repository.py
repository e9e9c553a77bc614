"""SQLAlchemy Core storage of calls by provider id, and of webhook events already seen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ringback.adapters.db.tables import call_events, calls
from ringback.domain.calls import Call
from ringback.domain.model import Direction, Outcome


class SqlCallRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, call: Call) -> None:
        self.connection.execute(insert(calls).values(**_values(call)))

    def get(self, provider: str, call_id: str) -> Call | None:
        row = self.connection.execute(
            select(calls).where(calls.c.provider == provider, calls.c.call_id == call_id)
        ).first()
        return None if row is None else _call(row)

    def update(self, call: Call) -> None:
        self.connection.execute(
            update(calls)
            .where(calls.c.provider == call.provider, calls.c.call_id == call.call_id)
            .values(**_values(call))
        )

    def first_time(self, provider: str, call_id: str, event: str, at: datetime) -> bool:
        """Record this event of this call; False when it was recorded before."""
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


def _call(row: Row[Any]) -> Call:
    return Call(
        call_id=row.call_id,
        provider=row.provider,
        direction=Direction(row.direction),
        from_number=row.from_number,
        to_number=row.to_number,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
        contact_id=row.contact_id,
        user=row.user_name,
        outcome=None if row.outcome is None else Outcome(row.outcome),
    )
