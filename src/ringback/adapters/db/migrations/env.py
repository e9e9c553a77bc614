"""Alembic environment for Ringback's schema (adapters/db/tables.py).

`ringback.adapters.db.migrate` passes an open connection in
`config.attributes["connection"]`; the alembic command line instead gets a URL
from `-x url=...` or from Ringback's settings. Logging is left to the caller.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from ringback.adapters.db.coltypes import UTCDateTime
from ringback.adapters.db.migrate import migration_connection
from ringback.adapters.db.tables import metadata


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes UTCDateTime as its DDL type: migrations must not import app code."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def database_url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    if url:
        return url
    from ringback.settings import Settings

    return Settings().resolved_database_url()


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=database_url(), target_metadata=metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    with migration_connection(database_url()) as own_connection:
        run_on(own_connection)


if context.is_offline_mode():
    run_offline()
else:
    run_online()
