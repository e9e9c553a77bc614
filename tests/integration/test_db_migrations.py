"""Alembic migrations build exactly the schema of tables.py, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, inspect

from ringback.adapters.db import migrate
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.tables import metadata

ALEMBIC_INI = Path(migrate.__file__).with_name("alembic.ini")
VERSIONS = Path(migrate.__file__).with_name("migrations") / "versions"


def schema_differences(url: str, target: MetaData = metadata) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, target))
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def with_extra_column() -> MetaData:
    changed = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["contacts"].append_column(Column("nickname", String))
    return changed


def test_migrations_create_exactly_the_tables_of_the_metadata(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)

    assert schema_differences(empty_db_url) == []
    assert table_names(empty_db_url) == set(metadata.tables) | {"alembic_version"}


def test_the_schema_comparison_does_notice_a_difference(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)

    differences = schema_differences(empty_db_url, with_extra_column())

    assert [d[0] for d in differences] == ["add_column"]  # type: ignore[index]


def test_current_revision_goes_from_none_to_head(empty_db_url: str) -> None:
    assert migrate.current(empty_db_url) is None
    assert not migrate.is_current(empty_db_url)

    migrate.upgrade(empty_db_url)
    migrate.upgrade(empty_db_url)  # a second run changes nothing

    newest = max(p.name.split("_")[0] for p in VERSIONS.glob("[0-9]*_*.py"))
    assert migrate.current(empty_db_url) == migrate.head() == newest
    assert migrate.is_current(empty_db_url)


def test_downgrade_to_base_removes_every_table(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)

    migrate.downgrade(empty_db_url, "base")

    assert table_names(empty_db_url) == {"alembic_version"}
    assert migrate.current(empty_db_url) is None


def test_migrating_configures_no_logging(empty_db_url: str) -> None:
    root = logging.getLogger()
    before = (list(root.handlers), root.level, logging.getLogger("alembic").handlers[:])

    migrate.upgrade(empty_db_url)

    assert (list(root.handlers), root.level, logging.getLogger("alembic").handlers) == before


def test_alembic_command_line_works_with_the_shipped_ini(empty_db_url: str) -> None:
    command = [sys.executable, "-m", "alembic", "-c", str(ALEMBIC_INI), "-x", f"url={empty_db_url}"]

    result = subprocess.run([*command, "upgrade", "head"], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert migrate.current(empty_db_url) == migrate.head()
