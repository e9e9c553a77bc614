"""Proposing call times and mailing notes as services, on in-memory fakes (R5, R9, R12)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ringback.domain.errors import RuleRefusal
from ringback.domain.model import Appointment, Channel, Contact, Outcome, Status, Touch
from ringback.domain.policy import DEFAULT_POLICY, policy_to_dict
from ringback.domain.sender import Sender
from ringback.services.contacts import add_contact
from ringback.services.letters import letter_for, letters_due
from ringback.services.slots import call_email, propose_call_times
from ringback.services.team_settings import POLICY_KEY
from ringback.services.touches import log_touch
from tests.unit.domain.personas import alice
from tests.unit.fakes import FakeUnitOfWork

MONDAY_NY_9 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York
TUESDAY_NY_10 = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
SAM = Sender("Sam Lee", "sam@example.com", "+1 646 555 0100", ("12 Main Street", "Springfield"))


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def added(uow: FakeUnitOfWork, contact: Contact, at: datetime = MONDAY_NY_9) -> int:
    saved = add_contact(lambda: uow, contact, at)
    assert saved.id is not None
    return saved.id


def book(uow: FakeUnitOfWork, contact_id: int, start: datetime, user: str | None) -> None:
    with uow:
        uow.appointments.add(
            Appointment(contact_id, start, start + timedelta(minutes=30), f"x{start}", user=user)
        )
        uow.commit()


def test_two_times_for_the_contact_with_the_email_offering_them_r9(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow, alice(id=None))

    proposed = propose_call_times(lambda: uow, contact_id, MONDAY_NY_9, "sam")

    starts = [s.start for s in proposed.proposal.slots]
    assert starts == [TUESDAY_NY_10, datetime(2026, 3, 4, 19, 0, tzinfo=UTC)]
    email = call_email(proposed, SAM)
    assert email.to == "alice@example.com" and len(email.slots) == 2


def test_the_users_appointments_are_kept_clear_others_are_not(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow, alice(id=None))
    other = added(uow, alice(id=None, full_name="Bo Bell", first_name="Bo", email="bo@x.example"))
    book(uow, other, TUESDAY_NY_10, user="kim")  # someone else's: no matter

    proposed = propose_call_times(lambda: uow, contact_id, MONDAY_NY_9, "sam")
    assert proposed.proposal.slots[0].start == TUESDAY_NY_10

    book(uow, other, TUESDAY_NY_10, user="sam")
    proposed = propose_call_times(lambda: uow, contact_id, MONDAY_NY_9, "sam")
    assert proposed.proposal.slots[0].start == TUESDAY_NY_10 + timedelta(hours=1)


def test_an_appointment_with_the_same_contact_is_kept_clear_whoever_booked_it(
    uow: FakeUnitOfWork,
) -> None:
    contact_id = added(uow, alice(id=None))
    book(uow, contact_id, TUESDAY_NY_10, user="kim")

    proposed = propose_call_times(lambda: uow, contact_id, MONDAY_NY_9, "sam")

    assert proposed.proposal.slots[0].start != TUESDAY_NY_10


def test_the_teams_stored_calling_window_applies_r5(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow, alice(id=None))
    with uow:
        data = policy_to_dict(DEFAULT_POLICY)
        data["business_hours"] = [{"days": ["mon", "tue", "wed"], "between": "13:00-15:00"}]
        uow.settings.save(POLICY_KEY, data, MONDAY_NY_9)
        uow.commit()

    proposed = propose_call_times(lambda: uow, contact_id, MONDAY_NY_9, "sam")

    slots = proposed.proposal.slots
    assert all(13 <= s.local_start.hour < 15 and s.local_start.weekday() < 3 for s in slots)


def test_do_not_contact_is_refused_r12(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow, alice(id=None))
    log_touch(lambda: uow, Touch(contact_id, Channel.CALL, Outcome.DO_NOT_CONTACT, MONDAY_NY_9))
    with uow:
        assert uow.states.get(contact_id).status is Status.DO_NOT_CONTACT

    with pytest.raises(RuleRefusal) as refused:
        propose_call_times(lambda: uow, contact_id, MONDAY_NY_9, "sam")
    assert refused.value.rule == "R12"
    with pytest.raises(RuleRefusal):
        letter_for(lambda: uow, contact_id, SAM, date(2026, 3, 2))


def test_no_free_time_is_refused_with_the_rule(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow, alice(id=None))
    with uow:
        uow.appointments.add(
            Appointment(
                contact_id, MONDAY_NY_9, MONDAY_NY_9 + timedelta(days=90), "all", user="sam"
            )
        )
        uow.commit()

    with pytest.raises(RuleRefusal) as refused:
        propose_call_times(lambda: uow, contact_id, MONDAY_NY_9, "sam")
    assert refused.value.rule == "R5"


def letter_person(index: int, address: str | None) -> Contact:
    return Contact(
        full_name=f"Lee Person{index}",
        first_name="Lee",
        email=f"lee{index}@example.com",
        address=address,
        timezone="America/New_York",
        timezone_source="user",
        country="US",
    )


def emailed_twice(uow: FakeUnitOfWork, contact_id: int) -> None:
    """Two unanswered emails to someone without a phone: next comes a letter (R9)."""
    for days in (14, 7):
        at = MONDAY_NY_9 - timedelta(days=days)
        log_touch(lambda: uow, Touch(contact_id, Channel.EMAIL, Outcome.SENT, at))


def test_the_days_letters_are_the_plans_letter_items_r9(uow: FakeUnitOfWork) -> None:
    writes = added(uow, letter_person(1, "1 Elm Street; Albany, NY 12207"))
    no_address = added(uow, letter_person(2, None))
    emailed_twice(uow, writes)
    emailed_twice(uow, no_address)

    batch = letters_due(
        lambda: uow, MONDAY_NY_9, MONDAY_NY_9 + timedelta(days=1), date(2026, 3, 2), SAM
    )

    assert [letter.contact_id for letter in batch.letters] == [writes]
    assert no_address not in [letter.contact_id for letter in batch.letters]
    assert batch.letters[0].greeting == "Dear Lee,"
    assert batch.letters[0].date == "March 2, 2026"


def test_a_planned_letter_without_a_usable_address_is_reported_not_dropped_r18(
    uow: FakeUnitOfWork,
) -> None:
    blank = added(uow, letter_person(3, " ; "))
    emailed_twice(uow, blank)

    batch = letters_due(
        lambda: uow, MONDAY_NY_9, MONDAY_NY_9 + timedelta(days=1), date(2026, 3, 2), SAM
    )

    assert batch.letters == ()
    assert [(s.contact_id, s.name) for s in batch.skipped] == [(blank, "Lee Person3")]
    assert "no postal address" in batch.skipped[0].reason
