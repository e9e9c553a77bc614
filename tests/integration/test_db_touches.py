"""Touches in SQLite and PostgreSQL: an append-only history, read back in time order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.domain.model import Channel, Contact, Direction, NextStepKind, Outcome, Touch

UowFactory = Callable[[], SqlUnitOfWork]
MONDAY = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def add_contact(uow: SqlUnitOfWork, name: str = "Bea Ruiz") -> int:
    contact = uow.contacts.add(Contact(full_name=name, first_name=name.split()[0]))
    assert contact.id is not None
    return contact.id


def call(
    contact_id: int, at: datetime, outcome: Outcome = Outcome.NO_ANSWER, **kw: object
) -> Touch:
    return replace(Touch(contact_id, Channel.CALL, outcome, at), **kw)


def test_touch_with_every_field_comes_back_equal(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        contact_id = add_contact(uow)
        touch = Touch(
            contact_id=contact_id,
            channel=Channel.CALL,
            outcome=Outcome.CALL_LATER,
            at=MONDAY,
            direction=Direction.INBOUND,
            duration_s=95,
            notes="asked to call next Tuesday after 2",
            template="first-call",
            user="bob",
            next_at=MONDAY + timedelta(days=8),
            next_kind=NextStepKind.CALL_BACK,
            phone="+12125550101",
            external_id="CA123",
        )
        saved = uow.touches.add(touch)
        uow.commit()

    with uow_factory() as uow:
        (loaded,) = uow.touches.for_contact(contact_id)

    assert loaded == replace(touch, id=saved.id)
    assert loaded.next_kind is NextStepKind.CALL_BACK
    assert loaded.at.tzinfo is UTC and loaded.next_at is not None and loaded.next_at.tzinfo is UTC


def test_for_contact_is_oldest_first_and_limit_keeps_the_latest(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        bea, cal = add_contact(uow), add_contact(uow, "Cal Diaz")
        days = [3, 0, 2, 1]
        uow.touches.add_many([call(bea, MONDAY + timedelta(days=d), duration_s=d) for d in days])
        uow.touches.add(call(cal, MONDAY))
        uow.commit()

        history = uow.touches.for_contact(bea)
        latest_two = uow.touches.for_contact(bea, limit=2)

    assert [t.duration_s for t in history] == [0, 1, 2, 3]
    assert [t.duration_s for t in latest_two] == [2, 3]


def test_touches_at_the_same_instant_keep_insertion_order(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        bea = add_contact(uow)
        uow.touches.add_many([call(bea, MONDAY, notes=str(n)) for n in range(5)])
        uow.commit()

        assert [t.notes for t in uow.touches.for_contact(bea)] == ["0", "1", "2", "3", "4"]
        assert [t.notes for t in uow.touches.for_contact(bea, limit=2)] == ["3", "4"]


def test_add_many_returns_ids_in_order_and_counts(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        bea = add_contact(uow)
        ids = uow.touches.add_many([call(bea, MONDAY, duration_s=n) for n in range(300)])
        uow.commit()

        by_id = {t.id: t.duration_s for t in uow.touches.for_contact(bea)}
        assert uow.touches.count() == 300

    assert [by_id[i] for i in ids] == list(range(300))


def test_by_external_id_finds_the_touch_or_none(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        bea = add_contact(uow)
        saved = uow.touches.add(call(bea, MONDAY, external_id="CA-1"))
        uow.commit()

        assert uow.touches.by_external_id("CA-1") == saved
        assert uow.touches.by_external_id("CA-2") is None


def test_external_id_is_unique_but_may_be_missing_on_many(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        bea = add_contact(uow)
        uow.touches.add_many([call(bea, MONDAY), call(bea, MONDAY)])
        uow.touches.add(call(bea, MONDAY, external_id="CA-1"))
        uow.commit()

        with pytest.raises(IntegrityError):
            uow.touches.add(call(bea, MONDAY + timedelta(hours=1), external_id="CA-1"))


def test_touch_for_unknown_contact_is_refused(uow_factory: UowFactory) -> None:
    with uow_factory() as uow, pytest.raises(IntegrityError):
        uow.touches.add(call(4242, MONDAY))


def test_naive_datetime_is_refused_rather_than_guessed(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        bea = add_contact(uow)
        with pytest.raises(StatementError, match="naive datetime"):
            uow.touches.add(call(bea, datetime(2026, 3, 2, 15, 0)))
