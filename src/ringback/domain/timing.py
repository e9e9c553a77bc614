"""Picking the moment inside an allowed window (the seam for R16; R4, R17 today).

A `TimingModel` scores candidate instants for one contact; higher is better. The
guardrails have already decided which instants are allowed, so a model only
ranks them. `SpreadTiming`, the default until R16's learned answer rates arrive,
spreads contacts across the window (a stable per-contact position, so a day's
calls do not all land at 09:00), favours the contact's stated preferences (R4) and
stays away from the local hours and weekdays of earlier unanswered calls (R17).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

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
