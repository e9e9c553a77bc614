"""A booked next step is reserved for its user (USERONLY) or open to anyone (R3, R4)."""

from __future__ import annotations

from ringback.domain.model import CallbackScope, NextStepKind, Outcome
from tests.unit.domain.personas import DAY, HOUR, MONDAY, alice, history, touch

USERONLY = CallbackScope.USERONLY


def test_a_useronly_call_back_is_reserved_for_the_rep_who_promised_it_r4() -> None:
    contact = alice()
    promise = touch(
        contact, Outcome.CALL_LATER, MONDAY, next_at=MONDAY + 2 * DAY, next_scope=USERONLY,
        user="rita",
    )  # fmt: skip
    state = history(contact, [promise])
    assert state.promised_at == MONDAY + 2 * DAY
    assert state.booked_for == "rita"


def test_an_anyone_call_back_is_reserved_for_nobody() -> None:
    contact = alice()
    promise = touch(contact, Outcome.CALL_LATER, MONDAY, next_at=MONDAY + DAY, user="rita")
    assert history(contact, [promise]).booked_for is None


def test_the_reservation_ends_when_the_call_back_is_made() -> None:
    contact = alice()
    promise = touch(
        contact, Outcome.CALL_LATER, MONDAY, next_at=MONDAY + DAY, next_scope=USERONLY,
        user="rita",
    )  # fmt: skip
    made = touch(contact, Outcome.NO_ANSWER, MONDAY + DAY + HOUR, user="rita")
    state = history(contact, [promise, made])
    assert state.promised_at is None
    assert state.booked_for is None


def test_a_useronly_meeting_reserves_the_appointment_r3() -> None:
    contact = alice()
    booked = touch(
        contact, Outcome.CONNECTED, MONDAY, next_kind=NextStepKind.APPOINTMENT,
        next_at=MONDAY + 3 * DAY, next_scope=USERONLY, user="ravi",
    )  # fmt: skip
    state = history(contact, [booked])
    assert state.appointment_at == MONDAY + 3 * DAY
    assert state.booked_for == "ravi"
