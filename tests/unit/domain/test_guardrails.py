"""Guardrails: do-not-contact (R12), windows (R4, R5), caps (R14); refusals name their rule."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from ringback.domain.errors import InvalidField
from ringback.domain.guardrails import Intent, Policy, check, find_slot, next_allowed_slot
from ringback.domain.hours import WeeklyHours
from ringback.domain.model import Channel, FollowUpState, Outcome, RecentTouch, Status, Weekday
from ringback.domain.policy import policy_from_dict
from ringback.domain.trace import Effect
from tests.unit.domain.personas import DAY, MONDAY, alice, bernd, coastal, prefers

CALL = Intent(Channel.CALL)
EMAIL = Intent(Channel.EMAIL)
VOICEMAIL_CALL = Intent(Channel.CALL, leave_voicemail=True)
NOON_NY = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # Monday 12:00 in New York


def state_with(*recent: tuple[datetime, Channel, Outcome], **fields: object) -> FollowUpState:
    touches = tuple(RecentTouch(at, channel, outcome) for at, channel, outcome in recent)
    return FollowUpState(contact_id=1, recent=touches, **fields)  # type: ignore[arg-type]


def test_r12_do_not_contact_refuses_every_channel_at_any_time() -> None:
    state = FollowUpState(contact_id=1, status=Status.DO_NOT_CONTACT)
    for channel in Channel:
        verdict = check(Intent(channel), alice(), state, Policy(), NOON_NY)
        assert (verdict.allowed, verdict.rule) == (False, "R12")
    assert next_allowed_slot(alice(), state, Policy(), Channel.EMAIL, MONDAY) is None


def test_r5_call_outside_local_hours_is_refused_with_the_local_time() -> None:
    early = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 07:00 in New York
    verdict = check(CALL, alice(), FollowUpState(1), Policy(), early)
    assert (verdict.allowed, verdict.rule) == (False, "R5")
    assert "07:00" in verdict.message and "America/New_York" in verdict.message


def test_r5_call_on_a_public_holiday_is_refused_and_names_it() -> None:
    thanksgiving_noon = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    verdict = check(CALL, alice(), FollowUpState(1), Policy(), thanksgiving_noon)
    assert verdict.rule == "R5" and "Thanksgiving" in verdict.message


def test_r5_next_slot_skips_the_holiday() -> None:
    slot = next_allowed_slot(
        alice(), FollowUpState(1), Policy(), Channel.CALL, datetime(2026, 11, 26, 5, tzinfo=UTC)
    )
    assert slot is not None and slot[0] == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def test_r5_call_inside_the_window_is_allowed() -> None:
    assert check(CALL, alice(), FollowUpState(1), Policy(), NOON_NY).allowed


def test_r5_configured_window_never_reaches_outside_0800_to_2100() -> None:
    late_policy = Policy(business_hours=WeeklyHours.every(range(7), time(6), time(23, 30)))
    at_2130 = datetime(2026, 3, 3, 2, 30, tzinfo=UTC)  # Mon 21:30 in New York
    at_0730 = datetime(2026, 3, 2, 12, 30, tzinfo=UTC)
    assert check(CALL, alice(), FollowUpState(1), late_policy, at_2130).rule == "R5"
    assert check(CALL, alice(), FollowUpState(1), late_policy, at_0730).rule == "R5"


def test_r5_a_requested_call_may_be_on_saturday_evening_but_not_after_2100() -> None:
    asked = Intent(Channel.CALL, requested=True)
    saturday_1900 = datetime(2026, 3, 8, 0, 0, tzinfo=UTC)  # Sat 7 Mar 19:00 EST
    assert check(asked, alice(), FollowUpState(1), Policy(), saturday_1900).allowed
    assert (
        check(
            asked,
            alice(),
            FollowUpState(1),
            Policy(),
            saturday_1900 + timedelta(hours=2, minutes=30),
        ).rule
        == "R5"
    )


def test_r5_ambiguous_number_call_is_refused_outside_the_overlap() -> None:
    ten_in_new_york = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 07:00 in Los Angeles
    verdict = check(CALL, coastal(), FollowUpState(5), Policy(), ten_in_new_york)
    assert verdict.rule == "R5"
    assert check(EMAIL, coastal(), FollowUpState(5), Policy(), ten_in_new_york).allowed


def test_r4_stated_preference_narrows_the_window() -> None:
    contact = alice(preferred_windows=(prefers([Weekday.TUE, Weekday.THU], time(14), time(17)),))
    found = find_slot(contact, FollowUpState(1), Policy(), CALL, MONDAY)
    assert found.span is not None
    assert found.span.start == datetime(2026, 3, 3, 19, 0, tzinfo=UTC)  # Tue 14:00 EST
    assert found.span.end == datetime(2026, 3, 3, 22, 0, tzinfo=UTC)
    assert any(d.rule == "R4" and d.effect is Effect.SET for d in found.trace)


def test_r4_not_before_10_moves_the_start() -> None:
    every_day = [Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI]
    contact = bernd(preferred_windows=(prefers(every_day, time(10), time(21)),))
    found = find_slot(contact, FollowUpState(2), Policy(), CALL, MONDAY)
    assert found.span is not None and found.span.start == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_r4_preference_outside_the_legal_window_is_ignored_and_the_trace_says_so() -> None:
    contact = alice(preferred_windows=(prefers([Weekday.SAT], time(10), time(12)),))
    found = find_slot(contact, FollowUpState(1), Policy(), CALL, MONDAY)
    assert found.span is not None and found.span.start == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    ignored = [d for d in found.trace if d.rule == "R4"]
    assert ignored and "outside" in ignored[0].message


def test_r14_at_most_7_call_attempts_in_any_rolling_7_days() -> None:
    first = NOON_NY - 6 * DAY
    state = state_with(
        *((first + i * 20 * timedelta(hours=1), Channel.CALL, Outcome.NO_ANSWER) for i in range(7))
    )
    verdict = check(CALL, alice(), state, Policy(), NOON_NY)
    assert (verdict.allowed, verdict.rule) == (False, "R14")
    slot = next_allowed_slot(alice(), state, Policy(), Channel.CALL, NOON_NY)
    assert slot is not None and slot[0] == first + 7 * DAY
    assert check(EMAIL, alice(), state, Policy(), NOON_NY).allowed


def test_r14_at_most_one_voicemail_per_3_days() -> None:
    state = state_with(
        (NOON_NY - 2 * DAY, Channel.CALL, Outcome.VOICEMAIL_LEFT),
        last_voicemail_at=NOON_NY - 2 * DAY,
    )
    verdict = check(VOICEMAIL_CALL, alice(), state, Policy(), NOON_NY)
    assert (verdict.allowed, verdict.rule) == (False, "R14")
    assert "voicemail" in verdict.message
    assert check(CALL, alice(), state, Policy(), NOON_NY).allowed
    assert check(VOICEMAIL_CALL, alice(), state, Policy(), NOON_NY + DAY).allowed


def test_r14_weekly_cap_counts_touches_on_every_channel() -> None:
    policy = Policy(max_touches_per_week=3)
    state = state_with(
        (NOON_NY - 3 * DAY, Channel.EMAIL, Outcome.SENT),
        (NOON_NY - 2 * DAY, Channel.CALL, Outcome.NO_ANSWER),
        (NOON_NY - 1 * DAY, Channel.LETTER, Outcome.MAILED),
    )
    assert check(EMAIL, alice(), state, policy, NOON_NY).rule == "R14"
    assert check(EMAIL, alice(), state, policy, NOON_NY + 4 * DAY + timedelta(hours=1)).allowed


def test_r14_inbound_events_do_not_count_towards_caps() -> None:
    policy = Policy(max_touches_per_week=1)
    state = state_with((NOON_NY - DAY, Channel.CALL, Outcome.CALLBACK_RECEIVED))
    assert check(EMAIL, alice(), state, policy, NOON_NY).allowed


def test_r14_collections_profile_waits_7_days_after_a_conversation_unless_asked() -> None:
    policy = Policy(collections=True)
    state = FollowUpState(1, last_conversation_at=NOON_NY - 2 * DAY)
    verdict = check(CALL, alice(), state, policy, NOON_NY)
    assert verdict.rule == "R14" and "collections" in verdict.message
    assert check(Intent(Channel.CALL, requested=True), alice(), state, policy, NOON_NY).allowed
    assert check(EMAIL, alice(), state, policy, NOON_NY).allowed
    assert check(CALL, alice(), state, Policy(), NOON_NY).allowed


def test_find_slot_trace_says_which_cap_moved_it() -> None:
    state = state_with(
        (NOON_NY - DAY, Channel.CALL, Outcome.VOICEMAIL_LEFT), last_voicemail_at=NOON_NY - DAY
    )
    found = find_slot(alice(), state, Policy(), VOICEMAIL_CALL, NOON_NY)
    assert found.span is not None and found.span.start == NOON_NY + 2 * DAY
    assert [d.rule for d in found.trace if d.effect is Effect.MOVED] == ["R14"]


def test_policy_rejects_caps_below_one() -> None:
    with pytest.raises(InvalidField) as bad:
        Policy(max_calls_per_week=0)
    assert bad.value.field == "max_calls_per_week"


def test_policy_from_dict_reads_every_setting_and_rejects_unknown_keys() -> None:
    policy = policy_from_dict(
        {
            "business_hours": {"days": "mon-thu", "between": "10:00-16:00"},
            "voicemail_gap": "4d",
            "max_touches_per_week": 5,
            "collections": True,
        }
    )
    assert str(policy.business_hours) == "Mon–Thu 10:00–16:00"
    assert policy.voicemail_gap == 4 * DAY and policy.collections
    with pytest.raises(InvalidField) as bad:
        policy_from_dict({"max_calls": 3})
    assert bad.value.field == "max_calls"
