"""Two call times to propose (R4, R5, R9): inside the window, off holidays, clear of
appointments, on two days, right across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ringback.domain.clock import Span
from ringback.domain.guardrails import Intent, check
from ringback.domain.model import Channel, FollowUpState, Weekday
from ringback.domain.policy import Policy
from ringback.domain.slots import (
    DEFAULT_BUFFER,
    SlotOptions,
    SlotProposal,
    propose_slots,
)
from ringback.domain.trace import Effect
from tests.unit.domain.personas import alice, bernd, coastal, prefers, priya

POLICY = Policy()
CALL = Intent(Channel.CALL)
# Tuesday 24 November 2026, 08:00 in New York: Thanksgiving is on Thursday the 26th.
THANKSGIVING_WEEK = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
MONDAY_NY_9 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York


def local_starts(found: SlotProposal) -> list[datetime]:
    return [slot.local_start for slot in found.slots]


def allowed(contact: object, at: datetime) -> bool:
    return check(CALL, contact, FollowUpState(1), POLICY, at).allowed  # type: ignore[arg-type]


def test_two_times_on_two_days_in_business_hours_of_the_contacts_zone_r5_r9() -> None:
    found = propose_slots(alice(), POLICY, [], MONDAY_NY_9)

    assert len(found.slots) == 2
    assert found.timezone == "America/New_York"
    first, second = found.slots
    assert first.day != second.day
    for slot in found.slots:
        assert slot.start.utcoffset() == timedelta(0)
        assert slot.end - slot.start == timedelta(minutes=15)
        assert slot.local_start.weekday() < 5
        assert time(9) <= slot.local_start.time() and slot.local_end.time() <= time(17, 30)


def test_slots_start_at_least_the_lead_time_after_now() -> None:
    found = propose_slots(alice(), POLICY, [], MONDAY_NY_9, SlotOptions(lead=timedelta(hours=48)))

    assert all(slot.start >= MONDAY_NY_9 + timedelta(hours=48) for slot in found.slots)
    assert found.slots[0].local_start.date() == date(2026, 3, 4)


def test_the_second_time_is_in_another_part_of_the_day() -> None:
    found = propose_slots(alice(), POLICY, [], MONDAY_NY_9)

    assert [(s.local_start.strftime("%a %H:%M")) for s in found.slots] == ["Tue 10:00", "Wed 14:00"]
    assert found.slots[0].part != found.slots[1].part


def test_never_on_a_public_holiday_thanksgiving_r5() -> None:
    found = propose_slots(alice(), POLICY, [], THANKSGIVING_WEEK)

    days = [slot.day for slot in found.slots]
    assert date(2026, 11, 26) not in days
    assert days == [date(2026, 11, 25), date(2026, 11, 27)]
    holiday = [d for d in found.trace if "Thanksgiving" in d.message]
    assert holiday and holiday[0].rule == "R5"


def test_never_on_a_regional_holiday_of_the_contacts_subdivision_r5() -> None:
    # Epiphany (6 January 2027, a Wednesday) is a public holiday in Bavaria only.
    now = datetime(2027, 1, 5, 8, 0, tzinfo=UTC)  # Tuesday 09:00 in Munich

    found = propose_slots(bernd(), POLICY, [], now)

    assert date(2027, 1, 6) not in [slot.day for slot in found.slots]
    assert [slot.day for slot in found.slots] == [date(2027, 1, 7), date(2027, 1, 8)]


def test_never_overlaps_an_appointment_or_its_buffer_r9() -> None:
    # An appointment on Tuesday 09:45–10:15 New York time blocks 09:30–10:30.
    busy = [
        Span(datetime(2026, 3, 3, 14, 45, tzinfo=UTC), datetime(2026, 3, 3, 15, 15, tzinfo=UTC))
    ]

    found = propose_slots(alice(), POLICY, busy, MONDAY_NY_9)

    first = found.slots[0]
    assert first.local_start.strftime("%a %H:%M") == "Tue 10:30"
    for slot in found.slots:
        for span in busy:
            assert (
                slot.end <= span.start - DEFAULT_BUFFER or slot.start >= span.end + DEFAULT_BUFFER
            )
    assert any(d.rule == "R9" and "appointments" in d.message for d in found.trace)


def test_a_fully_booked_day_moves_the_time_to_the_next_free_day() -> None:
    tuesday = Span(datetime(2026, 3, 3, 13, 0, tzinfo=UTC), datetime(2026, 3, 3, 23, 0, tzinfo=UTC))

    found = propose_slots(alice(), POLICY, [tuesday], MONDAY_NY_9)

    assert [slot.day for slot in found.slots] == [date(2026, 3, 4), date(2026, 3, 5)]


def test_dst_end_in_berlin_keeps_the_local_time_and_shifts_utc() -> None:
    # Europe/Berlin leaves summer time on Sunday 25 October 2026.
    friday = datetime(2026, 10, 23, 12, 0, tzinfo=UTC)

    found = propose_slots(bernd(), POLICY, [], friday)

    first, second = found.slots
    assert first.local_start.strftime("%a %d %H:%M") == "Mon 26 10:00"
    assert first.start == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # CET, UTC+1
    assert second.local_start.strftime("%a %d %H:%M") == "Tue 27 14:00"
    assert second.start == datetime(2026, 10, 27, 13, 0, tzinfo=UTC)


def test_dst_start_in_new_york_keeps_the_local_time_and_shifts_utc() -> None:
    # America/New_York springs forward on Sunday 8 March 2026.
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)  # Friday 10:00 EST

    found = propose_slots(alice(), POLICY, [], friday)

    first = found.slots[0]
    assert first.local_start.strftime("%a %d %H:%M") == "Mon 09 10:00"
    assert first.start == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)  # EDT, UTC-4


def test_stated_preference_narrows_the_times_r4() -> None:
    contact = alice(preferred_windows=(prefers([Weekday.TUE, Weekday.THU], time(14), time(16)),))

    found = propose_slots(contact, POLICY, [], MONDAY_NY_9)

    assert [s.local_start.strftime("%a %H:%M") for s in found.slots] == ["Tue 14:00", "Thu 14:00"]
    assert any(d.rule == "R4" for d in found.trace)


def test_a_personal_contact_may_be_offered_a_saturday_r5() -> None:
    friday_noon = datetime(2026, 3, 6, 6, 30, tzinfo=UTC)  # Friday 12:00 in Bengaluru

    found = propose_slots(priya(), POLICY, [], friday_noon)

    assert [slot.local_start.weekday() for slot in found.slots] == [5, 0]  # Sat, then Mon


def test_a_half_hour_zone_gets_times_on_its_own_half_hours() -> None:
    found = propose_slots(priya(), POLICY, [], datetime(2026, 3, 2, 4, 7, tzinfo=UTC))

    for slot in found.slots:
        assert slot.local_start.minute in (0, 30)
        assert slot.start.minute in (0, 30)  # Asia/Kolkata is UTC+05:30


def test_an_unconfirmed_number_gets_times_inside_every_zones_window_r5() -> None:
    found = propose_slots(coastal(), POLICY, [], MONDAY_NY_9)

    for slot in found.slots:
        pacific = slot.start.astimezone(ZoneInfo("America/Los_Angeles"))
        assert pacific.time() >= time(9)
        assert slot.local_end.time() <= time(17, 30)


def test_one_free_day_gives_two_times_on_it_well_apart() -> None:
    rest = Span(MONDAY_NY_9 + timedelta(hours=15), MONDAY_NY_9 + timedelta(days=60))

    found = propose_slots(
        alice(), POLICY, [rest], MONDAY_NY_9, SlotOptions(lead=timedelta(hours=1))
    )

    first, second = found.slots
    assert first.day == second.day
    assert second.start - first.end >= timedelta(hours=2)
    assert any("only one day" in d.message for d in found.trace)


def test_no_free_time_is_refused_by_r5() -> None:
    everything = Span(MONDAY_NY_9, MONDAY_NY_9 + timedelta(days=60))

    found = propose_slots(alice(), POLICY, [everything], MONDAY_NY_9)

    assert found.slots == ()
    assert found.trace[-1].effect is Effect.REFUSED and found.trace[-1].rule == "R5"


def test_options_refuse_nonsense() -> None:
    with pytest.raises(ValueError):
        SlotOptions(duration=timedelta(0))
    with pytest.raises(ValueError):
        SlotOptions(count=0)


busy_spans = st.lists(
    st.tuples(st.integers(0, 14 * 24 * 4), st.integers(1, 16)).map(
        lambda t: Span(
            MONDAY_NY_9 + timedelta(minutes=15 * t[0]),
            MONDAY_NY_9 + timedelta(minutes=15 * (t[0] + t[1])),
        )
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(
    busy=busy_spans,
    offset=st.integers(0, 60 * 24 * 30),
    who=st.sampled_from([alice, bernd, priya, coastal]),
)
def test_whatever_the_calendar_slots_are_allowed_free_and_on_distinct_days(
    busy: list[Span], offset: int, who: object
) -> None:
    contact = who()  # type: ignore[operator]
    now = MONDAY_NY_9 + timedelta(minutes=offset)

    found = propose_slots(contact, POLICY, busy, now)

    assert found.slots, found.trace
    for slot in found.slots:
        assert slot.start >= now + timedelta(hours=24)
        assert allowed(contact, slot.start) and allowed(contact, slot.end - timedelta(seconds=1))
        for span in busy:
            assert (
                slot.end + DEFAULT_BUFFER <= span.start or slot.start >= span.end + DEFAULT_BUFFER
            )
    if len(found.slots) == 2:
        assert found.slots[0].start < found.slots[1].start
        assert found.slots[0].day != found.slots[1].day
