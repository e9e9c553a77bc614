"""build_plan(): the ordered day (R18), capacity (R14), roll-forward, spreading, timing seam."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from ringback.domain.cadence import DEFAULT_CADENCE, Cadence, Tier
from ringback.domain.model import Contact, FollowUpState, NextStepKind, Outcome
from ringback.domain.planner import Plan, build_plan
from ringback.domain.policy import Policy
from tests.unit.domain.personas import (
    DAY,
    HOUR,
    MONDAY,
    alice,
    calls,
    fresh,
    history,
    talked,
    touch,
)

TUESDAY = MONDAY + DAY  # Tue 3 Mar 00:00 in New York
NOON = MONDAY + 12 * HOUR


def default(_: Contact) -> Cadence:
    return DEFAULT_CADENCE


def plan(items: Sequence[tuple[Contact, FollowUpState]], days: int = 1, **kwargs: object) -> Plan:
    return build_plan(items, default, Policy(), TUESDAY, TUESDAY + days * DAY, **kwargs)  # type: ignore[arg-type]


def person(number: int) -> Contact:
    return alice(id=number, full_name=f"Person {number}", first_name=f"P{number}")


def tiers_of(result: Plan) -> list[Tier]:
    return [item.action.tier for item in result.items]


def one_of_each_tier() -> list[tuple[Contact, FollowUpState]]:
    cold = person(1)
    cadence = person(2)
    warm = person(3)
    promised = person(4)
    booked = person(5)
    tuesday_3pm = TUESDAY + 15 * HOUR
    return [
        (cold, history(cold, calls(cold, [Outcome.NO_ANSWER] * 12, NOON - 200 * DAY, 7 * DAY))),
        (cadence, history(cadence, calls(cadence, [Outcome.NO_ANSWER], NOON - 5 * DAY, DAY))),
        (warm, history(warm, [talked(warm, NOON - 2 * DAY, NextStepKind.NONE)])),
        (
            promised,
            history(
                promised,
                [
                    touch(
                        promised,
                        Outcome.CALL_LATER,
                        NOON,
                        next_at=tuesday_3pm,
                        next_kind=NextStepKind.CALL_BACK,
                    )
                ],
            ),
        ),
        (
            booked,
            history(booked, [talked(booked, NOON, NextStepKind.APPOINTMENT, tuesday_3pm + HOUR)]),
        ),
    ]


def test_r18_order_appointments_promised_warm_cadence_then_cold() -> None:
    result = plan(one_of_each_tier())
    assert tiers_of(result) == [Tier.APPOINTMENT, Tier.PROMISED, Tier.WARM, Tier.CADENCE, Tier.COLD]
    assert result.deferred == ()


def test_r14_capacity_limits_the_plan_and_the_rest_is_deferred_with_a_reason() -> None:
    result = plan(one_of_each_tier(), capacity=2)
    assert tiers_of(result) == [Tier.APPOINTMENT, Tier.PROMISED]
    assert len(result.deferred) == 3
    assert {d.rule for d in result.deferred} == {"R14"}
    assert sum(result.deferred_counts.values()) == 3


def test_r18_overdue_work_rolls_forward_and_is_marked_overdue() -> None:
    late = person(7)
    state = history(late, calls(late, [Outcome.NO_ANSWER], NOON - 30 * DAY, DAY))
    result = plan([(late, state)])
    assert len(result.items) == 1
    item = result.items[0]
    assert item.overdue and item.action.due_at < TUESDAY <= item.action.suggested_at


def test_r18_overflow_rolls_to_the_next_day_of_a_multi_day_plan() -> None:
    people = [person(n) for n in range(10, 16)]
    result = plan([(p, fresh(p, MONDAY)) for p in people], days=2, capacity=4)
    assert len(result.items) == 6 and result.deferred == ()
    days = sorted((item.action.suggested_at - TUESDAY) // DAY for item in result.items)
    assert days == [0, 0, 0, 0, 1, 1]


def test_spread_many_calls_across_the_window_not_all_at_nine() -> None:
    people = [person(n) for n in range(100, 140)]
    result = plan([(p, fresh(p, MONDAY)) for p in people])
    suggested = [item.action.suggested_at for item in result.items]
    assert len(suggested) == 40
    assert len(set(suggested)) >= 30
    assert sum(1 for s in suggested if s == min(suggested)) <= 2


def test_r12_do_not_contact_is_counted_as_stopped_never_planned() -> None:
    gone = person(20)
    result = plan([(gone, history(gone, [touch(gone, Outcome.DO_NOT_CONTACT, NOON)]))])
    assert result.items == () and result.stopped == {"R12: do not contact": 1}


def test_r5_work_a_holiday_pushes_out_of_the_range_is_deferred_not_dropped() -> None:
    thanksgiving = datetime(2026, 11, 26, 5, 0, tzinfo=MONDAY.tzinfo)
    contact = person(21)
    result = build_plan(
        [(contact, fresh(contact, thanksgiving))],
        default,
        Policy(),
        thanksgiving,
        thanksgiving + DAY,
    )
    assert result.items == ()
    (deferred,) = result.deferred
    assert deferred.rule == "R5" and "Thanksgiving" in deferred.reason
    assert deferred.next_at is not None and deferred.next_at > thanksgiving + DAY


def test_r17_a_retry_pushed_to_another_weekday_is_deferred_with_r17() -> None:
    tuesday_caller = person(25)
    state = history(tuesday_caller, calls(tuesday_caller, [Outcome.NO_ANSWER], NOON - 6 * DAY, DAY))
    (deferred,) = plan([(tuesday_caller, state)]).deferred
    assert deferred.rule == "R17" and deferred.next_at is not None


def test_items_not_yet_due_are_left_out() -> None:
    later = person(22)
    result = plan([(later, fresh(later, TUESDAY + 3 * DAY))])
    assert result.items == () and result.deferred == ()


class LatestSlot:
    """A stand-in for R16's learned model: always prefers the last candidate."""

    def score_slots(
        self, contact: Contact, state: FollowUpState, candidates: Sequence[datetime]
    ) -> list[float]:
        return [float(i) for i in range(len(candidates))]


