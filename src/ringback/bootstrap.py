"""Wires settings, the database engine and the unit of work. Nothing connects at import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from sqlalchemy.engine import Engine

from ringback.adapters.auth.passwords import Argon2Passwords
from ringback.adapters.auth.secrets import load_or_create_secret
from ringback.adapters.db import migrate
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.domain.access import LoginPolicy
from ringback.domain.errors import RingbackError
from ringback.services.ports import PasswordHasher, UnitOfWork
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

    @cached_property
    def passwords(self) -> PasswordHasher:
        return Argon2Passwords()

    @property
    def login_policy(self) -> LoginPolicy:
        return LoginPolicy(
            max_failures=self.settings.login_max_failures,
            window=timedelta(minutes=self.settings.login_window_minutes),
        )

    def session_secret(self) -> str:
        """The configured key, else the one kept in the data directory (made on first use)."""
        configured = self.settings.session_secret
        if configured is not None:
            return configured.get_secret_value()
        return load_or_create_secret(self.settings.data_dir / "session_secret")

    def ensure_schema(self) -> None:
        """SQLite is migrated on first use (zero setup); other databases need `db upgrade`."""
        if self.database_url.startswith("sqlite"):
            migrate.upgrade(self.database_url)
        elif not migrate.is_current(self.database_url):
            raise DatabaseNotReady(
                "the database schema is not up to date: run `ringback db upgrade` first"
            )
