"""Requests that write in the same turn of the event loop share one SQLite commit.

Every transaction on SQLite pays a fixed price: taking the write lock (BEGIN
IMMEDIATE behind the process's WriterGate), then at COMMIT writing each page it
changed to the write-ahead log, however little changed on it. Logging a touch
changes a few rows, so that price is about a seventh of the request (issue 4).
A dialer sends many touches at once; the requests the event loop starts in one
turn run one after another on the loop, so they can share the price:

- the first opens a transaction (`GroupCommit.join`), and schedules its commit for
  the loop's next turn, after every request already started in this one;
- each request does its work in a savepoint of that transaction
  (`SavepointUnitOfWork`): a request that fails rolls back to its savepoint,
  leaving the others' work alone;
- each waits for the commit before answering, so no request is told "logged"
  before its touch is durable; if the commit fails, all of them answer with the
  error (nothing of theirs was written).

Only for work on the event loop's thread (the kept connection belongs to it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import anyio.to_thread

from ringback.adapters.db.sqlite_gate import GateBusy, WriterGate, holding, without_waiting
from ringback.adapters.db.uow import SavepointUnitOfWork, SqlUnitOfWork


@dataclass
class _Group:
    transaction: SqlUnitOfWork
    committed: asyncio.Future[BaseException | None]
    opening: asyncio.Future[None] | None = None  # the wait for the gate it came from


@dataclass
class Member:
    """A request's place in a group: its units of work, and the wait for the commit."""

    uow_factory: Callable[[], SqlUnitOfWork]
    _group: _Group
    _commit: Callable[[_Group], None]

    def commit_now(self) -> None:
        """Commit the group at once, with whatever its members did so far."""
        self._commit(self._group)

    async def committed(self) -> None:
        """Wait for the group's commit; raise what made it fail."""
        error = await asyncio.shield(self._group.committed)
        if error is not None:
            raise error


class GroupCommit:
    """The open group of this process's event loop, if any (see the module's doc).

    `open_unit`: makes the unit of work whose transaction a group shares (on the
    connection the process keeps for the loop); `gate`: the database's writer gate,
    held by the group from its first request to its commit. A writer on the loop
    that needs the gate meanwhile commits the group first (WriterGate.hold_open).
    """

    def __init__(self, open_unit: Callable[[], SqlUnitOfWork], gate: WriterGate) -> None:
        self._open_unit = open_unit
        self._gate = gate
        self._group: _Group | None = None
        self._opening: asyncio.Future[None] | None = None
        self._waiting: dict[asyncio.Future[None], int] = {}  # requests per opening

    async def join_when_free(self) -> Member:
        """`join`, waiting first when another writer holds the gate (nothing done yet).

        One thread per process waits for the gate; the requests arriving meanwhile
        wait with it and join the group it opens.
        """
        while True:
            try:
                with without_waiting():
                    return self.join()
            except GateBusy:
                pass
            opening = self._opening
            if opening is None:
                opening = self._opening = asyncio.ensure_future(self._open_when_free())
            self._waiting[opening] = self._waiting.get(opening, 0) + 1
            try:
                await asyncio.shield(opening)
            finally:
                self._waiting[opening] -= 1
                if not self._waiting[opening]:
                    del self._waiting[opening]

    def join(self) -> Member:
        """A place in the open group, opening one if none is.

        Opening begins the transaction at once, so a busy writer gate raises here
        (GateBusy, inside `without_waiting`) before anything was done.
        """
        group = self._group or self._open()
        connection = group.transaction.connection
        return Member(lambda: SavepointUnitOfWork(connection), group, self._commit)

    async def _open_when_free(self) -> None:
        try:
            await _wait_for(self._gate)
            with holding(self._gate):
                self._open(self._opening)
        finally:
            self._opening = None

    def _open(self, opening: asyncio.Future[None] | None = None) -> _Group:
        transaction = self._open_unit()
        transaction.__enter__()
        try:
            transaction.begin()
        except BaseException:
            transaction.__exit__(None, None, None)
            raise
        loop = asyncio.get_running_loop()
        group = self._group = _Group(transaction, loop.create_future(), opening)
        self._gate.hold_open(lambda: self._commit(group))
        loop.call_soon(self._commit_when_joined, group)
        return group

    def _commit_when_joined(self, group: _Group) -> None:
        """Commit, once the requests that waited for the gate before the group opened
        have joined it (they wake a turn or two after it opened)."""
        waiting = group.opening is not None and group.opening in self._waiting
        if waiting and not group.committed.done():
            asyncio.get_running_loop().call_soon(self._commit_when_joined, group)
            return
        self._commit(group)

    def _commit(self, group: _Group) -> None:
        if group.committed.done():  # committed early, for a writer on the loop
            return
        if self._group is group:
            self._group = None
        error: BaseException | None = None
        try:
            if not group.transaction.in_transaction():
                # SQLite rolled it all back itself (a full disk, say): nothing to commit.
                error = RuntimeError(
                    "the database rolled the transaction back; nothing was written"
                )
            else:
                group.transaction.commit()
        except Exception as failure:  # every member answers with it
            error = failure
        finally:
            group.transaction.__exit__(None, None, None)
        group.committed.set_result(error)


async def _wait_for(gate: WriterGate) -> None:
    """Acquire `gate` in a thread; left again if the waiting is cancelled meanwhile."""
    acquired: list[bool] = []

    def wait() -> None:
        gate.acquire()
        acquired.append(True)

    try:
        await anyio.to_thread.run_sync(wait)
    except BaseException:
        if acquired:
            gate.release(committed=False)
        raise
