"""When the next touch is due, and in which tier (R1–R4, R11, R12, R18).

Pure arithmetic on the follow-up state, O(1): the planner's index (`next_due_at`)
and the plan's order both come from here, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from ringback.domain.cadence.spec import Cadence
from ringback.domain.model import FollowUpState, Outcome, Status

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
UNREACHABLE_OUTCOMES = frozenset({Outcome.WRONG_NUMBER, Outcome.DISCONNECTED, Outcome.BOUNCED})


class Tier(StrEnum):
    """R18 order of the day, highest first."""

    APPOINTMENT = "appointment"
    PROMISED = "promised"
    WARM = "warm"
    CADENCE = "cadence"
    COLD = "cold"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {tier: index for index, tier in enumerate(Tier)}


@dataclass(frozen=True)
class Due:
    """The next touch's earliest time, its tier, the rule that set it and why."""

    tier: Tier
    at: datetime
    rule: str
    why: str
    recycle: bool = False


def next_due(
    state: FollowUpState,
    cadence: Cadence,
    *,
    created_at: datetime | None = None,
    wait: timedelta | None = None,
) -> Due | None:
    """When the next touch is due; None after do-not-contact (R12).

    `wait` replaces the rhythm's wait (a step's own wait); `created_at` dates the
    first touch of a contact never touched.
    """
    if state.status is Status.DO_NOT_CONTACT:
        return None
    booked = booked_due(state)
    if booked is not None:
        return booked
    if state.status is Status.NOT_INTERESTED:
        return _recycle(state, cadence, "R12", "they said not now; a gentle check-in")
    if is_cold(state, cadence):
        return _recycle(state, cadence, "R11", "no response through the cadence; recycled")
    return cadence_due(state, cadence, created_at=created_at, wait=wait)


def booked_due(state: FollowUpState) -> Due | None:
    """An appointment (R3) or a promised call-back (R4), the earlier first."""
    appointment, promised = state.appointment_at, state.promised_at
    if appointment is not None and (promised is None or appointment <= promised):
        return Due(Tier.APPOINTMENT, appointment, "R3", "an appointment was booked for then")
    if promised is not None:
        return Due(Tier.PROMISED, promised, "R4", "they asked to be called back then")
    return None


def is_cold(state: FollowUpState, cadence: Cadence) -> bool:
    """R11 cold: the cadence ran its course without a response."""
    return state.status is Status.COLD or state.attempts >= cadence.cold_after_attempts


def _recycle(state: FollowUpState, cadence: Cadence, rule: str, why: str) -> Due:
    since = _recycle_anchor(state)
    days = cadence.recycle_after.days
    return Due(Tier.COLD, since + cadence.recycle_after, rule, f"{why} after {days} days", True)


def _recycle_anchor(state: FollowUpState) -> datetime:
    if state.status is Status.NOT_INTERESTED:
        return state.last_conversation_at or state.last_touch_at or EPOCH
    return state.last_outbound_at or state.last_touch_at or EPOCH


def cadence_due(
    state: FollowUpState,
    cadence: Cadence,
    *,
    created_at: datetime | None = None,
    wait: timedelta | None = None,
) -> Due:
    """R2 rhythm: first follow-up `first_wait` after the last conversation or first
    attempt, then every `then_wait`; right away after a wrong number or bounce (R12)."""
    anchor = _latest(state.last_outbound_at, state.last_response_at)
    if anchor is None:
        at = state.next_due_at or created_at or EPOCH
        return Due(Tier.CADENCE, at, "R1", "not contacted yet")
    unreachable = _unreachable_since(state, anchor)
    if unreachable is not None:
        return Due(_tier_at(state, cadence, unreachable), unreachable, "R12", _UNREACHABLE_WHY)
    chosen = rhythm_wait(state, cadence) if wait is None else wait
    at = anchor + chosen
    return Due(_tier_at(state, cadence, at), at, "R2", _rhythm_why(state, cadence, chosen))


_UNREACHABLE_WHY = "the last attempt hit a wrong number or a bounce; trying another way"


def rhythm_wait(state: FollowUpState, cadence: Cadence) -> timedelta:
    """`first_wait` for the first follow-up, `then_wait` after that (R2)."""
    follow_ups = state.attempts - (0 if state.last_response_at is not None else 1)
    return cadence.first_wait if follow_ups <= 0 else cadence.then_wait


def _rhythm_why(state: FollowUpState, cadence: Cadence, wait: timedelta) -> str:
    after = "the last conversation" if state.attempts == 0 else "the last attempt"
    return f"{_human(wait)} after {after}"


@lru_cache(maxsize=256)
def _human(wait: timedelta) -> str:
    if wait % timedelta(days=7) == timedelta(0) and wait:
        weeks = wait // timedelta(days=7)
        return "a week" if weeks == 1 else f"{weeks} weeks"
    if wait % timedelta(days=1) == timedelta(0):
        return "1 day" if wait.days == 1 else f"{wait.days} days"
    return f"{wait.total_seconds() / 3600:g} hours"


def _tier_at(state: FollowUpState, cadence: Cadence, at: datetime) -> Tier:
    return Tier.WARM if is_warm(state, cadence, at) else Tier.CADENCE


def is_warm(state: FollowUpState, cadence: Cadence, at: datetime) -> bool:
    """R11 warm: engaged (conversation, reply, call-back) within `warm_days` of `at`."""
    responded = state.last_response_at
    return responded is not None and at - responded <= cadence.warm_for


def _unreachable_since(state: FollowUpState, anchor: datetime) -> datetime | None:
    if not state.recent:
        return None
    last = max(state.recent, key=lambda r: r.at)
    if last.outcome in UNREACHABLE_OUTCOMES and last.at >= anchor:
        return last.at
    return None


def _latest(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None or second is None:
        return first or second
    return first if first >= second else second


def fresh_round(state: FollowUpState) -> FollowUpState:
    """The counters of a new round, for a recycled cold or not-now contact (R11, R12)."""
    return replace(
        state,
        attempts=0,
        calls_unanswered_in_row=0,
        silent_calls_in_row=0,
        voicemails_unanswered=0,
        emails_unanswered=0,
        letters_unanswered=0,
    )
