"""The pages' time and phone helpers: two clocks, zone badges, tel: links (R5)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ringback.web.formatting import (
    datetime_local_value,
    local_time,
    outcome_label,
    phone_display,
    short_zone,
    tel_href,
    utc_offset,
    zone_abbreviation,
)
from ringback.web.pages.common import day_of, parse_local_input

WINTER = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 7, 15, 0, tzinfo=UTC)


def test_times_are_shown_on_the_contact_s_clock_with_its_badge() -> None:
    assert local_time(WINTER, "America/New_York") == "Tue 03 Mar 10:00"
    assert zone_abbreviation("America/New_York", WINTER) == "EST"
    assert zone_abbreviation("America/New_York", SUMMER) == "EDT"
    assert utc_offset("America/New_York", WINTER) == "UTC\u221205:00"
    assert utc_offset("Asia/Kolkata", WINTER) == "UTC+05:30"
    assert utc_offset("UTC", WINTER) == "UTC\u00b100:00"
    assert short_zone("America/Argentina/Buenos_Aires") == "Buenos Aires"


def test_numbers_are_dialable_links_and_readable_text() -> None:
    assert tel_href("+12125550142") == "tel:+12125550142"
    assert phone_display("+12125550142") == "+1 212-555-0142"
    assert phone_display("not a number") == "not a number"


def test_outcomes_read_as_words() -> None:
    assert outcome_label("voicemail_left") == "Voicemail left"
    assert outcome_label("something_new") == "something_new"


def test_a_time_typed_in_a_form_is_read_on_the_chosen_clock() -> None:
    assert parse_local_input("2026-03-10T14:00", "America/New_York", "next_at") == datetime(
        2026, 3, 10, 18, 0, tzinfo=UTC
    )
    assert datetime_local_value(SUMMER, "Europe/Berlin") == "2026-07-07T17:00"


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01T10:00", "0999-01-01T10:00"])
def test_an_unreadable_time_names_its_field(text: str) -> None:
    with pytest.raises(ValueError, match="next_at"):
        parse_local_input(text, "UTC", "next_at")


def test_the_user_s_day_runs_from_local_midnight_even_across_dst() -> None:
    start, end = day_of(datetime(2026, 3, 29, 12, 0, tzinfo=UTC), "Europe/Berlin")
    assert start == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # a 23-hour day