def test_r16_seam_a_timing_model_picks_the_moment_inside_the_window() -> None:
    contact = person(23)
    result = plan([(contact, fresh(contact, MONDAY))], timing=LatestSlot())
    action = result.items[0].action
    assert action.suggested_at == TUESDAY + 17 * HOUR + timedelta(minutes=15)  # 17:15 in New York


def test_plan_item_as_dict_is_the_public_contract() -> None:
    item = plan(one_of_each_tier()).items[1]
    data = item.as_dict()
    assert list(data) == [
        "contact_id",
        "name",
        "channel",
        "window_start",
        "window_end",
        "suggested_at",
        "timezone",
        "attempt",
        "tier",
        "on_voicemail",
        "template",
        "reason",
        "rules",
    ]
    assert data["tier"] == "promised" and data["on_voicemail"] == "leave"
    assert data["template"] == "call.promised"
    assert str(data["suggested_at"]).endswith("+00:00")


def test_the_plan_suggests_times_only_inside_the_clipped_window() -> None:
    for item in plan(one_of_each_tier()).items:
        action = item.action
        assert action.window_start <= action.suggested_at < action.window_end
        assert TUESDAY <= action.window_start and action.window_end <= TUESDAY + DAY


def test_a_replay_of_a_past_day_works_like_any_other() -> None:
    contact = person(24)
    past = TUESDAY - 400 * DAY
    state = replace(fresh(contact, past))
    result = build_plan([(contact, state)], default, Policy(), past, past + DAY)
    assert len(result.items) == 1


def test_a_contact_with_an_unknown_time_zone_is_deferred_with_the_error_not_dropped() -> None:
    broken = replace(person(26), timezone="Mars/Base", timezone_source="user")
    result = plan([(broken, fresh(broken, MONDAY)), (person(27), fresh(person(27), MONDAY))])
    assert [item.contact_id for item in result.items] == [27]
    (deferred,) = result.deferred
    assert deferred.contact_id == 26 and "Mars/Base" in deferred.reason
