"""R16 answer counts in SQLite and PostgreSQL: incremental fold-in equals a full refit."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ringback.adapters.db import repositories, timing_repository
from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.domain.answer_rates import Cell, Tally, cell_of, fold, is_answered
from ringback.domain.model import Channel, Contact, Direction, FollowUpState, Outcome, Touch
from ringback.domain.phone import parse_phone
from ringback.services.plan import plan_range
from ringback.services.timing import refresh_answer_counts

UowFactory = Callable[[], SqlUnitOfWork]
MONDAY = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
OUTCOMES = [Outcome.CONNECTED, Outcome.NO_ANSWER, Outcome.VOICEMAIL_LEFT, Outcome.WRONG_NUMBER]
ZONES = [("America/New_York", "dental"), ("Europe/Berlin", None), ("Asia/Kolkata", "law")]


def add_contacts(uow_factory: UowFactory) -> list[Contact]:
    with uow_factory() as uow:
        added = [
            uow.contacts.add(
                Contact(f"Person {i}", f"P{i}", timezone=ZONES[i % 3][0], segment=ZONES[i % 3][1])
            )
            for i in range(6)
        ]
        uow.commit()
    return added


def random_touches(contacts: list[Contact], count: int, seed: int) -> list[Touch]:
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        contact = rng.choice(contacts)
        assert contact.id is not None
        at = MONDAY + timedelta(minutes=rng.randrange(0, 14 * 24 * 60, 15))
        channel = rng.choice([Channel.CALL, Channel.CALL, Channel.CALL, Channel.EMAIL])
        outcome = rng.choice(OUTCOMES) if channel is Channel.CALL else Outcome.SENT
        direction = Direction.INBOUND if rng.random() < 0.1 else Direction.OUTBOUND
        made.append(Touch(contact.id, channel, outcome, at, direction))
    return made


def expected_counts(contacts: list[Contact], touches: list[Touch]) -> dict[Cell, Tally]:
    by_id = {c.id: c for c in contacts}
    observations = []
    for touch in touches:
        answered = is_answered(touch)
        if answered is not None:
            contact = by_id[touch.contact_id]
            observations.append((cell_of(touch.at, contact.timezone, contact.segment), answered))
    return fold({}, observations)


def add_touches(uow_factory: UowFactory, touches: list[Touch]) -> None:
    with uow_factory() as uow:
        uow.touches.add_many(touches)
        uow.commit()


def test_r16_incremental_fold_in_equals_a_full_refit(uow_factory: UowFactory) -> None:
    contacts = add_contacts(uow_factory)
    first, second, third = (
        random_touches(contacts, n, seed) for n, seed in ((150, 1), (90, 2), (7, 3))
    )
    add_touches(uow_factory, first)
    assert refresh_answer_counts(uow_factory, batch=40) == expected_counts(contacts, first)
    add_touches(uow_factory, second)
    refresh_answer_counts(uow_factory, batch=1000)
    add_touches(uow_factory, third)
    incremental = refresh_answer_counts(uow_factory, batch=3)
    assert incremental == expected_counts(contacts, first + second + third)
    # Nothing new: folding again changes nothing.
    assert refresh_answer_counts(uow_factory) == incremental


def test_r16_a_bounded_fold_catches_up_a_slice_at_a_time(uow_factory: UowFactory) -> None:
    contacts = add_contacts(uow_factory)
    made = random_touches(contacts, 200, 21)
    add_touches(uow_factory, made)
    expected = expected_counts(contacts, made)
    total = sum(t.attempts for t in expected.values())
    first = refresh_answer_counts(uow_factory, batch=7, most=30)
    assert sum(t.attempts for t in first.values()) <= 30
    for _ in range(total):
        if refresh_answer_counts(uow_factory, batch=7, most=30) == expected:
            break
    assert refresh_answer_counts(uow_factory, most=30) == expected


def test_r16_a_fold_that_lost_the_race_writes_nothing(uow_factory: UowFactory) -> None:
    contacts = add_contacts(uow_factory)
    add_touches(uow_factory, random_touches(contacts, 20, 5))
    delta = {Cell("x", 0, 9): Tally(1, 1)}
    with uow_factory() as uow:
        assert uow.timing.advance(0, 10, delta)
        uow.commit()
    with uow_factory() as uow:
        assert not uow.timing.advance(0, 12, delta)  # another fold moved it from 0 already
        assert uow.timing.advance(10, 12, delta)
        uow.commit()
    with uow_factory() as uow:
        assert uow.timing.watermark() == 12
        assert uow.timing.counts()[Cell("x", 0, 9)] == Tally(2, 2)


def test_r16_calls_of_returns_each_contacts_outbound_calls_oldest_first(
    uow_factory: UowFactory,
) -> None:
    contacts = add_contacts(uow_factory)
    touches = random_touches(contacts, 60, 8)
    add_touches(uow_factory, touches)
    ids = [c.id for c in contacts[:2] if c.id is not None]
    with uow_factory() as uow:
        found = uow.timing.calls_of(ids)
    for contact_id in ids:
        expected = sorted(
            t.at
            for t in touches
            if t.contact_id == contact_id
            and t.channel is Channel.CALL
            and t.direction is Direction.OUTBOUND
        )
        assert [t.at for t in found[contact_id]] == expected


def test_r16_plan_uses_the_learned_model_once_calls_were_logged(uow_factory: UowFactory) -> None:
    day = datetime(2026, 3, 17, tzinfo=UTC)
    with uow_factory() as uow:
        contacts = [
            uow.contacts.add(
                Contact(
                    f"Caller {i}",
                    f"C{i}",
                    phones=(parse_phone(f"+1 212 555 01{i:02d}"),),
                    timezone="America/New_York",
                    reason="a referral",
                )
            )
            for i in range(4)
        ]
        uow.states.save_many([FollowUpState(c.id or 0, next_due_at=day) for c in contacts])
        uow.commit()
    empty = plan_range(uow_factory, day, day + timedelta(days=1))
    assert all("R16" not in item.action.reason for item in empty.items)
    add_touches(uow_factory, random_touches(contacts, 80, 11))
    planned = plan_range(uow_factory, day, day + timedelta(days=1))
    calls = [item for item in planned.items if item.action.channel is Channel.CALL]
    assert calls and all("% of calls answered" in item.action.reason for item in calls)
    assert plan_range(uow_factory, day, day + timedelta(days=1)) == planned  # seeded: stable


def _log_call(
    uow_factory: UowFactory,
    contact: Contact,
    hold: threading.Event | None = None,
    has_id: threading.Event | None = None,
    bulk: bool = False,
) -> None:
    """Log one outbound call; with `hold`, keep the transaction open until it is set
    (`has_id` is set once the call has its id, in bulk by _held_in_slow_thread)."""
    assert contact.id is not None
    call = Touch(contact.id, Channel.CALL, Outcome.NO_ANSWER, MONDAY)
    with uow_factory() as uow:
        if bulk:
            uow.touches.add_many([call])
        else:
            uow.touches.add(call)
            if has_id is not None:
                has_id.set()
        if hold is not None:
            hold.wait(10)
        uow.commit()


@pytest.mark.parametrize("bulk", [False, True], ids=["one call", "ids taken ahead"])
def test_r16_a_call_committed_after_a_later_one_is_still_counted(
    uow_factory: UowFactory, bulk: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On PostgreSQL the slow transaction takes the lower id and commits last: a fold
    # between the two commits must not step over it. (SQLite's writers take turns.)
    # In bulk, ids are taken first (reserve_ids) and the rows written later.
    contacts = add_contacts(uow_factory)
    release, has_id = threading.Event(), threading.Event()
    if bulk:
        monkeypatch.setattr(repositories, "insert_many", _held_in_slow_thread(release, has_id))
    slow = threading.Thread(
        target=_log_call, args=(uow_factory, contacts[0], release, has_id, bulk), name="slow"
    )
    slow.start()
    assert has_id.wait(10)
    fast = threading.Thread(target=_log_call, args=(uow_factory, contacts[1]))
    fast.start()
    time.sleep(0.2)  # on PostgreSQL the fast one has committed
    threading.Timer(0.1, release.set).start()  # within SETTLE_WAIT_S

    refresh_answer_counts(uow_factory)  # waits for the slow one on PostgreSQL
    slow.join()
    fast.join()
    counts = refresh_answer_counts(uow_factory)

    with uow_factory() as uow:
        calls = [t for c in contacts if c.id is not None for t in uow.touches.for_contact(c.id)]
    assert len(calls) == 2
    assert counts == expected_counts(contacts, calls)
    assert sum(tally.attempts for tally in counts.values()) == 2


def _held_in_slow_thread(release: threading.Event, has_id: threading.Event) -> Callable[..., None]:
    insert_many = repositories.insert_many

    def held(*args: Any) -> None:
        if threading.current_thread().name == "slow":  # its ids are taken: hold the rows
            has_id.set()
            release.wait(10)
        insert_many(*args)

    return held


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # SQLite: writers take turns
def test_r16_a_fold_that_cannot_wait_leaves_the_counts_for_later(
    db_url: str, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timing_repository, "SETTLE_WAIT_S", 0.1)
    contacts = add_contacts(uow_factory)
    _log_call(uow_factory, contacts[1])
    release, has_id = threading.Event(), threading.Event()
    slow = threading.Thread(target=_log_call, args=(uow_factory, contacts[0], release, has_id))
    slow.start()
    assert has_id.wait(10)

    waited = refresh_answer_counts(uow_factory)  # the slow writer outlasts the timeout
    release.set()
    slow.join()
    counts = refresh_answer_counts(uow_factory)

    assert waited == {}
    assert sum(tally.attempts for tally in counts.values()) == 2
