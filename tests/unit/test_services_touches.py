"""Services for adding contacts and logging touches, on in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ringback.domain.errors import InvalidField, NotFound, RuleRefusal
from ringback.domain.model import (
    Channel,
    Contact,
    Direction,
    NextStepKind,
    Outcome,
    Status,
    Touch,
)
from ringback.domain.phone import parse_phone
from ringback.services.contacts import add_contact, contact_overview, find_contact
from ringback.services.touches import log_touch
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def alice() -> Contact:
    return Contact(
        full_name="Alice Moreno",
        first_name="Alice",
        phones=(parse_phone("+1 212 555 0142"),),
        email="alice@example.com",
        reason="her team is hiring data engineers",
        referred_by="Jordan Lee",
        timezone="America/New_York",
    )


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def added(uow: FakeUnitOfWork) -> int:
    contact = add_contact(lambda: uow, alice(), NOW)
    assert contact.id is not None
    return contact.id


def call(contact_id: int, outcome: Outcome, **extra: object) -> Touch:
    fields: dict[str, object] = {"at": NOW, **extra}
    return Touch(contact_id=contact_id, channel=Channel.CALL, outcome=outcome, **fields)  # type: ignore[arg-type]


def test_new_contact_is_due_at_once_r1(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow)
    state = uow.committed.states[contact_id]
    assert state.status is Status.NEW
    assert state.next_due_at == NOW


def test_logging_a_touch_appends_it_and_advances_state_in_one_commit(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow)
    logged = log_touch(lambda: uow, call(contact_id, Outcome.NO_ANSWER))
    assert logged.touch.id == 1
    assert uow.committed.touches == [logged.touch]
    assert uow.committed.states[contact_id].attempts == 1
    assert uow.committed.states[contact_id].next_due_at is not None


def test_connected_without_next_step_is_refused_by_r3(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow)
    with pytest.raises(RuleRefusal) as refused:
        log_touch(lambda: uow, call(contact_id, Outcome.CONNECTED))
    assert refused.value.rule == "R3"
    assert uow.committed.touches == []


def test_connected_with_explicit_none_is_accepted_r3(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow)
    logged = log_touch(
        lambda: uow, call(contact_id, Outcome.CONNECTED, next_kind=NextStepKind.NONE)
    )
    assert logged.touch.next_kind is NextStepKind.NONE
    assert logged.appointment is None


def test_connected_with_appointment_books_it_r3(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow)
    at = NOW + timedelta(days=2)
    touch = call(contact_id, Outcome.CONNECTED, next_kind=NextStepKind.APPOINTMENT, next_at=at)
    logged = log_touch(lambda: uow, touch)
    assert logged.appointment is not None
    assert logged.appointment.start == at
    assert logged.appointment.uid.endswith("@ringback")
    assert list(uow.committed.appointments.values())[0].contact_id == contact_id


def test_call_later_needs_the_promised_time_r4(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow)
    with pytest.raises(InvalidField) as bad:
        log_touch(lambda: uow, call(contact_id, Outcome.CALL_LATER))
    assert bad.value.field == "next_at"


def test_call_later_becomes_a_promised_call_back_r4(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow)
    at = NOW + timedelta(days=7)
    logged = log_touch(lambda: uow, call(contact_id, Outcome.CALL_LATER, next_at=at))
    assert logged.touch.next_kind is NextStepKind.CALL_BACK


def test_outcome_must_fit_the_channel(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow)
    touch = Touch(contact_id=contact_id, channel=Channel.EMAIL, outcome=Outcome.BUSY, at=NOW)
    with pytest.raises(InvalidField) as bad:
        log_touch(lambda: uow, touch)
    assert bad.value.field == "outcome"


def test_no_outbound_touch_after_do_not_contact_r12(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow)
    log_touch(lambda: uow, call(contact_id, Outcome.DO_NOT_CONTACT))
    later = Touch(contact_id, Channel.EMAIL, Outcome.SENT, at=NOW + timedelta(days=1))
    with pytest.raises(RuleRefusal) as refused:
        log_touch(lambda: uow, later)
    assert refused.value.rule == "R12"
    inbound = Touch(
        contact_id,
        Channel.CALL,
        Outcome.CALLBACK_RECEIVED,
        at=NOW + timedelta(days=2),
        direction=Direction.INBOUND,
    )
    assert log_touch(lambda: uow, inbound).touch.id is not None


def test_a_retried_touch_with_the_same_external_id_is_logged_once(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow)
    first = log_touch(lambda: uow, call(contact_id, Outcome.BUSY, external_id="CA123"))
    again = log_touch(lambda: uow, call(contact_id, Outcome.BUSY, external_id="CA123"))
    assert again.duplicate and again.touch == first.touch
    assert len(uow.committed.touches) == 1


def test_touch_for_unknown_contact_is_not_found(uow: FakeUnitOfWork) -> None:
    with pytest.raises(NotFound):
        log_touch(lambda: uow, call(99, Outcome.NO_ANSWER))


@pytest.mark.parametrize(
    "ref", ["1", "+12125550142", "(212) 555-0142", "ALICE@example.com", "alice", "Alice Moreno"]
)
def test_find_contact_by_id_number_email_or_name(uow: FakeUnitOfWork, ref: str) -> None:
    added(uow)
    with uow:
        assert find_contact(uow, ref, "US").full_name == "Alice Moreno"


def test_find_contact_by_ambiguous_name_lists_candidates(uow: FakeUnitOfWork) -> None:
    added(uow)
    add_contact(lambda: uow, Contact(full_name="Alice Chen", first_name="Alice"), NOW)
    with uow, pytest.raises(NotFound, match="several contacts"):
        find_contact(uow, "alice", "US")


def test_overview_lists_touches_oldest_first(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow)
    log_touch(lambda: uow, call(contact_id, Outcome.NO_ANSWER, at=NOW + timedelta(days=3)))
    log_touch(lambda: uow, call(contact_id, Outcome.BUSY))
    overview = contact_overview(lambda: uow, str(contact_id), "US")
    assert [t.outcome for t in overview.touches] == [Outcome.BUSY, Outcome.NO_ANSWER]
