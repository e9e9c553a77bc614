"""Requests started in one turn of the event loop share one SQLite commit
(web/group_commit.py): each in its own savepoint, all answered after the commit.

SQLite only: on PostgreSQL each request commits on its own, in a thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, make_url

from ringback.adapters.db import sqlite_gate
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import KeptConnection, SqlUnitOfWork, kept_uow_factory
from ringback.web.group_commit import GroupCommit, Member

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own (the browser tests leave a loop on this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main).result()


@pytest.fixture
def database(sqlite_url: str) -> Path:
    path = Path(make_url(sqlite_url).database or "")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE probe (n INTEGER NOT NULL)")
    return path.resolve()


@pytest.fixture
def engine(database: Path) -> Iterator[Engine]:
    made = make_engine(f"sqlite:///{database}")
    yield made
    made.dispose()


@pytest.fixture
def commits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per COMMIT on a gated connection."""
    seen: list[int] = []
    original = sqlite_gate.GatedConnection.commit

    def counted(connection: sqlite_gate.GatedConnection) -> None:
        seen.append(1)
        original(connection)

    monkeypatch.setattr(sqlite_gate.GatedConnection, "commit", counted)
    return seen


def groups_on(engine: Engine, database: Path) -> GroupCommit:
    return GroupCommit(
        kept_uow_factory(engine, KeptConnection(engine)), sqlite_gate.writer_gate(database)
    )


def insert(member: Member, n: int, *, fail: bool = False) -> None:
    with member.uow_factory() as uow:
        uow.connection.exec_driver_sql(f"INSERT INTO probe VALUES ({n})")
        if fail:
            raise ValueError("refused")
        uow.commit()


def stored(database: Path) -> list[int]:
    with sqlite3.connect(database) as db:
        return sorted(n for (n,) in db.execute("SELECT n FROM probe"))


async def request(groups: GroupCommit, n: int, *, fail: bool = False) -> int:
    """What the route does: join, work (synchronously), wait for the commit."""
    member = groups.join()
    insert(member, n, fail=fail)
    await member.committed()
    return n


def test_requests_of_one_turn_share_one_commit(
    engine: Engine, database: Path, commits: list[int]
) -> None:
    async def main() -> list[int]:
        groups = groups_on(engine, database)
        return await asyncio.gather(*(request(groups, n) for n in range(10)))

    assert run(main()) == list(range(10))
    assert stored(database) == list(range(10))
    assert len(commits) == 1


def test_a_failed_request_undoes_only_its_own_work(engine: Engine, database: Path) -> None:
    async def main() -> list[int | BaseException]:
        groups = groups_on(engine, database)
        jobs = [request(groups, n, fail=n == 3) for n in range(6)]
        return await asyncio.gather(*jobs, return_exceptions=True)

    answers = run(main())
    assert isinstance(answers[3], ValueError)
    assert stored(database) == [0, 1, 2, 4, 5]


def test_no_request_is_answered_before_the_commit(engine: Engine, database: Path) -> None:
    seen_before_answer: list[list[int]] = []

    async def main() -> None:
        groups = groups_on(engine, database)
        member = groups.join()
        insert(member, 7)
        seen_before_answer.append(stored(database))  # another connection: not yet
        await member.committed()

    run(main())
    assert seen_before_answer == [[]]
    assert stored(database) == [7]


def test_a_member_may_commit_its_group_at_once(engine: Engine, database: Path) -> None:
    async def main() -> list[int]:
        groups = groups_on(engine, database)
        member = groups.join()
        insert(member, 5)
        member.commit_now()  # as each request does with several server processes
        seen = stored(database)
        await member.committed()
        return seen

    assert run(main()) == [5]


def test_a_writer_on_the_loop_commits_the_open_group_instead_of_waiting_for_itself(
    engine: Engine, database: Path, commits: list[int]
) -> None:
    async def main() -> None:
        groups = groups_on(engine, database)
        member = groups.join()
        insert(member, 1)
        with SqlUnitOfWork(engine) as uow:  # would wait on the gate the group holds
            uow.connection.exec_driver_sql("INSERT INTO probe VALUES (2)")
            uow.commit()
        await member.committed()

    run(asyncio.wait_for(main(), timeout=3))
    assert stored(database) == [1, 2]
    assert len(commits) == 2


def test_a_failed_commit_fails_every_request_of_the_group(
    engine: Engine, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(connection: sqlite_gate.GatedConnection) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    async def main() -> list[int | BaseException]:
        groups = groups_on(engine, database)
        monkeypatch.setattr(sqlite_gate.GatedConnection, "commit", disk_full)
        return await asyncio.gather(*(request(groups, n) for n in range(3)), return_exceptions=True)

    answers = run(main())
    assert all(isinstance(answer, Exception) for answer in answers)
    monkeypatch.undo()
    assert stored(database) == []


def test_requests_waiting_for_another_writer_share_the_group_opened_then(
    engine: Engine, database: Path, commits: list[int]
) -> None:
    holding_it, let_go = threading.Event(), threading.Event()

    def other_writer() -> None:
        with SqlUnitOfWork(engine) as uow:
            uow.connection.exec_driver_sql("INSERT INTO probe VALUES (100)")
            holding_it.set()
            let_go.wait(5)
            uow.commit()

    writer = threading.Thread(target=other_writer)
    writer.start()
    assert holding_it.wait(5)

    async def main() -> list[int]:
        groups = groups_on(engine, database)

        async def waiting_request(n: int) -> int:
            member = await groups.join_when_free()
            insert(member, n)
            await member.committed()
            return n

        requests = [asyncio.ensure_future(waiting_request(n)) for n in range(5)]
        await asyncio.sleep(0.2)  # every one of them is waiting for the gate now
        let_go.set()
        return await asyncio.gather(*requests)

    assert run(asyncio.wait_for(main(), timeout=5)) == list(range(5))
    writer.join()
    assert stored(database) == [0, 1, 2, 3, 4, 100]
    assert len(commits) == 2  # the other writer's, and one for the five waiting
