"""Storage on SQLite or PostgreSQL: tables, repositories, unit of work, migrations, backup.

Entry points: `engine.make_engine`, `uow.sql_uow_factory`, `migrate.upgrade`, `backup.backup`.
"""
