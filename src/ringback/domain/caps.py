"""Caps per contact (R14): how often we may touch someone, whatever the cadence says.

Counts come from `FollowUpState.recent` (the last 7 days of our touches) and the
last voicemail/conversation instants, so each check is O(1) in history length.
A blocked check says which rule blocked it and from when the touch is allowed again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from ringback.domain.model import Channel, FollowUpState, Outcome, RecentTouch
from ringback.domain.policy import Intent, Policy

CAP_SPAN = timedelta(days=7)
CALL_CHANNELS = frozenset({Channel.CALL, Channel.VOICEMAIL})
# Events on the state that are not a touch we made: they never count towards a cap.
NOT_OUR_TOUCH = frozenset(
    {Outcome.CALLBACK_RECEIVED, Outcome.INBOUND_EMAIL, Outcome.REPLIED, Outcome.BOUNCED}
)


class Block(NamedTuple):
    rule: str
    message: str
    until: datetime


def cap_block(state: FollowUpState, policy: Policy, intent: Intent, at: datetime) -> Block | None:
    """The first cap that forbids `intent` at `at`, or None when all caps allow it."""
    for check in _CHECKS:
        block = check(state, policy, intent, at)
        if block is not None:
            return block
    return None


def _collections_quiet(
    state: FollowUpState, policy: Policy, intent: Intent, at: datetime
) -> Block | None:
    """R14 collections profile (Regulation F 1006.14): no call for 7 days after a talk."""
    talked = state.last_conversation_at
    if not policy.collections or intent.requested or intent.channel not in CALL_CHANNELS:
        return None
    if talked is None or at >= talked + policy.collections_quiet:
        return None
    days = policy.collections_quiet.days
    return Block(
        "R14",
        f"collections profile: no call in the {days} days after a conversation "
        "unless the contact asked for one",
        talked + policy.collections_quiet,
    )


def _call_cap(state: FollowUpState, policy: Policy, intent: Intent, at: datetime) -> Block | None:
    """R14: at most `max_calls_per_week` call attempts in any rolling 7 days."""
    if intent.channel not in CALL_CHANNELS:
        return None
    calls = (r.at for r in _ours(state) if r.channel in CALL_CHANNELS)
    until = rolling_until(calls, policy.max_calls_per_week, at)
    if until is None:
        return None
    limit = policy.max_calls_per_week
    return Block("R14", f"already {limit} call attempts in the last 7 days (the cap)", until)


def _voicemail_gap(
    state: FollowUpState, policy: Policy, intent: Intent, at: datetime
) -> Block | None:
    """R14: at most one voicemail per `voicemail_gap` (3 days by default)."""
    if not intent.leave_voicemail:
        return None
    near = [v for v in voicemail_instants(state) if abs(at - v) < policy.voicemail_gap]
    if not near:
        return None
    days = policy.voicemail_gap.days
    return Block(
        "R14", f"a voicemail was left less than {days} days ago", max(near) + policy.voicemail_gap
    )


def _weekly_cap(state: FollowUpState, policy: Policy, intent: Intent, at: datetime) -> Block | None:
    """R14: at most `max_touches_per_week` touches across all channels in any 7 days."""
    until = rolling_until((r.at for r in _ours(state)), policy.max_touches_per_week, at)
    if until is None:
        return None
    limit = policy.max_touches_per_week
    return Block("R14", f"already {limit} touches on all channels in the last 7 days", until)


_CHECKS: tuple[Callable[[FollowUpState, Policy, Intent, datetime], Block | None], ...] = (
    _collections_quiet,
    _call_cap,
    _voicemail_gap,
    _weekly_cap,
)


def rolling_until(times: Iterable[datetime], limit: int, at: datetime) -> datetime | None:
    """When counts in the 7 days up to `at` reach `limit`, the instant one more is allowed."""
    inside = sorted(t for t in times if at - CAP_SPAN < t <= at)
    if len(inside) < limit:
        return None
    return inside[len(inside) - limit] + CAP_SPAN


def voicemail_instants(state: FollowUpState) -> set[datetime]:
    left = {r.at for r in state.recent if _is_voicemail(r.channel, r.outcome)}
    if state.last_voicemail_at is not None:
        left.add(state.last_voicemail_at)
    return left


def _is_voicemail(channel: Channel, outcome: Outcome) -> bool:
    return outcome is Outcome.VOICEMAIL_LEFT or (
        channel is Channel.VOICEMAIL and outcome not in NOT_OUR_TOUCH
    )


def _ours(state: FollowUpState) -> list[RecentTouch]:
    return [r for r in state.recent if r.outcome not in NOT_OUR_TOUCH]
