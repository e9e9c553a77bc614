"""The plan service on in-memory fakes: what it reads, what it rolls forward (R14, R18)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from ringback.domain.model import (
    Channel,
    Contact,
    NextStepKind,
    Outcome,
    PreferredWindow,
    Touch,
    Weekday,
)
from ringback.domain.phone import parse_phone
from ringback.domain.planner import DAY
from ringback.services.contacts import add_contact
from ringback.services.plan import plan_range, set_preferences, why
from ringback.services.touches import log_touch
from tests.unit.fakes import FakeUnitOfWork

ADDED = datetime(2026, 11, 13, 15, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 11, 24, tzinfo=UTC)


def person(index: int) -> Contact:
    return Contact(
        full_name=f"Person {index}",
        first_name=f"P{index}",
        phones=(parse_phone(f"+1 212 555 {index:04d}"),),
        timezone="America/New_York",
        created_at=ADDED,
    )


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def add_people(uow: FakeUnitOfWork, count: int) -> list[int]:
    return [add_contact(lambda: uow, person(i), ADDED).id or 0 for i in range(count)]


def test_what_capacity_leaves_out_is_counted_never_dropped_r14_r18(uow: FakeUnitOfWork) -> None:
    add_people(uow, 30)

    plan = plan_range(lambda: uow, TUESDAY, TUESDAY + DAY, capacity=5)

    assert len(plan.items) == 5
    assert plan.not_ranked > 0
    assert len(plan.items) + sum(plan.deferred_counts.values()) == 30


def test_a_promised_call_back_is_read_and_first_however_much_is_due_r4_r18(
    uow: FakeUnitOfWork,
) -> None:
    ids = add_people(uow, 30)
    promised = TUESDAY + timedelta(hours=20)  # 15:00 in New York
    touch = Touch(ids[-1], Channel.CALL, Outcome.CALL_LATER, ADDED + timedelta(days=1),
                  next_at=promised, next_kind=NextStepKind.CALL_BACK)  # fmt: skip
    log_touch(lambda: uow, touch)

    plan = plan_range(lambda: uow, TUESDAY, TUESDAY + DAY, capacity=3)

    first = plan.items[0]
    assert (first.contact_id, str(first.action.tier)) == (ids[-1], "promised")
    assert first.action.suggested_at == promised


def test_logging_a_touch_sets_the_exact_due_time_with_the_contact(uow: FakeUnitOfWork) -> None:
    (alice,) = add_people(uow, 1)
    touch = Touch(alice, Channel.CALL, Outcome.NO_ANSWER, ADDED + timedelta(days=1))

    logged = log_touch(lambda: uow, touch)

    assert logged.state.next_due_at == ADDED + timedelta(days=4)  # R2: 3 days later


def test_preferences_are_stored_and_why_shows_them_r4(uow: FakeUnitOfWork) -> None:
    (alice,) = add_people(uow, 1)
    window = PreferredWindow((Weekday.THU,), *_hours(14, 17))

    contact, _ = set_preferences(lambda: uow, str(alice), [window], "US")
    found = why(lambda: uow, str(alice), TUESDAY, "US")

    assert contact.preferred_windows == (window,)
    assert "R4" in found.explanation.rules
    action = found.explanation.action
    assert action is not None and action.window_start.weekday() == 3


def test_clearing_preferences_removes_them(uow: FakeUnitOfWork) -> None:
    (alice,) = add_people(uow, 1)
    window = PreferredWindow((Weekday.THU,), *_hours(14, 17))
    set_preferences(lambda: uow, str(alice), [window], "US")

    contact, _ = set_preferences(lambda: uow, str(alice), [], "US")

    assert contact.preferred_windows == ()
    assert uow.committed.contacts[alice] == replace(contact)


def _hours(start: int, end: int) -> tuple[time, time]:
    return time(start), time(end)
