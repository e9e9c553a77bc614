"""touch_from_record: a dialer's row (any common spelling) → a Touch, or the field at fault."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ringback.domain.errors import InvalidField
from ringback.domain.model import Channel, Direction, Outcome
from ringback.domain.touch_input import touch_from_record


def test_dialer_row_becomes_a_touch() -> None:
    reference, touch = touch_from_record(
        {
            "Phone Number": "+1 415 555 0100",
            "Disposition": "No Answer",
            "Start Time": "2026-03-02T14:05:00Z",
            "Duration": "0:35",
            "Call ID": "CA123",
            "Agent": "bob",
            "Notes": "rang out",
        }
    )
    assert reference == "+1 415 555 0100"
    assert (touch.channel, touch.outcome, touch.direction) == (
        Channel.CALL,
        Outcome.NO_ANSWER,
        Direction.OUTBOUND,
    )
    assert touch.at == datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    assert (touch.duration_s, touch.external_id, touch.user, touch.notes) == (
        35,
        "CA123",
        "bob",
        "rang out",
    )


def test_time_without_offset_is_read_in_the_given_zone() -> None:
    _, touch = touch_from_record(
        {"contact": "7", "outcome": "sent", "channel": "email", "at": "2026-03-02 09:00"},
        default_zone="Europe/Berlin",
    )
    assert touch.at == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_aliases_for_outcomes_and_directions() -> None:
    _, touch = touch_from_record(
        {"contact": "7", "status": "completed", "direction": "incoming", "at": "2026-03-02T09:00Z"}
    )
    assert (touch.outcome, touch.direction) == (Outcome.CONNECTED, Direction.INBOUND)


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"outcome": "busy", "at": "2026-03-02T09:00Z"}, "contact"),
        ({"contact": "7", "at": "2026-03-02T09:00Z"}, "outcome"),
        ({"contact": "7", "outcome": "ghosted", "at": "2026-03-02T09:00Z"}, "outcome"),
        ({"contact": "7", "outcome": "busy", "channel": "pigeon", "at": "2026-03-02"}, "channel"),
        ({"contact": "7", "outcome": "busy", "at": "yesterday"}, "at"),
        ({"contact": "7", "outcome": "busy"}, "at"),
        ({"contact": "7", "outcome": "busy", "at": "2026-03-02", "duration": "long"}, "duration"),
        ({"contact": "7", "outcome": "busy", "at": "2026-03-02", "direction": "up"}, "direction"),
    ],
)
def test_bad_fields_are_named_with_the_row(record: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        touch_from_record(record, row=9)
    assert (refused.value.field, refused.value.row) == (field, 9)
