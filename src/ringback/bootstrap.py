"""Wires settings, the database engine and the unit of work. Nothing connects at import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy.engine import Engine

from ringback.adapters.db import migrate
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.domain.errors import RingbackError
from ringback.services.ports import UnitOfWork
from ringback.settings import Settings


class DatabaseNotReady(RingbackError):
    """The database schema is older than this version of Ringback."""


@dataclass
class App:
    settings: Settings = field(default_factory=Settings)

    @property
    def database_url(self) -> str:
        return self.settings.resolved_database_url()

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.database_url)

    def uow_factory(self) -> Callable[[], UnitOfWork]:
        engine = self.engine
        return lambda: SqlUnitOfWork(engine)

    def ensure_schema(self) -> None:
        """SQLite is migrated on first use (zero setup); other databases need `db upgrade`."""
        if self.database_url.startswith("sqlite"):
            migrate.upgrade(self.database_url)
        elif not migrate.is_current(self.database_url):
            raise DatabaseNotReady(
                "the database schema is not up to date: run `ringback db upgrade` first"
            )
