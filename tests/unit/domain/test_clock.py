"""R5: calling windows in the contact's local time, DST-safe, with holidays and overlaps."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from ringback.domain.clock import (
    Span,
    WindowProfile,
    day_windows,
    first_span_from,
    holiday_name,
    intersect_spans,
    wall_to_utc,
    zone,
)
from ringback.domain.errors import InvalidField
from ringback.domain.hours import (
    BUSINESS_HOURS,
    HARD_BOUND,
    PERSONAL_HOURS,
    DayRange,
    WeeklyHours,
    describe,
)

NEW_YORK = zone("America/New_York")
BERLIN = zone("Europe/Berlin")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def profile(
    *zones: str,
    hours: WeeklyHours = BUSINESS_HOURS,
    country: str | None = None,
    subdivision: str | None = None,
) -> WindowProfile:
    return WindowProfile(zones, hours, country, subdivision)


def test_r5_business_window_is_0900_to_1730_in_new_york() -> None:
    windows = day_windows(profile("America/New_York"), date(2026, 3, 2))
    assert windows.spans == (Span(utc(2026, 3, 2, 14), utc(2026, 3, 2, 22, 30)),)


def test_r5_personal_window_is_mon_to_sat_0900_to_2000() -> None:
    assert describe(PERSONAL_HOURS) == "Mon–Sat 09:00–20:00"
    saturday = day_windows(profile("Europe/Berlin", hours=PERSONAL_HOURS), date(2026, 3, 7))
    assert saturday.spans == (Span(utc(2026, 3, 7, 8), utc(2026, 3, 7, 19)),)


def test_r5_weekend_is_closed_for_business_contacts() -> None:
    assert day_windows(profile("America/New_York"), date(2026, 3, 7)).spans == ()


def test_r5_window_follows_local_wall_time_across_the_us_dst_change() -> None:
    before = day_windows(profile("America/New_York"), date(2026, 3, 6)).spans[0]
    after = day_windows(profile("America/New_York"), date(2026, 3, 9)).spans[0]
    assert before.start == utc(2026, 3, 6, 14)  # 09:00 EST
    assert after.start == utc(2026, 3, 9, 13)  # 09:00 EDT


def test_r5_window_follows_local_wall_time_across_the_eu_dst_change() -> None:
    before = day_windows(profile("Europe/Berlin"), date(2026, 10, 23)).spans[0]
    after = day_windows(profile("Europe/Berlin"), date(2026, 10, 26)).spans[0]
    assert before.start == utc(2026, 10, 23, 7)  # 09:00 CEST
    assert after.start == utc(2026, 10, 26, 8)  # 09:00 CET


def test_r5_hard_bound_on_the_spring_forward_day_is_08_to_21_local() -> None:
    span = day_windows(profile("America/New_York", hours=HARD_BOUND), date(2026, 3, 8)).spans[0]
    assert span == Span(utc(2026, 3, 8, 12), utc(2026, 3, 9, 1))


def test_r5_a_start_in_the_skipped_hour_moves_later_and_an_end_earlier() -> None:
    start = wall_to_utc(date(2026, 3, 8), time(2, 30), NEW_YORK, is_start=True)
    end = wall_to_utc(date(2026, 3, 8), time(2, 30), NEW_YORK, is_start=False)
    assert start.astimezone(NEW_YORK).time() >= time(2, 30)
    assert end.astimezone(NEW_YORK).time() <= time(2, 30)
    assert end < start


def test_r5_a_start_in_the_repeated_hour_takes_its_second_occurrence() -> None:
    start = wall_to_utc(date(2026, 11, 1), time(1, 30), NEW_YORK, is_start=True)
    end = wall_to_utc(date(2026, 11, 1), time(1, 30), NEW_YORK, is_start=False)
    assert start == utc(2026, 11, 1, 6, 30)  # 01:30 EST, after the clocks went back
    assert end == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, the first time round


def test_r5_public_holiday_closes_the_day_and_is_named() -> None:
    windows = day_windows(
        profile("America/New_York", country="US", subdivision="NY"), date(2026, 11, 26)
    )
    assert windows.spans == ()
    assert windows.note is not None
    assert "Thanksgiving" in windows.note.message


def test_r5_holidays_of_the_subdivision_apply() -> None:
    epiphany = date(2026, 1, 6)
    assert holiday_name(epiphany, "DE", "BY") == "Epiphany"
    assert holiday_name(epiphany, "DE", "BE") is None
    assert (
        day_windows(profile("Europe/Berlin", country="DE", subdivision="BY"), epiphany).spans == ()
    )
    assert day_windows(profile("Europe/Berlin", country="DE", subdivision="BE"), epiphany).spans


def test_r5_unknown_country_or_subdivision_means_no_holidays_not_an_error() -> None:
    assert holiday_name(date(2026, 12, 25), "XX") is None
    assert holiday_name(date(2026, 12, 25), "DE", "ZZ") == "Christmas Day"


def test_r5_ambiguous_number_is_planned_in_the_overlap_of_its_zones() -> None:
    both = profile("America/New_York", "America/Los_Angeles")
    assert day_windows(both, date(2026, 3, 2)).spans == (
        Span(utc(2026, 3, 2, 17), utc(2026, 3, 2, 22, 30)),  # 09:00 LA to 17:30 NY
    )


def test_r5_toll_free_number_with_no_overlap_plans_nothing_and_says_why() -> None:
    from tests.unit.domain.personas import tolliver

    many = profile(*tolliver().timezone_candidates)
    windows = day_windows(many, date(2026, 3, 2))
    assert windows.spans == ()
    assert windows.note is not None and "42 time zones" in windows.note.message
    found = first_span_from(many, utc(2026, 3, 2), utc(2026, 4, 30))
    assert found.span is None
    assert len(found.notes) == 1  # one summary, not one note per day


def test_first_span_from_skips_avoided_weekdays() -> None:
    monday = utc(2026, 3, 2, 5)
    found = first_span_from(profile("America/New_York"), monday, utc(2026, 3, 20), frozenset({0}))
    assert found.span is not None and found.span.start == utc(2026, 3, 3, 14)


def test_unknown_time_zone_is_an_invalid_field() -> None:
    with pytest.raises(InvalidField) as bad:
        zone("Mars/Olympus_Mons")
    assert bad.value.field == "timezone"


def test_weekly_hours_merge_overlapping_ranges_and_drop_empty_ones() -> None:
    hours = WeeklyHours.of(
        [
            DayRange(0, time(9), time(12)),
            DayRange(0, time(11), time(14)),
            DayRange(1, time(9), time(9)),
        ]
    )
    assert hours.ranges == (DayRange(0, time(9), time(14)),)


def test_r5_configured_hours_are_clipped_to_the_hard_bound() -> None:
    wide = WeeklyHours.every(range(7), time(6), time(23))
    assert wide.intersect(HARD_BOUND) == HARD_BOUND


def test_intersect_spans_keeps_only_common_parts() -> None:
    a = (
        Span(utc(2026, 1, 1, 9), utc(2026, 1, 1, 12)),
        Span(utc(2026, 1, 1, 14), utc(2026, 1, 1, 18)),
    )
    b = (Span(utc(2026, 1, 1, 11), utc(2026, 1, 1, 15)),)
    assert intersect_spans(a, b) == (
        Span(utc(2026, 1, 1, 11), utc(2026, 1, 1, 12)),
        Span(utc(2026, 1, 1, 14), utc(2026, 1, 1, 15)),
    )
