"""What logging a touch relies on in storage (issue 4): single-row statements that
store exactly what the bulk ones do, read-only units of work, and SQLite writers
in several threads and processes taking turns without "database is locked"."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from ringback.adapters.db import sqlite_gate
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import KeptConnection, SqlUnitOfWork, kept_uow_factory
from ringback.domain.model import (
    Channel,
    Contact,
    Direction,
    FollowUpState,
    NextStepKind,
    Outcome,
    Phone,
    PhoneType,
    RecentTouch,
    Status,
    Touch,
)

UowFactory = Callable[[], SqlUnitOfWork]
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def busy_state(contact_id: int) -> FollowUpState:
    return FollowUpState(
        contact_id=contact_id,
        status=Status.WARM,
        last_touch_at=NOW - HOUR,
        last_call_at=NOW - 2 * HOUR,
        attempts=3,
        calls_unanswered_in_row=2,
        never_answered=False,
        bad_numbers=("+12125550101",),
        email_bounced=True,
        promised_at=NOW + HOUR,
        booked_for="rita",
        next_due_at=NOW + HOUR,
        recent=(RecentTouch(NOW - HOUR, Channel.CALL, Outcome.NO_ANSWER),),
    )


def full_touch(contact_id: int, external_id: str) -> Touch:
    return Touch(
        contact_id=contact_id,
        channel=Channel.CALL,
        outcome=Outcome.CALL_LATER,
        at=NOW,
        direction=Direction.INBOUND,
        duration_s=95,
        notes="call me Tuesday",
        template="first-call",
        user="rita",
        next_at=NOW + 24 * HOUR,
        next_kind=NextStepKind.CALL_BACK,
        phone="+12125550101",
        external_id=external_id,
    )


def test_one_row_reads_and_writes_agree_with_the_bulk_ones(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        a, b = uow.contacts.add_many([Contact("Ada Quinn", "Ada"), Contact("Ben Ode", "Ben")])
        uow.states.save(busy_state(a))
        uow.states.save_many([busy_state(b)])
        one = uow.touches.add(full_touch(a, "one"))
        (many_id,) = uow.touches.add_many([full_touch(a, "many")])
        uow.commit()

    with uow_factory() as uow:
        assert uow.states.get(a) == uow.states.get_many([a])[a] == busy_state(a)
        assert uow.states.get(b) == busy_state(b)
        assert uow.contacts.get(a) == uow.contacts.get_many([a])[a]
        assert uow.touches.by_external_id("one") == one
        assert [t.id for t in uow.touches.for_contact(a)] == [one.id, many_id]
        assert many_id == (one.id or 0) + 1


def test_a_contact_is_read_with_all_its_phones_in_order_or_none(uow_factory: UowFactory) -> None:
    """SQLite reads a contact and its phones in one statement: a row per phone."""
    phones = (
        Phone("+12125550101", PhoneType.WORK, "US", ("America/New_York",)),
        Phone("+4930123456", PhoneType.HOME, "DE", ("Europe/Berlin",)),
        Phone("+12125550102"),
    )
    with uow_factory() as uow:
        ids = uow.contacts.add_many(
            [
                Contact("Ada Quinn", "Ada", phones=phones, country="GB", tags=("vip",)),
                Contact("Ben Ode", "Ben", email="ben@example.com"),
                Contact("Cy Lee", "Cy", phones=phones[1:2]),
            ]
        )
        uow.commit()

    with uow_factory() as uow:
        read = [uow.contacts.get(contact_id) for contact_id in ids]
        assert read == [uow.contacts.get_many(ids)[contact_id] for contact_id in ids]
    assert [contact.phones for contact in read] == [phones, (), phones[1:2]]
    assert (read[0].country, read[0].tags) == ("GB", ("vip",))  # the contact's, not a phone's


def test_units_of_work_on_a_kept_connection_share_it_one_at_a_time(engine: Engine) -> None:
    kept = KeptConnection(engine)
    on_kept = kept_uow_factory(engine, kept)
    with on_kept() as first:
        ada = first.contacts.add(Contact("Ada Quinn", "Ada")).id or 0
        first.commit()
        connection = first._active()
        with on_kept() as meanwhile:  # the kept one is taken: one from the pool
            assert meanwhile._active() is not connection
            assert meanwhile.contacts.get(ada).full_name == "Ada Quinn"
    with on_kept() as second:
        assert second._active() is connection
        second.touches.add(Touch(ada, Channel.CALL, Outcome.NO_ANSWER, NOW))  # not committed
    with on_kept() as third:
        assert third._active() is connection
        assert third.touches.count() == 0  # rolled back when the second one ended
    kept.close()


def test_a_kept_connection_survives_a_failed_unit_of_work_and_lets_others_write(
    engine: Engine,
) -> None:
    kept = KeptConnection(engine)
    on_kept = kept_uow_factory(engine, kept)
    with on_kept() as uow:
        ada = uow.contacts.add(Contact("Ada Quinn", "Ada")).id or 0
        uow.touches.add(Touch(ada, Channel.CALL, Outcome.BUSY, NOW, external_id="x"))
        uow.commit()
    with pytest.raises(IntegrityError), on_kept() as uow:
        uow.touches.add(Touch(ada, Channel.CALL, Outcome.BUSY, NOW, external_id="y"))
        uow.touches.add(Touch(ada, Channel.CALL, Outcome.BUSY, NOW, external_id="x"))
        uow.commit()
    with SqlUnitOfWork(engine) as other:  # the write lock and the gate were left
        other.touches.add(Touch(ada, Channel.CALL, Outcome.NO_ANSWER, NOW, external_id="z"))
        other.commit()
    with on_kept() as uow:
        assert {t.external_id for t in uow.touches.for_contact(ada)} == {"x", "z"}
        uow._active().invalidate()  # a broken connection is replaced, not reused
    with on_kept() as uow:
        assert not uow._active().invalidated
        assert uow.touches.count() == 2
    kept.close()


def test_a_read_only_unit_of_work_neither_waits_for_nor_blocks_a_writer(
    sqlite_url: str,
) -> None:
    engine = make_engine(sqlite_url)
    with SqlUnitOfWork(engine) as writer:
        ada = writer.contacts.add(Contact("Ada Quinn", "Ada")).id or 0
        writer.commit()
        writer.touches.add(Touch(ada, Channel.CALL, Outcome.NO_ANSWER, NOW))  # holds the lock
        started = time.monotonic()
        with SqlUnitOfWork(engine, read_only=True) as reader:
            assert reader.touches.count() == 0  # the last committed state
            writer.commit()
            assert reader.touches.count() == 0  # its own snapshot, to its end
        assert time.monotonic() - started < 1
    with SqlUnitOfWork(engine, read_only=True) as reader:
        assert reader.touches.count() == 1
    engine.dispose()


def test_a_failed_transaction_lets_the_next_writer_in_at_once(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with pytest.raises(RuntimeError), SqlUnitOfWork(engine) as uow:
        uow.contacts.add(Contact("Ada Quinn", "Ada"))
        raise RuntimeError("the request failed")
    started = time.monotonic()
    with SqlUnitOfWork(engine) as uow:
        uow.contacts.add(Contact("Ben Ode", "Ben"))
        uow.commit()
    assert time.monotonic() - started < 1
    engine.dispose()


def test_a_writer_kept_waiting_past_the_busy_timeout_fails_as_sqlite_would(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_gate, "BUSY_TIMEOUT_MS", 200)
    engine = make_engine(sqlite_url)
    holding, done = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with SqlUnitOfWork(engine) as uow:
            uow.contacts.add(Contact("Ada Quinn", "Ada"))
            holding.set()
            done.wait(timeout=10)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert holding.wait(timeout=10)
    try:
        with (
            pytest.raises(OperationalError, match="database is locked"),
            SqlUnitOfWork(engine) as uow,
        ):
            uow.contacts.add(Contact("Ben Ode", "Ben"))
    finally:
        done.set()
        holder.join(timeout=10)
    engine.dispose()


def _gate_of(sqlite_url: str) -> sqlite_gate.WriterGate:
    database = make_engine(sqlite_url).url.database
    assert database is not None
    return sqlite_gate.writer_gate(Path(database).resolve())


def test_a_gate_acquired_beforehand_is_taken_over_by_the_next_writer(sqlite_url: str) -> None:
    """holding(): acquired elsewhere (a thread), used and left by the transaction."""
    engine = make_engine(sqlite_url)
    gate = _gate_of(sqlite_url)
    waiter = threading.Thread(target=gate.acquire)
    waiter.start()
    waiter.join(timeout=10)
    with sqlite_gate.holding(gate), SqlUnitOfWork(engine) as uow:
        uow.contacts.add(Contact("Ada Quinn", "Ada"))  # would wait for ever otherwise
        uow.commit()
    with sqlite_gate.without_waiting(), SqlUnitOfWork(engine) as uow:  # left: free again
        assert uow.contacts.count() == 1
        uow.contacts.add(Contact("Ben Ode", "Ben"))
        uow.commit()
    engine.dispose()


def test_a_gate_held_for_a_writer_that_never_came_is_left(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    gate = _gate_of(sqlite_url)
    gate.acquire()
    with pytest.raises(ValueError), sqlite_gate.holding(gate):
        raise ValueError("a bad request: nothing to write")
    with sqlite_gate.without_waiting(), SqlUnitOfWork(engine) as uow:
        uow.contacts.add(Contact("Ada Quinn", "Ada"))
        uow.commit()
    engine.dispose()


WRITER = """
import sys
from datetime import UTC, datetime
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import KeptConnection, SqlUnitOfWork, kept_uow_factory
from ringback.domain.model import Channel, FollowUpState, Outcome, Status, Touch

