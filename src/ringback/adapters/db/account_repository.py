"""SQLAlchemy Core storage of users, API tokens and failed sign-ins (issue 4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from ringback.adapters.db import convert, prepared
from ringback.adapters.db.tables import api_tokens, login_failures, users
from ringback.domain.access import ApiToken, User
from ringback.domain.errors import InvalidField, NotFound

# Checking an API token on every request: prepared.py on SQLite.
_USER = select(users).where(users.c.id == bindparam("id"))
_TOKEN = select(api_tokens).where(api_tokens.c.token_hash == bindparam("token_hash"))


class SqlUserRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, user: User) -> User:
        if self.by_name(user.name) is not None:
            raise InvalidField("name", f"a user named {user.name!r} already exists")
        statement = insert(users).values(convert.user_values(user)).returning(users.c.id)
        return replace(user, id=self._connection.execute(statement).scalar_one())

    def get(self, user_id: int) -> User:
        if prepared.fetchable(self._connection):
            rows = prepared.fetch(self._connection, _USER, id=user_id)
            if not rows:
                raise NotFound(f"no user with id {user_id}")
            return convert.user_from_row(rows[0])
        row = self._connection.execute(select(users).where(users.c.id == user_id)).mappings()
        found = row.first()
        if found is None:
            raise NotFound(f"no user with id {user_id}")
        return convert.user_from_row(found)

    def by_name(self, name: str) -> User | None:
        rows = self._connection.execute(select(users).where(users.c.name == name)).mappings()
        found = rows.first()
        return None if found is None else convert.user_from_row(found)

    def update(self, user: User) -> None:
        statement = update(users).where(users.c.id == user.id).values(convert.user_values(user))
        if self._connection.execute(statement).rowcount == 0:
            raise NotFound(f"no user with id {user.id}")

    def list(self) -> list[User]:
        rows = self._connection.execute(select(users).order_by(users.c.name)).mappings()
        return [convert.user_from_row(row) for row in rows]


class SqlTokenRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, token: ApiToken) -> ApiToken:
        values = convert.token_values(token)
        statement = insert(api_tokens).values(values).returning(api_tokens.c.id)
        return replace(token, id=self._connection.execute(statement).scalar_one())

    def by_hash(self, token_hash: str) -> ApiToken | None:
        if prepared.fetchable(self._connection):
            rows = prepared.fetch(self._connection, _TOKEN, token_hash=token_hash)
            return convert.token_from_row(rows[0]) if rows else None
        query = select(api_tokens).where(api_tokens.c.token_hash == token_hash)
        found = self._connection.execute(query).mappings().first()
        return None if found is None else convert.token_from_row(found)

    def for_user(self, user_id: int) -> list[ApiToken]:
        query = select(api_tokens).where(api_tokens.c.user_id == user_id).order_by(api_tokens.c.id)
        return [convert.token_from_row(row) for row in self._connection.execute(query).mappings()]

    def delete(self, token_id: int) -> None:
        statement = delete(api_tokens).where(api_tokens.c.id == token_id)
        if self._connection.execute(statement).rowcount == 0:
            raise NotFound(f"no token with id {token_id}")


class SqlLoginFailureRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, user_name: str, address: str, at: datetime) -> None:
        values = {"user_name": user_name, "address": address, "at": at}
        self._connection.execute(insert(login_failures).values(values))

    def count_since(self, user_name: str, address: str, since: datetime) -> int:
        table = login_failures.c
        query = (
            select(func.count())
            .select_from(login_failures)
            .where(table.user_name == user_name, table.address == address, table.at >= since)
        )
        return int(self._connection.execute(query).scalar_one())

    def clear(self, user_name: str, address: str, before: datetime | None = None) -> None:
        table = login_failures.c
        statement = delete(login_failures).where(
            table.user_name == user_name, table.address == address
        )
        if before is not None:
            statement = statement.where(table.at < before)
        self._connection.execute(statement)
