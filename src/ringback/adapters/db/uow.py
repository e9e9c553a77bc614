"""The SQL unit of work: one connection, one transaction at a time, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from ringback.adapters.db.account_repository import (
    SqlLoginFailureRepository,
    SqlTokenRepository,
    SqlUserRepository,
)
from ringback.adapters.db.analytics_repository import SqlAnalyticsRepository
from ringback.adapters.db.cadence_repository import SqlCadenceRepository
from ringback.adapters.db.call_repository import SqlCallRepository
from ringback.adapters.db.engine import READ_ONLY
from ringback.adapters.db.learning_repository import SqlLearningRepository
from ringback.adapters.db.outbox_repository import SqlOutboxRepository
from ringback.adapters.db.repositories import (
    SqlAppointmentRepository,
    SqlContactRepository,
    SqlStateRepository,
    SqlTouchRepository,
)
from ringback.adapters.db.settings_repository import SqlSettingsRepository
from ringback.adapters.db.template_repository import SqlTemplateRepository
from ringback.adapters.db.timing_repository import SqlTimingRepository
from ringback.services.ports import (
    AnalyticsRepository,
    AppointmentRepository,
    CadenceRepository,
    CallRepository,
    ContactRepository,
    LearningRepository,
    LoginFailureRepository,
    OutboxRepository,
    SettingsRepository,
    StateRepository,
    TemplateRepository,
    TimingRepository,
    TokenRepository,
    TouchRepository,
    UserRepository,
)


class SqlUnitOfWork:
    """`with uow: ...; uow.commit()`. Anything not committed is rolled back on exit.

    `commit()` may be called several times inside one `with` (an import commits
    per batch); the next statement starts a new transaction. Not reentrant and
    not shared between threads: make one per use with `sql_uow_factory`.
    `read_only=True` is for units of work that only read (checking credentials):
    on SQLite they do not queue for the write lock.
    """

    contacts: ContactRepository
    touches: TouchRepository
    states: StateRepository
    appointments: AppointmentRepository
    cadences: CadenceRepository
    users: UserRepository
    tokens: TokenRepository
    login_failures: LoginFailureRepository
    settings: SettingsRepository
    templates: TemplateRepository
    timing: TimingRepository
    outbox: OutboxRepository
    learning: LearningRepository
    analytics: AnalyticsRepository
    calls: CallRepository

    def __init__(
        self, engine: Engine, *, read_only: bool = False, borrowed: Connection | None = None
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._borrowed = borrowed
        self._connection: Connection | None = None

    @classmethod
    def on(cls, connection: Connection) -> SqlUnitOfWork:
        """A unit of work on a connection its caller keeps open (and closes): each `with`
        is one transaction on it. Several units of work in a row then cost one pool
        checkout (and its ping) instead of one each: a screen pop's lookup and log."""
        return cls(connection.engine, borrowed=connection)

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already in use")
        connection = self._engine.connect() if self._borrowed is None else self._borrowed
        if self._read_only:
            # SQLite: a deferred transaction, which neither waits for nor blocks writers.
            connection = connection.execution_options(**{READ_ONLY: True})
        self._connection = connection
        self.contacts = SqlContactRepository(connection)
        self.touches = SqlTouchRepository(connection)
        self.states = SqlStateRepository(connection)
        self.appointments = SqlAppointmentRepository(connection)
        self.cadences = SqlCadenceRepository(connection)
        self.users = SqlUserRepository(connection)
        self.tokens = SqlTokenRepository(connection)
        self.login_failures = SqlLoginFailureRepository(connection)
        self.settings = SqlSettingsRepository(connection)
        self.templates = SqlTemplateRepository(connection)
        self.timing = SqlTimingRepository(connection)
        self.outbox = SqlOutboxRepository(connection)
        self.learning = SqlLearningRepository(connection)
        self.analytics = SqlAnalyticsRepository(connection)
        self.calls = SqlCallRepository(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._active(), None
        try:
            connection.rollback()
        finally:
            if self._borrowed is None:
                connection.close()

    def commit(self) -> None:
        self._active().commit()

    def rollback(self) -> None:
        self._active().rollback()

    def _active(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._connection


def sql_uow_factory(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    """What bootstrap hands to services: each call makes a fresh unit of work."""
    return partial(SqlUnitOfWork, engine)