engine = make_engine(sys.argv[1])
for n in range(int(sys.argv[2])):
    with SqlUnitOfWork(engine) as uow:
        state = uow.states.get(1)
        uow.touches.add(Touch(1, Channel.CALL, Outcome.NO_ANSWER, datetime.now(UTC)))
        uow.states.save(FollowUpState(1, Status.ACTIVE, attempts=state.attempts + 1))
        uow.commit()
"""


def test_writers_in_several_processes_all_commit(sqlite_url: str, tmp_path: Path) -> None:
    """Read, then write, from three processes at once: nothing is lost or refused."""
    engine = make_engine(sqlite_url)
    with SqlUnitOfWork(engine) as uow:
        uow.contacts.add(Contact("Ada Quinn", "Ada"))
        uow.commit()
    each = sqlite_gate.CHECKPOINT_EVERY + 20  # also past a checkpoint in every process
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, sqlite_url, str(each)]) for _ in range(3)
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0, 0]
    with SqlUnitOfWork(engine, read_only=True) as uow:
        assert uow.touches.count() == 3 * each
        assert uow.states.get(1).attempts == 3 * each  # no update lost
    engine.dispose()


def test_a_process_checkpoints_its_log_after_every_so_many_commits(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_gate, "CHECKPOINT_EVERY", 3)
    checkpoints = threading.Semaphore(0)
    real = sqlite_gate.WriterGate._checkpoint

    def counted(gate: sqlite_gate.WriterGate) -> None:
        real(gate)
        checkpoints.release()

    monkeypatch.setattr(sqlite_gate.WriterGate, "_checkpoint", counted)
    engine = make_engine(sqlite_url)
    for n in range(3):
        with SqlUnitOfWork(engine) as uow:
            uow.contacts.add(Contact(f"Person {n}", "Person"))
            uow.commit()
    assert checkpoints.acquire(timeout=10)
    engine.dispose()
