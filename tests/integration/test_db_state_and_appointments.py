"""Follow-up state and appointments in SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.domain.errors import NotFound
from ringback.domain.model import (
    Appointment,
    Channel,
    Contact,
    FollowUpState,
    Outcome,
    RecentTouch,
    Status,
)

UowFactory = Callable[[], SqlUnitOfWork]
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def add_contacts(uow: SqlUnitOfWork, count: int) -> list[int]:
    return uow.contacts.add_many([Contact(f"Person {n}", "Person") for n in range(count)])


def busy_state(contact_id: int) -> FollowUpState:
    """A state with every field away from its default."""
    return FollowUpState(
        contact_id=contact_id,
        status=Status.COLD,
        last_touch_at=NOW - HOUR,
        last_outbound_at=NOW - 2 * HOUR,
        last_conversation_at=NOW - 3 * HOUR,
        last_response_at=NOW - 4 * HOUR,
        last_call_at=NOW - 5 * HOUR,
        last_voicemail_at=NOW - 6 * HOUR,
        attempts=7,
        calls_unanswered_in_row=2,
        silent_calls_in_row=1,
        voicemails_unanswered=3,
        emails_unanswered=4,
        letters_unanswered=5,
        never_answered=False,
        bad_numbers=("+12125550101", "+12125550102"),
        email_bounced=True,
        promised_at=NOW + HOUR,
        appointment_at=NOW + 2 * HOUR,
        next_due_at=NOW + 3 * HOUR,
        recent=(
            RecentTouch(NOW - 2 * HOUR, Channel.CALL, Outcome.NO_ANSWER),
            RecentTouch(NOW - HOUR, Channel.VOICEMAIL, Outcome.VOICEMAIL_LEFT),
        ),
    )


def due(contact_id: int, at: datetime, status: Status = Status.ACTIVE) -> FollowUpState:
    return FollowUpState(contact_id, status=status, next_due_at=at)


# Follow-up state


def test_state_of_a_contact_never_saved_is_a_fresh_one(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        (contact_id,) = add_contacts(uow, 1)

        assert uow.states.get(contact_id) == FollowUpState(contact_id=contact_id)


def test_state_with_every_field_comes_back_equal(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        (contact_id,) = add_contacts(uow, 1)
        uow.states.save(busy_state(contact_id))
        uow.commit()

    with uow_factory() as uow:
        loaded = uow.states.get(contact_id)

    assert loaded == busy_state(contact_id)
    assert all(r.at.tzinfo is UTC for r in loaded.recent)


def test_saving_again_updates_the_state(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        (contact_id,) = add_contacts(uow, 1)
        uow.states.save(busy_state(contact_id))
        uow.states.save(replace(busy_state(contact_id), status=Status.WARM, recent=()))
        uow.commit()

        loaded = uow.states.get(contact_id)

    assert (loaded.status, loaded.recent, loaded.attempts) == (Status.WARM, (), 7)


def test_save_many_with_a_contact_twice_keeps_the_last_state(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        a, b = add_contacts(uow, 2)
        uow.states.save(due(a, NOW))
        uow.states.save_many([due(a, NOW + HOUR), due(b, NOW), due(a, NOW + 2 * HOUR)])
        uow.commit()

        assert uow.states.get(a).next_due_at == NOW + 2 * HOUR
        assert uow.states.get(b).next_due_at == NOW


def test_get_many_answers_for_every_id_asked(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        ids = add_contacts(uow, 2500)
        uow.states.save_many([busy_state(i) for i in ids[:2000]])
        uow.commit()

        states = uow.states.get_many(ids)

    assert len(states) == 2500
    assert states[ids[1999]] == busy_state(ids[1999])
    assert states[ids[2000]] == FollowUpState(contact_id=ids[2000])


def test_due_lists_states_due_by_then_earliest_first(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        a, b, c, d, e = add_contacts(uow, 5)
        uow.states.save_many(
            [due(a, NOW + HOUR), due(b, NOW - 2 * HOUR), due(c, NOW), due(d, NOW + timedelta(0))]
        )
        uow.states.save(FollowUpState(e, status=Status.DO_NOT_CONTACT, next_due_at=None))
        uow.commit()

        assert [s.contact_id for s in uow.states.due(NOW)] == [b, c, d]
        assert [s.contact_id for s in uow.states.due(NOW, limit=2)] == [b, c]
        assert [s.contact_id for s in uow.states.due(NOW + 2 * HOUR)] == [b, c, d, a]


def test_due_filters_by_status(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        a, b, c = add_contacts(uow, 3)
        uow.states.save_many(
            [due(a, NOW, Status.WARM), due(b, NOW - HOUR, Status.COLD), due(c, NOW, Status.NEW)]
        )
        uow.commit()

        warm_or_new = uow.states.due(NOW, statuses=[Status.WARM, Status.NEW])
        assert [s.contact_id for s in warm_or_new] == [a, c]
        assert uow.states.due(NOW, statuses=[]) == []


def test_count_by_status_counts_contacts_without_state_as_new(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        a, b, c, _, _ = add_contacts(uow, 5)
        uow.states.save_many([due(a, NOW, Status.WARM), due(b, NOW, Status.WARM)])
        uow.states.save(due(c, NOW, Status.NEW))
        uow.commit()

        assert uow.states.count_by_status() == {Status.WARM: 2, Status.NEW: 3}


# Appointments


def meeting(contact_id: int, start: datetime, uid: str, **changes: object) -> Appointment:
    return replace(Appointment(contact_id, start, start + timedelta(minutes=30), uid), **changes)


def test_appointment_with_every_field_comes_back_equal(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        (contact_id,) = add_contacts(uow, 1)
        appointment = meeting(
            contact_id,
            NOW,
            "uid-1@ringback",
            title="Call with Person",
            we_call=False,
            phone="+12125550101",
            user="bob",
            sequence=2,
        )
        saved = uow.appointments.add(appointment)
        uow.commit()

    with uow_factory() as uow:
        assert uow.appointments.for_contact(contact_id) == [replace(appointment, id=saved.id)]


def test_appointment_update_and_unknown_id(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        (contact_id,) = add_contacts(uow, 1)
        saved = uow.appointments.add(meeting(contact_id, NOW, "uid-1"))
        moved = replace(saved, start=NOW + HOUR, end=NOW + 2 * HOUR, sequence=1)
        uow.appointments.update(moved)
        uow.commit()

        assert uow.appointments.for_contact(contact_id) == [moved]
        with pytest.raises(NotFound):
            uow.appointments.update(replace(moved, id=999))
        with pytest.raises(NotFound):
            uow.appointments.update(replace(moved, id=None))


def test_between_lists_live_appointments_starting_in_the_range(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        (contact_id,) = add_contacts(uow, 1)
        for uid, start, cancelled in [
            ("before", NOW - timedelta(minutes=1), False),
            ("at-start", NOW, False),
            ("later", NOW + 2 * HOUR, False),
            ("cancelled", NOW + HOUR, True),
            ("at-end", NOW + 3 * HOUR, False),
        ]:
            uow.appointments.add(meeting(contact_id, start, uid, cancelled=cancelled))
        uow.commit()

        found = uow.appointments.between(NOW, NOW + 3 * HOUR)

    assert [a.uid for a in found] == ["at-start", "later"]


def test_appointment_uid_is_unique(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        (contact_id,) = add_contacts(uow, 1)
        uow.appointments.add(meeting(contact_id, NOW, "same"))
        with pytest.raises(IntegrityError):
            uow.appointments.add(meeting(contact_id, NOW + HOUR, "same"))
