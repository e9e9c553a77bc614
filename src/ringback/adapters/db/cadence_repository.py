"""SQLAlchemy Core storage of user-defined cadences and segment assignments (issue 3)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from ringback.adapters.db import prepared
from ringback.adapters.db.tables import cadences, segment_cadences
from ringback.domain.cadence import Cadence, cadence_from_dict, cadence_to_dict

# Read on every logged touch: prepared.py on SQLite.
_DEFINITIONS = select(cadences.c.definition).order_by(cadences.c.key)
_SEGMENTS = select(segment_cadences)


class SqlCadenceRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def save(self, cadence: Cadence, at: datetime) -> None:
        values = {"definition": cadence_to_dict(cadence), "updated_at": at}
        found = self.connection.execute(
            update(cadences).where(cadences.c.key == cadence.key).values(**values)
        )
        if found.rowcount == 0:
            self.connection.execute(insert(cadences).values(key=cadence.key, **values))

    def get(self, key: str) -> Cadence | None:
        row = self.connection.execute(
            select(cadences.c.definition).where(cadences.c.key == key)
        ).first()
        return None if row is None else cadence_from_dict(row.definition)

    def list(self) -> list[Cadence]:
        if prepared.fetchable(self.connection):
            stored = prepared.fetch(self.connection, _DEFINITIONS)
            return [cadence_from_dict(row["definition"]) for row in stored]
        rows = self.connection.execute(_DEFINITIONS)
        return [cadence_from_dict(row.definition) for row in rows]

    def assign_segment(self, segment: str, key: str) -> None:
        table = segment_cadences
        found = self.connection.execute(
            update(table).where(table.c.segment == segment).values(cadence_key=key)
        )
        if found.rowcount == 0:
            self.connection.execute(insert(table).values(segment=segment, cadence_key=key))

    def segments(self) -> dict[str, str]:
        if prepared.fetchable(self.connection):
            stored = prepared.fetch(self.connection, _SEGMENTS)
            return {row["segment"]: row["cadence_key"] for row in stored}
        rows = self.connection.execute(_SEGMENTS)
        return {row.segment: row.cadence_key for row in rows}
