"""Analytics aggregations: heatmap by contact-local time, Wilson intervals, call-back
rates per template variant, funnel and distributions — against hand-computed figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ringback.domain.analytics import (
    CallHour,
    Message,
    callback_rates,
    distribution,
    funnel,
    heatmap,
    wilson,
)

# Mon 2 Mar 2026 14:00 UTC is 09:00 in New York (EST) and 15:00 in Berlin (CET).
MON_14_UTC = datetime(2026, 3, 2, 14, tzinfo=UTC)


def cell(cells: list, weekday: int, hour: int):  # type: ignore[no-untyped-def]
    return cells[weekday * 24 + hour]


def test_heatmap_places_calls_at_each_contacts_local_weekday_and_hour() -> None:
    cells = heatmap(
        [
            CallHour("America/New_York", MON_14_UTC, 10, 3),
            CallHour("Europe/Berlin", MON_14_UTC, 4, 1),
            CallHour("America/New_York", MON_14_UTC - timedelta(days=7), 5, 2),  # still EST
        ]
    )
    assert len(cells) == 7 * 24
    new_york = cell(cells, 0, 9)
    assert (new_york.calls, new_york.answered) == (15, 5)
    assert new_york.rate == pytest.approx(5 / 15)
    assert (cell(cells, 0, 15).calls, cell(cells, 0, 15).answered) == (4, 1)
    assert cell(cells, 0, 14).calls == 0 and cell(cells, 0, 14).rate is None


def test_heatmap_follows_daylight_saving_time_on_the_date_of_the_call() -> None:
    # 13:00 UTC is 09:00 in New York after the DST change of 8 Mar 2026, 08:00 before.
    before = datetime(2026, 3, 6, 13, tzinfo=UTC)  # Friday
    after = datetime(2026, 3, 9, 13, tzinfo=UTC)  # Monday
    cells = heatmap(
        [CallHour("America/New_York", before, 1, 1), CallHour("America/New_York", after, 1, 0)]
    )
    assert cell(cells, 4, 8).calls == 1
    assert cell(cells, 0, 9).calls == 1


def test_heatmap_crosses_midnight_into_the_local_weekday() -> None:
    # Tue 03:00 UTC is Mon 22:00 in New York.
    cells = heatmap([CallHour("America/New_York", datetime(2026, 3, 3, 3, tzinfo=UTC), 2, 0)])
    assert cell(cells, 0, 22).calls == 2


def test_wilson_interval_matches_hand_computed_values() -> None:
    low, high = wilson(8, 20)
    assert low == pytest.approx(0.2188, abs=1e-4)
    assert high == pytest.approx(0.6134, abs=1e-4)
    assert wilson(0, 10)[0] == 0.0
    assert wilson(0, 10)[1] == pytest.approx(0.2775, abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)


def test_a_message_counts_as_called_back_only_before_the_next_message_and_within_the_window() -> (
    None
):
    day = timedelta(days=1)
    messages = [
        Message(1, MON_14_UTC, "vm.intro:a"),
        Message(1, MON_14_UTC + 3 * day, "vm.followup:a"),  # answered 1 day later
        Message(2, MON_14_UTC, "vm.intro:a"),  # answered after 20 days: too late
        Message(3, MON_14_UTC, "vm.intro:b"),  # answered 2 days later
        Message(4, MON_14_UTC, "vm.intro:b"),  # never answered
    ]
    answers = [
        (1, MON_14_UTC + 4 * day),
        (2, MON_14_UTC + 20 * day),
        (3, MON_14_UTC + 2 * day),
    ]
    rates = {r.template: r for r in callback_rates(messages, answers)}
    assert (rates["vm.intro:a"].sent, rates["vm.intro:a"].called_back) == (2, 0)
    assert (rates["vm.followup:a"].sent, rates["vm.followup:a"].called_back) == (1, 1)
    assert (rates["vm.intro:b"].sent, rates["vm.intro:b"].called_back) == (2, 1)
    assert rates["vm.intro:b"].rate == 0.5
    assert (rates["vm.intro:b"].low, rates["vm.intro:b"].high) == pytest.approx(wilson(1, 2))


def test_funnel_gives_conversion_from_previous_and_first_stage() -> None:
    stages = funnel([("new", 200), ("reached", 80), ("engaged", 40), ("won", 10)])
    assert [s.contacts for s in stages] == [200, 80, 40, 10]
    assert stages[0].of_previous is None
    assert stages[1].of_previous == pytest.approx(0.4)
    assert stages[3].of_previous == pytest.approx(0.25)
    assert stages[3].of_first == pytest.approx(0.05)
    assert funnel([("new", 0), ("reached", 0)])[1].of_first is None


def test_distribution_bars_mean_and_median() -> None:
    shape = distribution({1: 4, 2: 3, 3: 1, 12: 2})
    assert [b.contacts for b in shape.bars][:3] == [4, 3, 1]
    assert shape.bars[-1].label == "10+" and shape.bars[-1].contacts == 2
    assert shape.total == 10
    assert shape.mean == pytest.approx((4 + 6 + 3 + 24) / 10)
    assert shape.median == 2.0  # 5th and 6th values are both 2
    assert distribution({1: 1, 3: 1}).median == 2.0
    assert distribution({}).mean is None
