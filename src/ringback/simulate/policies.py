"""The follow-up policies compared: the same engine, different cadences and timing.

- call-once: one call, then give up (the habit R1 argues against);
- fixed-time: a call every weekday at 10:00 the contact's time, no other channel;
- fixed-cadence: the default cadence (R1–R14) with the default spreading timing;
- learning: the default cadence with the R16 model learned from the calls so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from ringback.domain.cadence import DEFAULT_CADENCE, Cadence, Condition, Step
from ringback.domain.clock import local
from ringback.domain.model import Channel, Contact, FollowUpState
from ringback.domain.timing import SpreadTiming, TimingModel

C = Condition
WEEKDAY_CALLS = replace(
    DEFAULT_CADENCE,
    key="weekday-calls",
    name="A call every weekday",
    steps=(
        Step(Channel.CALL, "call.intro", (C.HAS_PHONE, C.FIRST_ATTEMPT)),
        Step(Channel.CALL, "call.followup", (C.HAS_PHONE,)),
    ),
    first_wait=timedelta(days=1),
    then_wait=timedelta(days=1),
    cold_after_attempts=1000,
)


class FixedTiming:
    """Every call as near as possible to one local time of day."""

    def __init__(self, at: time) -> None:
        self.minutes = at.hour * 60 + at.minute

    def score_slots(
        self, contact: Contact, state: FollowUpState, candidates: Sequence[datetime]
    ) -> list[float]:
        walls = [local(t, contact.timezone) for t in candidates]
        return [-abs(w.hour * 60 + w.minute - self.minutes) / 60 for w in walls]


@dataclass(frozen=True)
class SimPolicy:
    name: str
    cadence: Cadence
    learns: bool = False
    give_up_after: int | None = None  # attempts after which the caller stops
    fixed_at: time | None = None

    def timing(self) -> TimingModel:
        if self.fixed_at is not None:
            return FixedTiming(self.fixed_at)
        return SpreadTiming()


POLICIES = {
    "call-once": SimPolicy("call-once", DEFAULT_CADENCE, give_up_after=1),
    "fixed-time": SimPolicy("fixed-time", WEEKDAY_CALLS, fixed_at=time(10)),
    "fixed-cadence": SimPolicy("fixed-cadence", DEFAULT_CADENCE),
    "learning": SimPolicy("learning", DEFAULT_CADENCE, learns=True),
}
