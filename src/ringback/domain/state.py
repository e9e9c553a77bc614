"""How one touch changes a contact's follow-up state (R1, R2, R6, R9, R11, R12).

Pure and O(1): the new state depends only on the old state and the touch, so
logging a touch never replays history.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from ringback.domain.model import (
    RESPONSE_OUTCOMES,
    Channel,
    FollowUpState,
    Outcome,
    RecentTouch,
    Status,
    Touch,
)

RECENT_WINDOW = timedelta(days=7)


def advance(state: FollowUpState, touch: Touch) -> FollowUpState:
    """Return the state after `touch` (a placeholder the engine refines)."""
    at = touch.at
    recent = tuple(r for r in state.recent if at - r.at < RECENT_WINDOW)
    new = replace(
        state,
        last_touch_at=max(filter(None, (state.last_touch_at, at))),
        attempts=state.attempts + 1,
        recent=(*recent, RecentTouch(at, touch.channel, touch.outcome)),
    )
    if touch.outcome in RESPONSE_OUTCOMES:
        new.status = Status.WARM
        new.last_response_at = at
    elif touch.outcome is Outcome.DO_NOT_CONTACT:
        new.status = Status.DO_NOT_CONTACT
    elif new.status is Status.NEW:
        new.status = Status.ACTIVE
    new.next_due_at = None if new.status is Status.DO_NOT_CONTACT else at + timedelta(days=3)
    if touch.channel is Channel.CALL:
        new.last_call_at = at
    return new
