"""SQLite writers take turns without sleeping, and checkpoints stay out of their way.

SQLite lets one transaction write at a time. Its own wait for that lock (the busy
timeout) polls, sleeping 1, 2, 5, 10… ms between tries, so under many concurrent
writers most of the time goes to sleeping while the database is idle, and a
writer can lose every race for seconds. So every writing transaction on a file
first passes its `WriterGate`: threads of a process queue on a lock, processes on
an exclusive `flock` of a file beside the database (`<database>-lock`); each is
handed over the moment the previous transaction ends. The gate is taken just
before `BEGIN IMMEDIATE` and left when the transaction commits or rolls back
(`GatedConnection`, the sqlite3 connection class engine.py uses).

Checkpoints (copying the write-ahead log back into the database file, with an
fsync) would otherwise run inside the commit of every ~1000th page of log, with
the gate still held, stopping every writer for tens of milliseconds. Instead each
process checkpoints (PASSIVE: never waiting for, nor blocking, readers and
writers) on a short-lived thread of its own after every CHECKPOINT_EVERY writing
transactions; SQLite's automatic checkpoint stays as a backstop, at
AUTOCHECKPOINT_PAGES, for very large transactions (imports).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy.exc import OperationalError

BUSY_TIMEOUT_MS = 5000
# Logging a touch writes about 10 pages of log: 100 transactions are about
# SQLite's default checkpoint interval of 1000 pages.
CHECKPOINT_EVERY = 100
AUTOCHECKPOINT_PAGES = 10_000


class GateBusy(Exception):
    """Another writer holds the gate, and the caller asked not to wait (without_waiting)."""


_NO_WAITING: ContextVar[bool] = ContextVar("ringback_gate_no_waiting", default=False)


@contextmanager
def without_waiting() -> Iterator[None]:
    """Inside, a writing transaction that would wait at its gate raises GateBusy instead.

    Nothing was written then: the caller may run the same work again where waiting
    is harmless (an event loop hands it to a thread).
    """
    token = _NO_WAITING.set(True)
    try:
        yield
    finally:
        _NO_WAITING.reset(token)


_HELD: ContextVar[WriterGate | None] = ContextVar("ringback_gate_held", default=None)


@contextmanager
def holding(gate: WriterGate) -> Iterator[None]:
    """Inside, the next writing transaction on `gate` in this thread (and context)
    takes it over, already acquired.

    For a caller that waited for the gate elsewhere (an event loop waits in a thread,
    then works on the loop, so no SQLite call runs in a thread that contends with the
    loop for Python's GIL while every other writer waits). The transaction leaves
    the gate when it ends; if none began, the gate is left on the way out.
    """
    token = _HELD.set(gate)
    try:
        yield
    finally:
        still_ours = _HELD.get() is gate
        _HELD.reset(token)
        if still_ours:
            gate.release(committed=False)


class WriterGate:
    """Writers to one SQLite file take turns here, before SQLite's own write lock.

    A thread waits at most the busy timeout for the others in its process, then
    fails as SQLite would ("database is locked"). Without a writable lock file (a
    read-only folder) processes fall back on SQLite's busy timeout alone.
    """

    def __init__(self, database: Path) -> None:
        self._database = database
        self._threads = threading.Lock()
        self._lock_path: Path | None = database.with_name(database.name + "-lock")
        self._fd: int | None = None
        self._commits = 0
        self._checkpointing = threading.Lock()
        self._flush: Callable[[], None] | None = None
        self._flush_thread: int | None = None

    def hold_open(self, flush: Callable[[], None]) -> None:
        """The holder (this thread) keeps the gate across turns of its event loop.

        A writer on the same thread that would wait for the gate cannot: it would
        wait for itself. It first calls `flush`, which must end the holder's
        transaction (web/group_commit.py).
        """
        self._flush, self._flush_thread = flush, threading.get_ident()

    def acquire(self) -> None:
        if _HELD.get() is self:  # acquired by the caller beforehand (holding)
            _HELD.set(None)
            return
        if _NO_WAITING.get():
            self._acquire_now()
            return
        flush = self._flush
        if flush is not None and self._flush_thread == threading.get_ident():
            flush()
        if not self._threads.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            locked = sqlite3.OperationalError("database is locked")
            raise OperationalError("BEGIN IMMEDIATE", None, locked)
        try:
            fd = self._file()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def _acquire_now(self) -> None:
        if not self._threads.acquire(blocking=False):
            raise GateBusy()
        try:
            fd = self._file()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._threads.release()
            raise GateBusy() from None
        except BaseException:
            self._threads.release()
            raise

    def release(self, committed: bool) -> None:
        self._flush = self._flush_thread = None
        checkpoint = False
        if committed:
            self._commits += 1
            checkpoint = self._commits % CHECKPOINT_EVERY == 0
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()
        if checkpoint:
            self._start_checkpoint()

    def _file(self) -> int | None:
        if self._fd is None and self._lock_path is not None:
            try:
                flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
                self._fd = os.open(self._lock_path, flags, 0o600)
            except OSError:
                self._lock_path = None
        return self._fd

    def _start_checkpoint(self) -> None:
        if self._checkpointing.acquire(blocking=False):  # else one is running: enough
            thread = threading.Thread(target=self._checkpoint, name="sqlite-checkpoint")
            thread.daemon = True
            thread.start()

    def _checkpoint(self) -> None:
        try:
            with closing(sqlite3.connect(self._database, isolation_level=None)) as db:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass  # another process is checkpointing, or the file is gone: next time
        finally:
            self._checkpointing.release()


_GATES: dict[Path, WriterGate] = {}
_GATES_LOCK = threading.Lock()


def writer_gate(database: Path) -> WriterGate:
    """The process's one gate for this database file (every engine on it shares it)."""
    with _GATES_LOCK:
        gate = _GATES.get(database)
        if gate is None:
            gate = _GATES[database] = WriterGate(database)
        return gate


def _forget_gates() -> None:
    # A forked child must not inherit a lock held by one of its parent's threads,
    # nor share the parent's open lock file (a flock belongs to the open file).
    global _GATES_LOCK
    _GATES_LOCK = threading.Lock()
    _GATES.clear()


os.register_at_fork(after_in_child=_forget_gates)


class GatedConnection(sqlite3.Connection):
    """sqlite3's connection, leaving its WriterGate when its transaction ends."""

    _gate: WriterGate | None = None

    def enter_gate(self, gate: WriterGate) -> None:
        gate.acquire()
        self._gate = gate

    def leave_gate(self, committed: bool = False) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.release(committed)

    def commit(self) -> None:
        committed = False
        try:
            super().commit()
            committed = True
        finally:
            if not self.in_transaction:
                self.leave_gate(committed)

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            if not self.in_transaction:
                self.leave_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_gate()
