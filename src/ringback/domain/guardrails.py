"""May we? And if not, which rule says no? (R4, R5, R12, R14)

`check` judges one touch at one instant; `find_slot` searches forward, a bounded
number of days, for the first instant every guardrail allows and returns that
day's allowed span with a trace of what moved it. The guardrails are, in order:
do-not-contact (R12), the local calling window with holidays and the overlap of
ambiguous zones (R5), narrowed by the contact's stated preferences (R4), and the
caps (R14).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ringback.domain.caps import cap_block
from ringback.domain.clock import (
    Span,
    WindowProfile,
    describe_local,
    first_span_from,
    span_at,
)
from ringback.domain.hours import HARD_BOUND, WeeklyHours, from_preferences
from ringback.domain.model import Channel, Contact, FollowUpState, Status
from ringback.domain.policy import DEFAULT_POLICY, Intent, Policy
from ringback.domain.trace import Decision, Effect, moved_by, noted_by, refused_by, set_by

__all__ = [
    "CALL_LIKE",
    "DEFAULT_POLICY",
    "Intent",
    "Policy",
    "SlotSearch",
    "Verdict",
    "check",
    "find_slot",
    "next_allowed_slot",
    "profile_for",
]

# Channels that ring or buzz the person: R5 windows apply in every zone of the number.
CALL_LIKE = frozenset({Channel.CALL, Channel.VOICEMAIL, Channel.SMS})
MAX_MOVES = 32


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    rule: str | None = None
    message: str = "allowed"


@dataclass(frozen=True)
class SlotSearch:
    """The allowed span found (None when refused), the anchor zone and the trace."""

    span: Span | None
    zone: str
    trace: tuple[Decision, ...]


def contact_zones(
    contact: Contact, intent: Intent, default_zone: str | None = None
) -> tuple[str, ...]:
    """The zones to respect, anchor first: every candidate of an ambiguous number (R5)."""
    if intent.channel in CALL_LIKE and contact.timezone_ambiguous:
        candidates = tuple(dict.fromkeys(contact.timezone_candidates))
        if contact.timezone in candidates:
            rest = tuple(z for z in candidates if z != contact.timezone)
            return (contact.timezone, *rest)
        return candidates
    if contact.timezone_source == "default" and default_zone:
        return (default_zone,)
    return (contact.timezone,)


def contact_hours(
    contact: Contact, policy: Policy, intent: Intent
) -> tuple[WeeklyHours, tuple[Decision, ...]]:
    """The weekly hours for this contact: R5 window within the hard bound, R4 narrowed."""
    if intent.requested:
        return HARD_BOUND, ()
    base = policy.personal_hours if contact.personal else policy.business_hours
    legal = base.intersect(HARD_BOUND)
    if not contact.preferred_windows:
        return legal, ()
    preferred = from_preferences(contact.preferred_windows)
    narrowed = legal.intersect(preferred)
    if narrowed.is_empty:
        return legal, (_preference_ignored(contact, preferred, legal),)
    return narrowed, (set_by("R4", f"{contact.first_name} asked for {preferred}; planned then"),)


def _preference_ignored(contact: Contact, preferred: WeeklyHours, legal: WeeklyHours) -> Decision:
    return noted_by(
        "R4",
        f"{contact.first_name}'s stated preference ({preferred}) lies outside the allowed "
        f"calling window ({legal}), so the calling window is used",
    )


def profile_for(
    contact: Contact, policy: Policy, intent: Intent, default_zone: str | None = None
) -> tuple[WindowProfile, tuple[Decision, ...]]:
    """Everything deciding when `intent` may happen for `contact`, with R4/R5 notes."""
    hours, notes = contact_hours(contact, policy, intent)
    zones = contact_zones(contact, intent, default_zone)
    primary = contact.primary_phone
    profile = WindowProfile(
        zones=zones,
        hours=hours,
        country=contact.country or (primary.country if primary else None),
        subdivision=contact.subdivision,
        skip_holidays=policy.skip_holidays and not intent.requested,
    )
    if len(zones) > 1:
        notes = (*notes, _ambiguity_note(zones))
    return profile, notes


def _ambiguity_note(zones: tuple[str, ...]) -> Decision:
    shown = ", ".join(zones[:4]) + (", …" if len(zones) > 4 else "")
    return set_by(
        "R5",
        f"this number may ring in {len(zones)} time zones ({shown}); calls are planned only "
        "where all their windows overlap until the time zone is confirmed",
    )


def check(
    intent: Intent,
    contact: Contact,
    state: FollowUpState,
    policy: Policy,
    at: datetime,
    *,
    default_zone: str | None = None,
) -> Verdict:
    """May `intent` happen at `at`? If not, the rule that refuses it and why (R5, R12, R14)."""
    if state.status is Status.DO_NOT_CONTACT:
        return Verdict(False, "R12", _dnc_message(contact))
    profile, _ = profile_for(contact, policy, intent, default_zone)
    inside = span_at(profile, at)
    if not inside.spans:
        return Verdict(False, "R5", _outside_message(profile, at, inside.note))
    block = cap_block(state, policy, intent, at)
    if block is not None:
        return Verdict(False, block.rule, block.message)
    return Verdict(True)


def _dnc_message(contact: Contact) -> str:
    return f"{contact.first_name} asked not to be contacted: never again, on any channel"


def _outside_message(profile: WindowProfile, at: datetime, note: Decision | None) -> str:
    when = f"{describe_local(at, profile.anchor)} ({profile.anchor})"
    if note is not None:
        return f"{when}: {note.message}"
    return f"{when} is outside the calling window {profile.hours}"


def find_slot(
    contact: Contact,
    state: FollowUpState,
    policy: Policy,
    intent: Intent,
    not_before: datetime,
    *,
    avoid_weekdays: frozenset[int] = frozenset(),
    default_zone: str | None = None,
) -> SlotSearch:
    """The first span from `not_before` where every guardrail allows `intent`.

    Searches at most `policy.search_days` days ahead. Caps only relax as time passes,
    so once the start of a span is allowed, the rest of it is too.
    """
    profile, notes = profile_for(contact, policy, intent, default_zone)
    if state.status is Status.DO_NOT_CONTACT:
        return SlotSearch(None, profile.anchor, (refused_by("R12", _dnc_message(contact)),))
    until = not_before + timedelta(days=policy.search_days)
    trace = list(notes)
    moment = not_before
    for _ in range(MAX_MOVES):
        found = first_span_from(profile, moment, until, avoid_weekdays)
        trace.extend(_as_moves(found.notes, trace))
        if found.span is None:
            trace.append(_no_window(profile, not_before, until))
            return SlotSearch(None, profile.anchor, tuple(trace))
        block = cap_block(state, policy, intent, found.span.start)
        if block is None:
            trace.append(_window_used(profile, found.span))
            return SlotSearch(found.span, profile.anchor, tuple(trace))
        trace.append(
            moved_by(
                block.rule,
                f"{block.message}; not before {describe_local(block.until, profile.anchor)}",
            )
        )
        moment = block.until
    trace.append(refused_by("R14", "the caps leave no allowed time in the search range"))
    return SlotSearch(None, profile.anchor, tuple(trace))


def _as_moves(notes: Iterable[Decision], seen: list[Decision]) -> list[Decision]:
    moves = (moved_by(n.rule, n.message) for n in notes if n.effect is Effect.NOTED)
    return [m for m in moves if m not in seen]


def _window_used(profile: WindowProfile, span: Span) -> Decision:
    return set_by(
        "R5",
        f"inside the calling window {profile.hours} ({profile.anchor}): "
        f"from {describe_local(span.start, profile.anchor)} to "
        f"{describe_local(span.end, profile.anchor)}",
    )


def _no_window(profile: WindowProfile, start: datetime, until: datetime) -> Decision:
    days = (until - start).days
    return refused_by(
        "R5",
        f"no allowed time in the {days} days from {describe_local(start, profile.anchor)} "
        f"({profile.anchor}, calling window {profile.hours})",
    )


def next_allowed_slot(
    contact: Contact,
    state: FollowUpState,
    policy: Policy,
    channel: Channel,
    not_before: datetime,
) -> tuple[datetime, datetime] | None:
    """The (start, end) UTC of the first allowed span for `channel`, or None."""
    found = find_slot(contact, state, policy, Intent(channel), not_before)
    return (found.span.start, found.span.end) if found.span is not None else None
