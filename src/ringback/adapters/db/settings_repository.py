"""SQLAlchemy Core storage of the team's settings: one JSON value per key (issue 4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ringback.adapters.db.tables import app_settings


class SqlSettingsRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def get(self, key: str) -> Any | None:
        row = self.connection.execute(
            select(app_settings.c.value).where(app_settings.c.key == key)
        ).first()
        return None if row is None else row.value

    def save(self, key: str, value: Any, at: datetime) -> None:
        values = {"value": value, "updated_at": at}
        found = self.connection.execute(
            update(app_settings).where(app_settings.c.key == key).values(**values)
        )
        if found.rowcount == 0:
            self.connection.execute(insert(app_settings).values(key=key, **values))
