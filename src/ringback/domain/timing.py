"""Picking the moment inside an allowed window (the seam for R16; R4, R17 today).

A `TimingModel` scores candidate instants for one contact; higher is better. The
guardrails have already decided which instants are allowed, so a model only
ranks them. `SpreadTiming`, the default until R16's learned answer rates arrive,
spreads contacts across the window (a stable per-contact position, so a day's
calls do not all land at 09:00), favours the contact's stated preferences (R4) and
stays away from the local hours and weekdays of earlier unanswered calls (R17).
`LearnedTiming` (R16) ranks the slots by answer rates learned from logged calls
(domain/answer_rates.py), drawing from their posteriors (Thompson sampling) so a
little-known slot still gets tried now and then.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from ringback.domain.answer_rates import (
    AnswerRates,
    Beta,
    Cell,
    ContactEvidence,
    cell_of,
    for_contact,
)
from ringback.domain.clock import Span, local
from ringback.domain.hours import from_preferences
from ringback.domain.model import (
    UNANSWERED_CALL_OUTCOMES,
    Channel,
    Contact,
    FollowUpState,
)

SLOT_STEP = timedelta(minutes=15)
MAX_CANDIDATES = 96
GOLDEN_STEP = 0.381966


class TimingModel(Protocol):
    def score_slots(
        self, contact: Contact, state: FollowUpState, candidates: Sequence[datetime]
    ) -> list[float]:
        """One score per candidate (UTC instants inside allowed windows); higher is better."""
        ...


@runtime_checkable
class ExplainsSlots(Protocol):
    def slot_note(self, contact: Contact, state: FollowUpState, at: datetime) -> str:
        """A short sentence on why `at` was chosen, for the plan item's why text."""
        ...


def plans_whole_days(model: TimingModel) -> bool:
    """Whether `model` ranks every hour of the day the work is due (R16) rather than
    only the hours after the due time (the rhythm counts from the last touch)."""
    return getattr(model, "whole_days", False) is True


def candidate_slots(span: Span, step: timedelta = SLOT_STEP) -> list[datetime]:
    """The span's start, then every `step` on the quarter hour, up to MAX_CANDIDATES."""
    slots = [span.start]
    moment = _next_quarter(span.start, step)
    while moment < span.end and len(slots) < MAX_CANDIDATES:
        slots.append(moment)
        moment += step
    return slots


