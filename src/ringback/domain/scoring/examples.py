"""Training examples for the lead score (R11): finished contacts and their label.

A contact is finished, for learning, at its deciding touch:
- the first touch showing engagement (R11 warm: conversation, reply, call-back,
  call-later, meeting booked) — a positive example;
- or, before any engagement, a refusal (not interested, do not contact, R12) — negative;
- or, with neither, a cold status (no response through the cadence, R11) — negative,
  decided at its last touch.
Features come from the touches *before* the deciding one, as they were when the
prediction would have been useful; using later touches would leak the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ringback.domain.model import Contact, Status, Touch
from ringback.domain.scoring.features import contact_features, summarize
from ringback.domain.scoring.outcomes import ENGAGED_OUTCOMES, REFUSAL_OUTCOMES


@dataclass(frozen=True)
class Example:
    contact_id: int | None
    features: dict[str, float]
    engaged: bool
    finished_at: datetime


def example_of(contact: Contact, status: Status, touches: Sequence[Touch]) -> Example | None:
    """The training example for one contact (touches oldest first), or None if unfinished."""
    for index, touch in enumerate(touches):
        if touch.outcome in ENGAGED_OUTCOMES or touch.outcome in REFUSAL_OUTCOMES:
            engaged = touch.outcome in ENGAGED_OUTCOMES
            return _example(contact, touches[:index], engaged, touch.at)
    if status is Status.COLD and touches:
        return _example(contact, touches[:-1], False, touches[-1].at)
    return None


def _example(contact: Contact, before: Sequence[Touch], engaged: bool, at: datetime) -> Example:
    features = contact_features(contact, summarize(before))
    return Example(contact.id, features, engaged, at)
