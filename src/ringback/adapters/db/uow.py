"""The SQL unit of work: one connection, one transaction at a time, rolled back unless committed."""

from __future__ import annotations

import sqlite3
import threading
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
        self,
        engine: Engine,
        *,
        read_only: bool = False,
        kept: KeptConnection | None = None,
        borrowed: Connection | None = None,
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._kept = kept
        self._from_kept = False
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
        connection = self._borrowed
        if connection is None:
            taken = self._kept.take() if self._kept is not None else None
            self._from_kept = taken is not None
            connection = taken or self._engine.connect()
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
        if self._kept is not None and self._from_kept:
            self._kept.give_back(connection)
            return
        try:
            connection.rollback()
        finally:
            if self._borrowed is None:
                connection.close()

    @property
    def connection(self) -> Connection:
        """The connection this unit of work runs on (inside its `with` block)."""
        return self._active()

    def in_transaction(self) -> bool:
        """Whether the database still holds this unit of work's transaction open."""
        driver = self._active().connection.driver_connection
        return bool(getattr(driver, "in_transaction", self._active().in_transaction()))

    def begin(self) -> None:
        """Begin the transaction now (on SQLite: take the write lock now), not at
        the first statement."""
        connection = self._active()
        if not connection.in_transaction():
            connection.begin()

    def commit(self) -> None:
        self._active().commit()

    def rollback(self) -> None:
        self._active().rollback()

    def _active(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._connection


class SavepointUnitOfWork(SqlUnitOfWork):
    """A unit of work inside a transaction its caller holds open (SQLite): a savepoint.

    `commit()` releases the savepoint into the caller's transaction, which commits it
    later with others (web/group_commit.py); leaving the `with` block uncommitted
    rolls back to the savepoint, undoing this unit of work alone. Commit at most once.
    The savepoint statements go straight to the driver: the enclosing transaction is
    SQLAlchemy's, and a savepoint inside it changes nothing it tracks.
    """

    _NAME = "ringback_unit"

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection.engine, borrowed=connection)
        self._open = False

    def __enter__(self) -> Self:
        super().__enter__()
        self._driver().execute(f"SAVEPOINT {self._NAME}")
        self._open = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._open:
                self.rollback()
        finally:
            self._connection = None

    def commit(self) -> None:
        if not self._open:
            raise RuntimeError("this unit of work was already committed or rolled back")
        self._open = False
        self._driver().execute(f"RELEASE {self._NAME}")

    def rollback(self) -> None:
        self._open = False
        if self.in_transaction():  # SQLite may have rolled everything back itself
            driver = self._driver()
            driver.execute(f"ROLLBACK TO {self._NAME}")
            driver.execute(f"RELEASE {self._NAME}")

    def _driver(self) -> sqlite3.Connection:
        driver = self._active().connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        return driver


class KeptConnection:
    """A connection a process keeps between units of work, for its busiest writer.

    Checking a connection out of SQLAlchemy's pool and back in costs about a tenth of
    logging a touch (issue 4). One unit of work at a time takes this one instead; a
    unit of work that finds it taken checks one out as usual. It is rolled back
    between units of work, as the pool would, and replaced when that fails or it was
    invalidated. Only for callers that stay on one thread (an event loop): an
    in-memory SQLite connection belongs to the thread that opened it.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._taken = threading.Lock()

    def take(self) -> Connection | None:
        """The kept connection (opened if need be), or None while another holds it."""
        if not self._taken.acquire(blocking=False):
            return None
        try:
            connection = self._connection
            if connection is None or connection.closed or connection.invalidated:
                connection = self._connection = self._engine.connect()
        except BaseException:
            self._taken.release()
            raise
        return connection

    def give_back(self, connection: Connection) -> None:
        """Roll back what was not committed; on failure, close it and open anew next time."""
        try:
            connection.rollback()
            if connection.invalidated:
                self._forget(connection)
        except BaseException:
            self._forget(connection)
            raise
        finally:
            self._taken.release()

    def close(self) -> None:
        with self._taken:
            if self._connection is not None:
                self._forget(self._connection)

    def _forget(self, connection: Connection) -> None:
        self._connection = None
        connection.close()


def kept_uow_factory(engine: Engine, kept: KeptConnection) -> Callable[[], SqlUnitOfWork]:
    """Units of work that take `kept` when it is free (see KeptConnection)."""
    return partial(SqlUnitOfWork, engine, kept=kept)


def sql_uow_factory(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    """What bootstrap hands to services: each call makes a fresh unit of work."""
    return partial(SqlUnitOfWork, engine)
