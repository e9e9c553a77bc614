"""Database fixtures for every test that needs real storage.

Each fixture below marked *both backends* is parametrized: a test using it runs
twice, as ``test_x[sqlite]`` and ``test_x[postgres]``.

- ``db_url`` (both backends): URL of an empty database, migrated to head through
  ``ringback.adapters.db.migrate.upgrade``. SQLite: a fresh file under the test's
  ``tmp_path``. PostgreSQL: one database per pytest-xdist worker
  (``ringback_test_<worker>_<pid>``), created and migrated once per session and
  dropped at its end; every table is truncated (``RESTART IDENTITY``) before each
  test, so ids start at 1 again.
- ``engine`` (both backends): ``make_engine(db_url)``, disposed after the test.
- ``uow_factory`` (both backends): ``sql_uow_factory(engine)`` — call it for a
  fresh ``SqlUnitOfWork``, exactly what bootstrap hands to services.
- ``empty_db_url`` (both backends): a database that was never migrated (for
  migration and ``db upgrade`` tests). PostgreSQL: a scratch database, dropped after.
- ``sqlite_url``: a migrated SQLite file only, for tests (CLI, web) that need a
  database but gain nothing from running on both.

PostgreSQL comes from ``RINGBACK_TEST_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); test databases are created
through it. When the server cannot be reached the PostgreSQL variants are skipped
with the reason, except under ``CI=true``, where they fail: CI never skips them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from ringback.adapters.db import migrate
from ringback.adapters.db.engine import make_engine, normalize_url
from ringback.adapters.db.tables import metadata
from ringback.adapters.db.uow import SqlUnitOfWork, sql_uow_factory

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _unavailable(reason: str) -> None:
    if _under_ci():
        pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)", pytrace=False)
    print(f"\nskipping PostgreSQL tests: {reason}")
    pytest.skip(reason)


def _url_string(url: URL) -> str:
    return url.render_as_string(hide_password=False)


class PostgresServer:
    """Creates and drops test databases through an AUTOCOMMIT admin connection."""

    def __init__(self, admin_url: URL) -> None:
        self.admin_url = admin_url
        self._admin = create_engine(
            admin_url,
            isolation_level="AUTOCOMMIT",
            poolclass=NullPool,
            connect_args={"connect_timeout": 5},
        )

    def check_reachable(self) -> None:
        try:
            with self._admin.connect():
                pass
        except OperationalError as error:
            shown = self.admin_url.render_as_string(hide_password=True)
            why = " ".join(str(error.orig).split())
            _unavailable(f"PostgreSQL not reachable at {shown}: {why}")

    def create(self, name: str) -> str:
        self.drop(name)
        with self._admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        return _url_string(self.admin_url.set(database=name))

    def drop(self, name: str) -> None:
        with self._admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def dispose(self) -> None:
        self._admin.dispose()


def _database_name(suffix: str = "") -> str:
    # The pid keeps concurrent pytest runs on one server apart; the worker name is
    # there for whoever inspects the server.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"ringback_test_{worker}_{os.getpid()}{suffix}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer(
        normalize_url(os.environ.get("RINGBACK_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    )
    try:
        server.check_reachable()
        yield server
    finally:
        server.dispose()


@pytest.fixture(scope="session")
def postgres_db_url(postgres_server: PostgresServer) -> Iterator[str]:
    """This worker's migrated PostgreSQL database (use `db_url`, which also cleans it)."""
    name = _database_name()
    url = postgres_server.create(name)
    migrate.upgrade(url)
    yield url
    postgres_server.drop(name)


@pytest.fixture(scope="session")
def _postgres_cleaner(postgres_db_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_db_url)
    yield engine
    engine.dispose()


def _truncate_all(engine: Engine) -> None:
    names = ", ".join(table.name for table in metadata.sorted_tables)
    with engine.begin() as connection:
        # A connection a test left open would otherwise make TRUNCATE wait forever.
        connection.execute(text("SET LOCAL lock_timeout = '10s'"))
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "migrated.sqlite"
    migrate.upgrade(f"sqlite:///{path}")
    return path


def _fresh_sqlite_url(template: Path, directory: Path) -> str:
    path = directory / "ringback.sqlite"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return _fresh_sqlite_url(request.getfixturevalue("_sqlite_template"), tmp_path)
    url: str = request.getfixturevalue("postgres_db_url")
    _truncate_all(request.getfixturevalue("_postgres_cleaner"))
    return url


@pytest.fixture
def sqlite_url(_sqlite_template: Path, tmp_path: Path) -> str:
    return _fresh_sqlite_url(_sqlite_template, tmp_path)


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = _database_name("_empty")
    yield server.create(name)
    server.drop(name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    return sql_uow_factory(engine)
