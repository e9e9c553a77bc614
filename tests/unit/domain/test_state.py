"""advance(): every touch keeps the follow-up state's counters, status and due time right."""

from __future__ import annotations

from datetime import timedelta

from ringback.domain.model import Channel, FollowUpState, NextStepKind, Outcome, Status
from ringback.domain.state import advance, due_instant, reassess
from tests.unit.domain.personas import (
    DAY,
    HOUR,
    MONDAY,
    alice,
    bernd,
    calls,
    fresh,
    history,
    inbound,
    talked,
    touch,
)

NOON = MONDAY + 12 * HOUR  # Monday 12:00 in New York


def test_r1_an_unanswered_call_keeps_the_contact_active_and_due_again() -> None:
    state = history(alice(), [touch(alice(), Outcome.NO_ANSWER, NOON)])
    assert state.status is Status.ACTIVE
    assert (
        state.attempts == 1
        and state.calls_unanswered_in_row == 1
        and state.silent_calls_in_row == 1
    )
    assert state.next_due_at == NOON + 3 * DAY


def test_r2_first_follow_up_after_3_days_then_weekly() -> None:
    one = history(alice(), calls(alice(), [Outcome.NO_ANSWER], NOON, DAY))
    two = history(
        alice(), calls(alice(), [Outcome.NO_ANSWER, Outcome.VOICEMAIL_LEFT], NOON, 3 * DAY)
    )
    assert one.next_due_at == NOON + 3 * DAY
    assert two.next_due_at == NOON + 3 * DAY + 7 * DAY


def test_r2_follow_up_3_days_after_a_conversation_with_no_next_step() -> None:
    state = history(alice(), [talked(alice(), NOON, NextStepKind.NONE)])
    assert state.status is Status.WARM
    assert state.last_conversation_at == NOON and not state.never_answered
    assert state.next_due_at == NOON + 3 * DAY


def test_r6_voicemail_resets_the_silent_run_and_counts_towards_r9() -> None:
    outcomes = [Outcome.NO_ANSWER, Outcome.BUSY, Outcome.VOICEMAIL_LEFT]
    state = history(alice(), calls(alice(), outcomes, NOON, 3 * DAY))
    assert state.calls_unanswered_in_row == 3
    assert state.silent_calls_in_row == 0
    assert state.voicemails_unanswered == 1
    assert state.last_voicemail_at == NOON + 6 * DAY


def test_r6_an_email_is_a_message_too() -> None:
    touches = [
        touch(alice(), Outcome.NO_ANSWER, NOON),
        touch(alice(), Outcome.SENT, NOON + DAY, Channel.EMAIL),
    ]
    state = history(alice(), touches)
    assert state.silent_calls_in_row == 0 and state.emails_unanswered == 1


def test_r3_appointment_and_r4_promised_call_back_are_kept() -> None:
    at = NOON + 2 * DAY
    booked = history(alice(), [talked(alice(), NOON, NextStepKind.APPOINTMENT, at)])
    promised = history(
        alice(),
        [touch(alice(), Outcome.CALL_LATER, NOON, next_at=at, next_kind=NextStepKind.CALL_BACK)],
    )
    assert booked.appointment_at == at and booked.next_due_at == at
    assert promised.promised_at == at and promised.next_due_at == at


def test_r3_the_appointment_is_done_once_a_touch_is_logged_at_its_time() -> None:
    at = NOON + 2 * DAY
    state = history(
        alice(),
        [
            talked(alice(), NOON, NextStepKind.APPOINTMENT, at),
            talked(alice(), at, NextStepKind.NONE),
        ],
    )
    assert state.appointment_at is None and state.next_due_at == at + 3 * DAY


def test_r12_a_response_pauses_the_cadence_and_restarts_the_round() -> None:
    outcomes = [Outcome.NO_ANSWER, Outcome.VOICEMAIL_LEFT, Outcome.VOICEMAIL_LEFT]
    state = history(
        alice(),
        [
            *calls(alice(), outcomes, NOON, 3 * DAY),
            inbound(alice(), Outcome.CALLBACK_RECEIVED, NOON + 7 * DAY),
        ],
    )
    assert state.status is Status.WARM
    assert (state.attempts, state.voicemails_unanswered, state.calls_unanswered_in_row) == (0, 0, 0)
    assert state.last_response_at == NOON + 7 * DAY
    assert state.next_due_at == NOON + 10 * DAY


