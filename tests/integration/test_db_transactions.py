"""The unit of work: nothing persists unless committed, a crash leaves no partial batch."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.domain.model import (
    Appointment,
    Channel,
    Contact,
    FollowUpState,
    Outcome,
    Status,
    Touch,
)
from ringback.domain.phone import parse_phone
from ringback.domain.state import advance
from ringback.services import touches as touches_service

UowFactory = Callable[[], SqlUnitOfWork]
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def people(count: int, prefix: str = "Person") -> list[Contact]:
    return [Contact(f"{prefix} {n}", prefix) for n in range(count)]


def touch(contact_id: int, external_id: str | None = None) -> Touch:
    return Touch(contact_id, Channel.CALL, Outcome.NO_ANSWER, NOW, external_id=external_id)


def counts(uow_factory: UowFactory) -> tuple[int, int, int, int]:
    with uow_factory() as uow:
        states = sum(uow.states.count_by_status().values()) - uow.contacts.count()
        appointments = len(uow.appointments.between(NOW - timedelta(days=1), NOW + timedelta(1)))
        return uow.contacts.count(), uow.touches.count(), states, appointments


def write_one_of_each(uow: SqlUnitOfWork) -> None:
    contact_id = uow.contacts.add(Contact("Ada Quinn", "Ada")).id or 0
    uow.touches.add(touch(contact_id))
    uow.states.save(FollowUpState(contact_id, status=Status.ACTIVE, next_due_at=NOW))
    uow.appointments.add(Appointment(contact_id, NOW, NOW + timedelta(minutes=30), "uid-1"))


def test_nothing_persists_without_commit(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        write_one_of_each(uow)
        assert uow.contacts.count() == 1

    assert counts(uow_factory) == (0, 0, 0, 0)


def test_rollback_discards_and_the_unit_of_work_goes_on(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add_many(people(3))
        uow.rollback()
        uow.contacts.add_many(people(2))
        uow.commit()

    assert counts(uow_factory)[0] == 2


def test_each_commit_keeps_its_batch_and_a_failing_batch_leaves_nothing(
    uow_factory: UowFactory,
) -> None:
    with pytest.raises(RuntimeError, match="crash"), uow_factory() as uow:
        uow.contacts.add_many(people(5, "First"))
        uow.commit()
        uow.contacts.add_many(people(5, "Second"))
        uow.commit()
        uow.contacts.add_many(people(5, "Third"))
        raise RuntimeError("crash in the middle of the third batch")

    with uow_factory() as uow:
        names = {c.first_name for c in uow.contacts.list()}
    assert names == {"First", "Second"}


def test_a_database_error_mid_batch_leaves_no_row_of_it(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        ada = uow.contacts.add(Contact("Ada Quinn", "Ada")).id or 0
        uow.commit()

    batch = [touch(ada, f"call-{n}") for n in range(10)] + [touch(ada, "call-3")]
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.contacts.add_many(people(4))
        uow.touches.add_many(batch)
        uow.commit()

    assert counts(uow_factory)[:2] == (1, 0)


CRASH_MID_TRANSACTION = """
import os, sys
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.domain.model import Contact

with SqlUnitOfWork(make_engine(sys.argv[1])) as uow:
    uow.contacts.add_many([Contact(f"Ghost {n}", "Ghost") for n in range(5000)])
    os._exit(3)  # the process dies before commit: no cleanup, no rollback
"""


def test_a_process_killed_mid_transaction_leaves_no_partial_records(
    db_url: str, uow_factory: UowFactory
) -> None:
    result = subprocess.run([sys.executable, "-c", CRASH_MID_TRANSACTION, db_url], timeout=60)

    assert result.returncode == 3
    assert counts(uow_factory)[0] == 0
    with uow_factory() as uow:
        uow.contacts.add_many(people(2))
        uow.commit()
    assert counts(uow_factory)[0] == 2


def test_overlapping_read_then_write_units_of_work_both_commit(uow_factory: UowFactory) -> None:
    """What logging a touch does (read the state, then write) from two threads at once.

    On SQLite a deferred transaction would fail here with "database is locked"
    the moment the second one tries to write after the first committed.
    """
    with uow_factory() as uow:
        ada = uow.contacts.add(Contact("Ada Quinn", "Ada")).id or 0
        uow.commit()
    first_has_read = threading.Event()
    errors: list[BaseException] = []

    def log_a_touch(then: Callable[[], object]) -> None:
        try:
            with uow_factory() as uow:
                uow.states.get(ada)
                then()
                uow.touches.add(touch(ada))
                uow.commit()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    def linger() -> None:
        first_has_read.set()
        time.sleep(0.3)  # the other unit of work starts and reads meanwhile

    first = threading.Thread(target=log_a_touch, args=(linger,))
    second = threading.Thread(target=log_a_touch, args=(lambda: None,))
    first.start()
    assert first_has_read.wait(timeout=10)
    second.start()
    for thread in (first, second):
        thread.join(timeout=30)

    assert errors == []
    assert counts(uow_factory)[1] == 2


def test_units_of_work_on_a_borrowed_connection_leave_it_open_for_the_next(
    engine: Engine, uow_factory: UowFactory
) -> None:
    with engine.connect() as connection:
        with SqlUnitOfWork.on(connection) as uow:
            uow.contacts.add(Contact("Never Kept", "Never"))  # not committed: rolled back
        with SqlUnitOfWork.on(connection) as uow:
            assert uow.contacts.count() == 0
            write_one_of_each(uow)
            uow.commit()
        assert not connection.closed
        assert not connection.in_transaction()
    with uow_factory() as uow:  # what the second unit of work committed, and only that
        assert uow.contacts.count() == 1
        assert uow.touches.count() == 1
        assert uow.states.count_by_status() == {Status.ACTIVE: 1}


def test_unit_of_work_is_only_usable_inside_its_with_block(uow_factory: UowFactory) -> None:
    uow = uow_factory()
    with pytest.raises(RuntimeError, match="outside"):
        uow.commit()
    with uow, pytest.raises(RuntimeError, match="already in use"):
        uow.__enter__()


def test_touches_logged_at_once_on_one_contact_all_count_in_its_state(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two writers read the same state, advance it and save it: without a lock the
    second save would overwrite the first, and an attempt would go uncounted."""

    def slow_advance(*args: Any, **kwargs: Any) -> FollowUpState:
        time.sleep(0.05)  # widen the window between reading and saving the state
        return advance(*args, **kwargs)

    monkeypatch.setattr(touches_service, "advance", slow_advance)
    phone = parse_phone("+1 212 555 0101")
    with uow_factory() as uow:
        ada = uow.contacts.add(Contact("Ada Quinn", "Ada", phones=(phone,))).id or 0
        uow.commit()
    errors: list[BaseException] = []
    per_thread = 3

    def log_some(hour: int) -> None:
        try:
            for minute in range(per_thread):
                at = datetime(2026, 3, 2, hour, minute, tzinfo=UTC)
                logged = replace(touch(ada), at=at, phone=phone.e164)
                touches_service.log_touch(uow_factory, logged)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=log_some, args=(hour,)) for hour in (9, 10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with uow_factory() as uow:
        assert uow.states.get(ada).attempts == 2 * per_thread
