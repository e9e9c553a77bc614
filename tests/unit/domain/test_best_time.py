"""Best time to call strips (R16): per segment and local hour, the calls counted and
the planner's estimate; the best hour is the called one with the highest estimate."""

from __future__ import annotations

from ringback.domain.answer_rates import AnswerRates, Cell, Tally
from ringback.domain.best_time import EVERY_SEGMENT, NO_SEGMENT, best_time_strips, week_grid

COUNTS = {
    Cell("clinics", 0, 13): Tally(8, 10),
    Cell("clinics", 1, 13): Tally(2, 5),
    Cell("clinics", 0, 9): Tally(1, 10),
    Cell("", 2, 15): Tally(0, 4),
}


def test_nothing_to_show_before_any_call() -> None:
    assert best_time_strips({}) == []


def test_strips_sum_the_weekdays_of_each_hour_and_use_the_planners_estimate() -> None:
    everyone, clinics, unnamed = best_time_strips(COUNTS)
    assert [s.segment for s in (everyone, clinics, unnamed)] == [
        EVERY_SEGMENT,
        "clinics",
        NO_SEGMENT,
    ]
    assert len(clinics.hours) == 24 and clinics.calls == 25
    one = clinics.hours[13]
    assert (one.calls, one.answered) == (15, 10)
    assert one.estimate == AnswerRates(COUNTS).segment_hour("clinics", 13).mean
    assert everyone.hours[15].calls == 4 and everyone.calls == 29
    assert clinics.best is not None and clinics.best.hour == 13
    assert unnamed.best is not None and unnamed.best.hour == 15


def test_a_segment_filter_keeps_only_that_segment() -> None:
    (only,) = best_time_strips(COUNTS, "clinics")
    assert only.segment == "clinics"
    assert best_time_strips(COUNTS, "restaurants") == []


def test_the_week_grid_holds_the_planners_cell_estimates() -> None:
    grid = week_grid(COUNTS, "clinics")
    assert len(grid) == 7 * 24
    monday_13 = grid[0 * 24 + 13]
    assert (monday_13.calls, monday_13.answered) == (10, 8)
    assert monday_13.estimate == AnswerRates(COUNTS).cell(Cell("clinics", 0, 13)).mean
    everyone = week_grid(COUNTS)
    assert everyone[2 * 24 + 15].calls == 4  # the segment-less calls count for all
    assert everyone[1 * 24 + 13].estimate == AnswerRates(COUNTS).slot(1, 13).mean


def test_no_week_grid_for_a_segment_never_called() -> None:
    assert week_grid(COUNTS, "restaurants") == []
    assert week_grid({}) == []
