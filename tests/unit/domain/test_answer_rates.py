"""R16: answer-rate estimates, smoothing, Thompson sampling and per-contact evidence."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from ringback.domain.answer_rates import (
    AnswerRates,
    Cell,
    Tally,
    cell_of,
    contact_evidence,
    fold,
    is_answered,
)
from ringback.domain.cadence import DEFAULT_CADENCE, next_action, next_due
from ringback.domain.clock import Span, zone
from ringback.domain.model import Channel, Direction, Outcome, Touch
from ringback.domain.planner import build_plan
from ringback.domain.policy import Policy
from ringback.domain.timing import LearnedTiming, best_slot, candidate_slots
from tests.unit.domain.personas import DAY, HOUR, MONDAY, alice, fresh, history, touch

# A known answer curve by local hour: people pick up before work and at lunch.
TRUE_CURVE = {9: 0.15, 10: 0.1, 11: 0.2, 12: 0.55, 13: 0.4, 14: 0.15, 15: 0.2, 16: 0.3}


def synthetic_counts(calls_per_cell: int, seed: int = 7) -> dict[Cell, Tally]:
    rng = random.Random(seed)
    observations = [
        (Cell("dental", weekday, hour), rng.random() < rate)
        for weekday in range(5)
        for hour, rate in TRUE_CURVE.items()
        for _ in range(calls_per_cell)
    ]
    return fold({}, observations)


def test_r16_posterior_means_recover_a_known_hour_curve() -> None:
    rates = AnswerRates(synthetic_counts(calls_per_cell=200))
    for weekday in range(5):
        means = {h: rates.cell(Cell("dental", weekday, h)).mean for h in TRUE_CURVE}
        for hour, rate in TRUE_CURVE.items():
            assert abs(means[hour] - rate) < 0.08, (weekday, hour, means[hour], rate)
        assert max(means, key=lambda h: means[h]) == 12


def test_r16_hour_only_group_recovers_the_curve_across_weekdays() -> None:
    rates = AnswerRates(synthetic_counts(calls_per_cell=200))
    for hour, rate in TRUE_CURVE.items():
        assert abs(rates.hour(hour).mean - rate) < 0.05


def test_r16_a_sparse_cell_borrows_from_the_wider_groups() -> None:
    counts = synthetic_counts(calls_per_cell=100)
    # One lucky call in another segment at 10:00 (true rate 0.1) must not read as 100%.
    counts = fold(counts, [(Cell("law firms", 1, 10), True)])
    rates = AnswerRates(counts)
    sparse = rates.cell(Cell("law firms", 1, 10)).mean
    assert sparse < 0.25
    # And a segment never seen takes the all-segments rate at that slot.
    unseen = rates.cell(Cell("bakeries", 1, 12)).mean
    assert abs(unseen - rates.slot(1, 12).mean) < 1e-9
    assert unseen > 0.4


def test_r16_a_well_known_cell_speaks_for_itself() -> None:
    counts = synthetic_counts(calls_per_cell=100)
    counts = fold(counts, [(Cell("night shift", 2, 10), True)] * 160)
    counts = fold(counts, [(Cell("night shift", 2, 10), False)] * 40)
    assert AnswerRates(counts).cell(Cell("night shift", 2, 10)).mean > 0.75


def test_r16_an_empty_hour_is_shrunk_to_the_overall_rate() -> None:
    rates = AnswerRates(synthetic_counts(calls_per_cell=50))
    assert abs(rates.hour(19).mean - rates.overall.mean) < 1e-9
    assert not AnswerRates({}).has_evidence


def test_r16_fold_in_parts_equals_folding_everything_at_once() -> None:
    rng = random.Random(3)
    observations = [
        (Cell(rng.choice("ab"), rng.randrange(5), rng.randrange(9, 17)), rng.random() < 0.3)
        for _ in range(500)
    ]
    whole = fold({}, observations)
    parts = fold(fold({}, observations[:123]), observations[123:])
    assert parts == whole


def test_only_outbound_calls_with_a_telling_outcome_count() -> None:
    contact = alice()
    assert is_answered(touch(contact, Outcome.CONNECTED, MONDAY)) is True
    assert is_answered(touch(contact, Outcome.VOICEMAIL_LEFT, MONDAY)) is False
    assert is_answered(touch(contact, Outcome.WRONG_NUMBER, MONDAY)) is None
    assert is_answered(touch(contact, Outcome.SENT, MONDAY, Channel.EMAIL)) is None
    inbound = Touch(1, Channel.CALL, Outcome.CALLBACK_RECEIVED, MONDAY, Direction.INBOUND)
    assert is_answered(inbound) is None


def test_cells_use_the_contacts_local_weekday_and_hour() -> None:
    # Monday 05:00 UTC is Monday 00:00 in New York and 06:00 in Berlin.
    assert cell_of(MONDAY, "America/New_York", None) == Cell("", 0, 0)
    assert cell_of(MONDAY - HOUR, "America/New_York", "x") == Cell("x", 6, 23)
    assert cell_of(MONDAY, "Europe/Berlin", "x") == Cell("x", 0, 6)


def _tuesday_window() -> Span:
    start = MONDAY + DAY + 9 * HOUR  # Tue 09:00 New York
    return Span(start, start + 8 * HOUR)


def test_r16_thompson_sampling_exploits_strong_evidence() -> None:
    contact = alice(segment="dental")
    rates = AnswerRates(synthetic_counts(calls_per_cell=300))
    timing = LearnedTiming(rates, random.Random(1))
    hours = Counter(
        best_slot(timing, contact, fresh(contact), _tuesday_window())[0].astimezone(_zone()).hour
        for _ in range(200)
    )
    assert hours[12] > 180


def test_r16_thompson_sampling_explores_a_slot_it_knows_little_about() -> None:
    contact = alice(segment="dental")
    counts = {
        Cell("dental", 1, hour): Tally(30, 100) for hour in range(9, 17) if hour != 15
    }  # 15:00 has never been tried
    timing = LearnedTiming(AnswerRates(counts), random.Random(2))
    hours = Counter(
        best_slot(timing, contact, fresh(contact), _tuesday_window())[0].astimezone(_zone()).hour
        for _ in range(300)
    )
    assert hours[15] >= 10  # the unknown hour wins some draws
    assert hours[15] < 200  # but not all: the known ones are as good on average


def test_r16_thompson_draws_are_repeatable_with_a_seed() -> None:
    contact = alice(segment="dental")
    rates = AnswerRates(synthetic_counts(calls_per_cell=5))
    slots = candidate_slots(_tuesday_window())
    first = LearnedTiming(rates, random.Random(9)).score_slots(contact, fresh(contact), slots)
    again = LearnedTiming(rates, random.Random(9)).score_slots(contact, fresh(contact), slots)
    assert first == again


def test_r16_per_contact_evidence_wins_a_contact_who_answered_at_8_30_gets_8_30() -> None:
    contact = alice(segment="dental")
    tuesday_8_30 = MONDAY + DAY + timedelta(hours=8, minutes=30)  # New York
    own = [
        touch(contact, Outcome.CONNECTED, tuesday_8_30 - 7 * DAY),
        touch(contact, Outcome.CONNECTED, tuesday_8_30 - 14 * DAY),
    ]
    evidence = {1: contact_evidence(own, contact.timezone)}
    rates = AnswerRates(synthetic_counts(calls_per_cell=300))  # the segment likes noon
    timing = LearnedTiming(rates, random.Random(4), evidence)
    window = Span(tuesday_8_30 - timedelta(minutes=30), tuesday_8_30 + 9 * HOUR)
    picks = Counter(
        best_slot(timing, contact, fresh(contact), window)[0].astimezone(_zone()).strftime("%H:%M")
        for _ in range(100)
    )
    assert picks["08:30"] > 50


def test_r16_plan_item_why_says_the_estimated_answer_rate() -> None:
    contact = alice(segment="dental")
    rates = AnswerRates(synthetic_counts(calls_per_cell=300))
    timing = LearnedTiming(rates, random.Random(5))
    start = MONDAY + DAY
    plan = build_plan(
        [(contact, fresh(contact))],
        lambda _: DEFAULT_CADENCE,
        Policy(),
        start,
        start + DAY,
        timing=timing,
    )
    (item,) = plan.items
    assert "R16" in item.action.reason
    assert "% of calls answered" in item.action.reason
    assert item.action.suggested_at.astimezone(_zone()).hour == 12
    assert "about 5" in item.action.reason  # ~55% at noon


def _zone() -> ZoneInfo:
    return zone("America/New_York")


def test_r16_the_learned_model_may_use_the_morning_of_the_day_work_falls_due() -> None:
    contact = alice(segment="dental")
    friday_3pm = MONDAY - 3 * DAY + 15 * HOUR  # Fri 27 Feb, 15:00 New York
    state = history(contact, [touch(contact, Outcome.NO_ANSWER, friday_3pm)])
    due = next_due(state, DEFAULT_CADENCE, created_at=contact.created_at)
    assert due is not None and due.at.astimezone(_zone()).hour == 15  # R2: 3 days later
    spread = next_action(DEFAULT_CADENCE, contact, state, Policy(), MONDAY)
    assert spread is not None and spread.window_start.astimezone(_zone()).hour == 15
    timing = LearnedTiming(AnswerRates(synthetic_counts(300)), random.Random(6))
    learned = next_action(DEFAULT_CADENCE, contact, state, Policy(), MONDAY, timing=timing)
    assert learned is not None
    assert learned.suggested_at.astimezone(_zone()).hour == 12  # the best hour, same day
    assert learned.suggested_at.date() == due.at.date()


def test_r16_a_segments_own_hour_curve_shows_through_sparse_weekday_cells() -> None:
    # Many calls from a segment that answers mid-morning, few from one that answers at noon.
    rng = random.Random(12)
    morning = {10: 0.5, 12: 0.1}
    noon = {10: 0.1, 12: 0.5}
    observations = [
        (Cell(name, weekday, hour), rng.random() < curve[hour])
        for name, curve, calls in (("offices", morning, 200), ("clinics", noon, 8))
        for weekday in range(5)
        for hour in curve
        for _ in range(calls)
    ]
    rates = AnswerRates(fold({}, observations))
    for weekday in range(5):
        assert (
            rates.cell(Cell("clinics", weekday, 12)).mean
            > rates.cell(Cell("clinics", weekday, 10)).mean
        )
