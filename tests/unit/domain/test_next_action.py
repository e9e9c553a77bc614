"""next_action(): the engine's choice of channel, time and words for one contact."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from ringback.domain.cadence import (
    DEFAULT_CADENCE,
    Action,
    Condition,
    Step,
    Tier,
    VoicemailMode,
    explain_next,
    next_action,
)
from ringback.domain.clock import local
from ringback.domain.guardrails import Policy, check
from ringback.domain.model import Channel, Contact, FollowUpState, NextStepKind, Outcome
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
    priya,
    talked,
    tolliver,
    touch,
)

POLICY = Policy()
NOON = MONDAY + 12 * HOUR  # Monday 12:00 in New York


def act(contact: Contact, state: FollowUpState, now: datetime = MONDAY) -> Action:
    action = next_action(DEFAULT_CADENCE, contact, state, POLICY, now)
    assert action is not None, explain_next(DEFAULT_CADENCE, contact, state, POLICY, now).trace
    assert check(action.intent, contact, state, POLICY, action.suggested_at).allowed
    return action


def unanswered(contact: Contact, count: int, *, voicemail_from: int = 1) -> FollowUpState:
    outcomes = [
        Outcome.NO_ANSWER if i < voicemail_from else Outcome.VOICEMAIL_LEFT for i in range(count)
    ]
    return history(contact, calls(contact, outcomes, NOON, 7 * DAY))


def test_r1_a_new_contact_gets_a_first_call_inside_the_window_today() -> None:
    action = act(alice(), fresh(alice()))
    assert (action.channel, action.tier, action.attempt, action.template) == (
        Channel.CALL,
        Tier.CADENCE,
        1,
        "call.intro",
    )
    assert action.window_start == datetime(2026, 3, 2, 14, 0, tzinfo=action.window_start.tzinfo)
    assert action.window_start <= action.suggested_at < action.window_end
    assert action.phone == "+12125550142" and "R1" in action.rules


def test_r1_one_unanswered_attempt_never_ends_the_follow_up() -> None:
    state = unanswered(alice(), 11)
    action = act(alice(), state, NOON + 80 * DAY)
    assert action.attempt == 12 and action.tier is Tier.CADENCE


def test_r2_first_follow_up_three_days_after_the_first_attempt_then_weekly() -> None:
    assert act(alice(), unanswered(alice(), 1)).due_at == NOON + 3 * DAY
    assert act(alice(), unanswered(alice(), 2)).due_at == NOON + 7 * DAY + 7 * DAY


def test_r6_no_voicemail_on_the_first_unanswered_business_call() -> None:
    assert act(alice(), fresh(alice())).on_voicemail is VoicemailMode.SKIP
    assert act(alice(), unanswered(alice(), 1)).on_voicemail is VoicemailMode.LEAVE


def test_r6_a_personal_contact_gets_a_voicemail_on_the_first_call() -> None:
    friend = alice(personal=True)
    assert act(friend, fresh(friend)).on_voicemail is VoicemailMode.LEAVE


def test_r6_never_more_than_two_unanswered_calls_in_a_row_without_a_message() -> None:
    # A voicemail, two silent calls, then a wrong number: the next call (other number)
    # must leave a message, so it waits for R14's voicemail gap instead of skipping it.
    first, second = (p.e164 for p in bernd().phones)
    touches = [
        touch(bernd(), Outcome.VOICEMAIL_LEFT, NOON, phone=first),
        touch(bernd(), Outcome.VOICEMAIL_SKIPPED, NOON + DAY, phone=first),
        touch(bernd(), Outcome.NO_ANSWER, NOON + DAY + 2 * HOUR, phone=first),
        touch(bernd(), Outcome.WRONG_NUMBER, NOON + DAY + 3 * HOUR, phone=first),
    ]
    explained = explain_next(
        DEFAULT_CADENCE, bernd(), history(bernd(), touches), POLICY, NOON + DAY + 3 * HOUR
    )
    action = explained.action
    assert action is not None and action.phone == second
    assert action.on_voicemail is VoicemailMode.LEAVE
    assert action.window_start >= NOON + 3 * DAY
    assert "R6" in action.rules and "R14" in action.rules


def test_r14_a_call_soon_after_a_voicemail_leaves_none_rather_than_waiting() -> None:
    touches = [
        touch(bernd(), Outcome.NO_ANSWER, NOON),
        touch(bernd(), Outcome.VOICEMAIL_LEFT, NOON + 3 * DAY),
        touch(bernd(), Outcome.WRONG_NUMBER, NOON + 3 * DAY + HOUR, phone=bernd().phones[0].e164),
    ]
    action = act(bernd(), history(bernd(), touches), NOON + 3 * DAY + HOUR)
    assert action.phone == bernd().phones[1].e164
    assert action.on_voicemail is VoicemailMode.SKIP
    assert action.window_start < NOON + 6 * DAY and "R14" in action.rules


def test_r9_after_three_voicemails_with_no_response_switch_to_email() -> None:
    action = act(alice(), unanswered(alice(), 4))
    assert (action.channel, action.template, action.on_voicemail) == (
        Channel.EMAIL,
        "email.set_call",
        None,
    )
    assert "R9" in action.rules and "3 voicemails" in action.reason


def test_r9_after_two_unanswered_emails_a_mailed_note_where_an_address_is_known() -> None:
    touches = [
        *calls(bernd(), [Outcome.NO_ANSWER] + [Outcome.VOICEMAIL_LEFT] * 3, NOON, 7 * DAY),
        touch(bernd(), Outcome.SENT, NOON + 28 * DAY, Channel.EMAIL),
        touch(bernd(), Outcome.SENT, NOON + 35 * DAY, Channel.EMAIL),
    ]
    action = act(bernd(), history(bernd(), touches))
    assert (action.channel, action.template) == (Channel.LETTER, "letter.note")
    assert "R9" in action.rules


def test_r9_without_an_email_address_calls_continue() -> None:
    nomail = alice(email=None)
    action = act(nomail, unanswered(nomail, 4))
    assert action.channel is Channel.CALL and action.template == "call.retry"


def test_r10_email_first_contacts_get_email_first_and_never_a_voicemail() -> None:
    first = act(priya(), fresh(priya()))
    assert (first.channel, first.template) == (Channel.EMAIL, "email.intro")
    assert "R10" in first.rules
    emails = [touch(priya(), Outcome.SENT, NOON + i * 7 * DAY, Channel.EMAIL) for i in range(2)]
    proposal = act(priya(), history(priya(), emails))
    assert (proposal.channel, proposal.template) == (Channel.CALL, "call.propose")
    assert proposal.on_voicemail is VoicemailMode.SKIP


def test_r10_email_first_contacts_get_email_again_after_two_silent_calls() -> None:
    touches = [
        *(touch(priya(), Outcome.SENT, NOON + i * 7 * DAY, Channel.EMAIL) for i in range(2)),
        *calls(priya(), [Outcome.VOICEMAIL_SKIPPED] * 2, NOON + 14 * DAY, 7 * DAY),
    ]
    action = act(priya(), history(priya(), touches))
    assert action.channel is Channel.EMAIL


def test_r11_warm_after_a_conversation_in_the_last_30_days() -> None:
    action = act(alice(), history(alice(), [talked(alice(), NOON, NextStepKind.NONE)]))
    assert action.tier is Tier.WARM and action.due_at == NOON + 3 * DAY
    assert action.template == "call.followup" and action.on_voicemail is VoicemailMode.LEAVE


def test_r11_cold_contacts_are_recycled_after_the_cool_down() -> None:
    state = unanswered(alice(), 12)
    action = act(alice(), state)
    assert action.tier is Tier.COLD and action.attempt == 1
    assert action.due_at == NOON + 11 * 7 * DAY + 90 * DAY
    assert "R11" in action.rules


def test_r11_a_missed_contact_has_no_action_and_the_trace_says_why() -> None:
    touches = [
        touch(alice(), Outcome.DISCONNECTED, NOON),
        touch(alice(), Outcome.BOUNCED, NOON, Channel.EMAIL),
    ]
    explained = explain_next(DEFAULT_CADENCE, alice(), history(alice(), touches), POLICY, MONDAY)
    assert explained.action is None
    assert explained.trace[-1].rule == "R11" and "missed" in explained.trace[-1].message


def test_r12_do_not_contact_means_no_next_action_ever() -> None:
    state = history(alice(), [touch(alice(), Outcome.DO_NOT_CONTACT, NOON)])
    explained = explain_next(DEFAULT_CADENCE, alice(), state, POLICY, NOON + 400 * DAY)
    assert explained.action is None and explained.rules == ("R12",)


def test_r12_a_call_back_pauses_the_email_that_was_next() -> None:
    state = unanswered(alice(), 4)
    assert act(alice(), state).channel is Channel.EMAIL
    called_back = history(
        alice(), [inbound(alice(), Outcome.CALLBACK_RECEIVED, NOON + 22 * DAY)], state=state
    )
    action = act(alice(), called_back)
    assert action.channel is Channel.CALL and action.tier is Tier.WARM
    assert action.due_at == NOON + 25 * DAY


def test_r12_not_interested_is_recycled_gently_after_90_days() -> None:
    state = history(alice(), [touch(alice(), Outcome.NOT_INTERESTED, NOON)])
    action = act(alice(), state)
    assert action.tier is Tier.COLD and action.due_at == NOON + 90 * DAY
    assert action.rules[0] == "R12"


def test_r12_wrong_number_tries_the_other_number_at_once() -> None:
    state = history(bernd(), [touch(bernd(), Outcome.WRONG_NUMBER, NOON - 8 * HOUR)])
    action = act(bernd(), state, NOON - 8 * HOUR)
    assert action.phone == bernd().phones[1].e164
    assert action.due_at == NOON - 8 * HOUR and "R12" in action.rules


def test_r3_an_appointment_is_planned_at_its_time() -> None:
    at = NOON + 2 * DAY + 2 * HOUR
    action = act(alice(), history(alice(), [talked(alice(), NOON, NextStepKind.APPOINTMENT, at)]))
    assert action.tier is Tier.APPOINTMENT and action.suggested_at == at
    assert action.template == "call.appointment" and "R3" in action.rules


def test_r4_call_me_next_tuesday_after_two_is_a_promised_call_back_then() -> None:
    tuesday_2pm = datetime(2026, 3, 10, 18, 0, tzinfo=NOON.tzinfo)  # 14:00 EDT
    state = history(
        alice(),
        [
            touch(
                alice(),
                Outcome.CALL_LATER,
                NOON,
                next_at=tuesday_2pm,
                next_kind=NextStepKind.CALL_BACK,
            )
        ],
    )
    action = act(alice(), state)
    assert action.tier is Tier.PROMISED and action.suggested_at == tuesday_2pm
    assert "asked to be called back" in action.reason and "R4" in action.rules


def test_r5_a_holiday_moves_the_next_action_and_the_trace_names_it() -> None:
    thanksgiving = datetime(2026, 11, 26, 5, 0, tzinfo=NOON.tzinfo)
    action = act(alice(), fresh(alice(), thanksgiving), thanksgiving)
    assert local(action.suggested_at, "America/New_York").day == 27
    assert any("Thanksgiving" in d.message for d in action.trace)


def test_r5_an_unconfirmed_toll_free_number_is_not_called_but_email_still_works() -> None:
    reachable = tolliver(email="toll@example.com")
    action = act(reachable, fresh(reachable))
    assert action.channel is Channel.EMAIL
    assert any("42 time zones" in d.message for d in action.trace)
    nobody = explain_next(DEFAULT_CADENCE, tolliver(), fresh(tolliver()), POLICY, MONDAY)
    assert nobody.action is None and nobody.trace[-1].rule == "R5"


def test_r5_a_confirmed_time_zone_opens_the_window() -> None:
    confirmed = tolliver(timezone_source="user")
    assert act(confirmed, fresh(confirmed)).channel is Channel.CALL


def test_r17_a_number_that_never_answered_is_retried_on_another_weekday_and_hour() -> None:
    state = unanswered(alice(), 2)  # Monday calls, a week apart
    action = act(alice(), state)
    last = local(NOON + 7 * DAY, "America/New_York")
    planned = local(action.suggested_at, "America/New_York")
    assert planned.weekday() != last.weekday() and planned.hour != last.hour
    assert "R17" in action.rules


def test_a_step_wait_overrides_the_rhythm() -> None:
    quick = replace(
        DEFAULT_CADENCE,
        steps=(Step(Channel.CALL, "call.quick", (Condition.HAS_PHONE,), timedelta(days=1)),),
    )
    state = unanswered(alice(), 1)
    action = next_action(quick, alice(), state, POLICY, MONDAY)
    assert action is not None and action.due_at == NOON + DAY


def test_no_step_applying_is_refused_with_the_reason() -> None:
    letters_only = replace(
        DEFAULT_CADENCE, steps=(Step(Channel.LETTER, "letter.note", (Condition.HAS_ADDRESS,)),)
    )
    explained = explain_next(letters_only, alice(), fresh(alice()), POLICY, MONDAY)
    assert explained.action is None and "no step" in explained.trace[-1].message


def test_the_reason_is_a_plain_sentence_with_the_attempt_number() -> None:
    action = act(alice(), unanswered(alice(), 2))
    assert action.reason.startswith("Attempt #3: a week after the last attempt")


def test_r7_the_trace_asks_for_a_reason_before_a_voicemail() -> None:
    no_reason = alice(reason=None)
    action = act(no_reason, unanswered(no_reason, 1))
    assert action.on_voicemail is VoicemailMode.LEAVE
    assert any(d.rule == "R7" for d in action.trace) and "R7" not in action.rules