def _next_quarter(at: datetime, step: timedelta) -> datetime:
    seconds = step.total_seconds()
    epoch_seconds = at.timestamp()
    rounded = (epoch_seconds // seconds + 1) * seconds
    return at + timedelta(seconds=rounded - epoch_seconds)


def unanswered_call_times(state: FollowUpState) -> list[datetime]:
    """Instants of earlier unanswered calls (R17), from the recent touches and last call."""
    times = [
        r.at
        for r in state.recent
        if r.channel is Channel.CALL and r.outcome in UNANSWERED_CALL_OUTCOMES
    ]
    if state.never_answered and state.last_call_at is not None:
        times.append(state.last_call_at)
    return times


class SpreadTiming:
    """The default model: spread, prefer stated windows, avoid silent hours (R4, R17)."""

    preference_bonus = 0.25
    silent_hour_penalty = 0.5

    def score_slots(
        self, contact: Contact, state: FollowUpState, candidates: Sequence[datetime]
    ) -> list[float]:
        target = _target(contact, state)
        last = max(len(candidates) - 1, 1)
        silent_hours = {local(t, contact.timezone).hour for t in unanswered_call_times(state)}
        preferred = from_preferences(contact.preferred_windows)
        scores = []
        for index, moment in enumerate(candidates):
            wall = local(moment, contact.timezone)
            score = 1.0 - abs(index / last - target)
            if preferred.contains(wall.weekday(), wall.time()):
                score += self.preference_bonus
            if wall.hour in silent_hours:
                score -= self.silent_hour_penalty
            scores.append(score)
        return scores


def _target(contact: Contact, state: FollowUpState) -> float:
    """Where in the window to aim: a stable spot per contact, shifted by a golden-ratio
    step per attempt while the number has never answered (R17: another time of day)."""
    base = _stable_fraction(contact)
    if not state.never_answered:
        return base
    return (base + GOLDEN_STEP * state.attempts) % 1.0


def _stable_fraction(contact: Contact) -> float:
    """A position in [0, 1) that is the same for a contact on every run."""
    key = str(contact.id) if contact.id is not None else contact.full_name
    return (zlib.crc32(key.encode()) % 1000) / 1000


def best_slot(
    model: TimingModel, contact: Contact, state: FollowUpState, span: Span
) -> tuple[datetime, float]:
    """The best-scoring candidate instant of `span`, with its score."""
    candidates = candidate_slots(span)
    scores = model.score_slots(contact, state, candidates)
    index = max(range(len(candidates)), key=lambda i: (scores[i], -i))
    return candidates[index], scores[index]


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class LearnedTiming:
    """R16: pick slots by answer rates learned from logged calls (Thompson sampling).

    Each call to `score_slots` draws one answer rate per local hour from the
    contact's posterior (its segment's cell, with its own calls layered on top) and
    scores the slots by the draw: a well-known good hour wins most draws, an hour
    with little evidence has a wide posterior and wins some. `rng` is passed in
    (seeded), so plans are repeatable. Stated preferences (R4) and the hours of
    earlier unanswered calls to a never-answering number (R17) weigh as in
    SpreadTiming. `scale` turns a draw into a score: with the planner's load penalty
    of 0.4 per call already in a quarter hour, a slot one call busier must answer
    0.4 / scale (4 points) more often to win.
    """

    scale = 10.0
    whole_days = True
    minute_bonus = 0.05

    def __init__(
        self,
        rates: AnswerRates,
        rng: random.Random,
        evidence: Mapping[int, ContactEvidence] | None = None,
    ) -> None:
        self.rates, self.rng = rates, rng
        self.evidence = evidence or {}

    def posterior(self, contact: Contact, at: datetime) -> Beta:
        """The contact's answer-rate posterior at the local weekday and hour of `at`."""
        cell = cell_of(at, contact.timezone, contact.segment)
        return self._posterior(contact, cell)

    def _posterior(self, contact: Contact, cell: Cell) -> Beta:
        own = self.evidence.get(contact.id) if contact.id is not None else None
        return for_contact(self.rates.cell(cell), own, cell.hour)

    def score_slots(
        self, contact: Contact, state: FollowUpState, candidates: Sequence[datetime]
    ) -> list[float]:
        walls = [local(t, contact.timezone) for t in candidates]
        silent = {local(t, contact.timezone).hour for t in unanswered_call_times(state)}
        preferred = from_preferences(contact.preferred_windows)
        own = self.evidence.get(contact.id) if contact.id is not None else None
        draws: dict[tuple[int, int], float] = {}
        scores = []
        for wall in walls:
            key = (wall.weekday(), wall.hour)
            if key not in draws:
                cell = Cell(contact.segment or "", *key)
                draws[key] = self.rng.betavariate(*self._posterior(contact, cell))
            score = self.scale * draws[key]
            if own is not None and wall.hour in own.answered_minute:
                gap = abs(wall.minute - own.answered_minute[wall.hour])
                score += self.minute_bonus * (1 - gap / 60)
            if preferred.contains(wall.weekday(), wall.time()):
                score += SpreadTiming.preference_bonus
            if wall.hour in silent:
                score -= SpreadTiming.silent_hour_penalty
            scores.append(score)
        return scores

    def slot_note(self, contact: Contact, state: FollowUpState, at: datetime) -> str:
        """R16: the estimated answer rate of the chosen slot, in the contact's time."""
        wall = local(at, contact.timezone)
        estimate = self.posterior(contact, at).mean
        return (
            f"Best time (R16): about {estimate:.0%} of calls answered on "
            f"{_WEEKDAYS[wall.weekday()]} {wall.hour:02d}:00–{wall.hour:02d}:59 their time."
        )