def test_r12_a_reply_by_email_pauses_calls_too() -> None:
    touches = [
        touch(alice(), Outcome.SENT, NOON, Channel.EMAIL),
        touch(alice(), Outcome.REPLIED, NOON + DAY, Channel.EMAIL),
    ]
    state = history(alice(), touches)
    assert state.emails_unanswered == 0 and state.status is Status.WARM


def test_r12_not_interested_stops_and_recycles_after_90_days() -> None:
    state = history(alice(), [touch(alice(), Outcome.NOT_INTERESTED, NOON)])
    assert state.status is Status.NOT_INTERESTED
    assert state.next_due_at == NOON + 90 * DAY


def test_r12_do_not_contact_is_final_whatever_comes_later() -> None:
    state = history(
        alice(),
        [
            touch(alice(), Outcome.DO_NOT_CONTACT, NOON),
            inbound(alice(), Outcome.CALLBACK_RECEIVED, NOON + DAY),
        ],
    )
    assert state.status is Status.DO_NOT_CONTACT and state.next_due_at is None


def test_r12_wrong_number_marks_it_and_the_next_attempt_is_due_at_once() -> None:
    state = history(bernd(), [touch(bernd(), Outcome.WRONG_NUMBER, NOON, phone="+49891234567")])
    assert state.bad_numbers == ("+49891234567",)
    assert state.attempts == 0 and state.next_due_at == NOON


def test_r11_missed_when_every_number_is_wrong_and_the_email_bounced() -> None:
    touches = [
        touch(alice(), Outcome.DISCONNECTED, NOON),
        touch(alice(), Outcome.BOUNCED, NOON + DAY, Channel.EMAIL),
    ]
    state = history(alice(), touches)
    assert state.status is Status.MISSED and state.next_due_at is None
    revived = reassess(state, alice(phones=(*alice().phones, *bernd().phones[:1])))
    assert revived.status is Status.ACTIVE and revived.next_due_at is not None


def test_r11_cold_after_the_cadence_ran_its_course_then_recycled_fresh() -> None:
    twelve = calls(alice(), [Outcome.NO_ANSWER] * 12, NOON, 7 * DAY)
    cold = history(alice(), twelve)
    assert cold.status is Status.COLD
    recycle_at = twelve[-1].at + 90 * DAY
    assert cold.next_due_at == recycle_at
    recycled = history(alice(), [touch(alice(), Outcome.NO_ANSWER, recycle_at)], state=cold)
    assert recycled.status is Status.ACTIVE and recycled.attempts == 1


def test_r11_warm_decays_to_active_after_30_days_without_engagement() -> None:
    start = history(alice(), [talked(alice(), NOON, NextStepKind.NONE)])
    later = history(alice(), [touch(alice(), Outcome.NO_ANSWER, NOON + 31 * DAY)], state=start)
    sooner = history(alice(), [touch(alice(), Outcome.NO_ANSWER, NOON + 3 * DAY)], state=start)
    assert later.status is Status.ACTIVE and sooner.status is Status.WARM


def test_r14_recent_keeps_only_our_touches_of_the_last_7_days() -> None:
    touches = [
        *calls(alice(), [Outcome.NO_ANSWER] * 4, NOON, 3 * DAY),
        inbound(alice(), Outcome.CALLBACK_RECEIVED, NOON + 10 * DAY),
    ]
    state = history(alice(), touches)
    assert [r.at for r in state.recent] == [NOON + 6 * DAY, NOON + 9 * DAY]


def test_advance_is_o1_whatever_the_history_length() -> None:
    state = fresh(alice())
    for week in range(300):
        state = advance(state, touch(alice(), Outcome.NO_ANSWER, NOON + week * 7 * DAY))
    assert len(state.recent) <= 2


def test_without_the_contact_next_due_is_a_lower_bound_with_step_waits() -> None:
    from dataclasses import replace

    from ringback.domain.cadence import DEFAULT_CADENCE, Step

    quick = replace(
        DEFAULT_CADENCE,
        steps=(*DEFAULT_CADENCE.steps, Step(Channel.SMS, "sms", (), timedelta(hours=2))),
    )
    state = advance(FollowUpState(1), touch(alice(), Outcome.NO_ANSWER, NOON), quick)
    assert state.next_due_at == NOON + 2 * HOUR
    assert due_instant(state, quick, alice()) == NOON + 3 * DAY
