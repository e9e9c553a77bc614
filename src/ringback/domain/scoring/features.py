"""Features of a contact for the lead score (R11): pure functions over data.

A feature is a name and a number. Most are indicators (1.0 when present), named so
a person can read them in an explanation ("referral given", "segment: dental, DE");
"attempts so far" is log(1 + attempts), so the tenth attempt weighs less than the
second. Touch features describe the history *before* the moment being predicted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ringback.domain.model import Channel, Contact, FollowUpState, Outcome, Touch
from ringback.domain.scoring.outcomes import is_attempt

Features = Mapping[str, float]
ATTEMPTS = "attempts so far"
MAX_VALUE_LENGTH = 40  # longer custom-field values are free text, not categories


@dataclass(frozen=True)
class TouchSummary:
    """What the touches so far say: attempts, channels tried, the last outcome."""

    attempts: int = 0
    channels: frozenset[Channel] = frozenset()
    last_outcome: Outcome | None = None


def summarize(touches: Iterable[Touch]) -> TouchSummary:
    """Summary of `touches` (oldest first)."""
    attempts, channels, last = 0, set[Channel](), None
    for touch in touches:
        if is_attempt(touch):
            attempts += 1
            channels.add(touch.channel)
        last = touch.outcome
    return TouchSummary(attempts, frozenset(channels), last)


def summarize_state(state: FollowUpState) -> TouchSummary:
    """A cheap summary from the follow-up state alone (recent touches only for channels)."""
    channels = frozenset(r.channel for r in state.recent)
    last = state.recent[-1].outcome if state.recent else None
    return TouchSummary(state.attempts, channels, last)


def contact_features(contact: Contact, touches: TouchSummary) -> dict[str, float]:
    """Every feature of `contact` with the touch history `touches`."""
    found: dict[str, float] = {}
    flags = {
        "email given": contact.email,
        "company given": contact.company,
        "title given": contact.title,
        "referral given": contact.referred_by,
        "reason given": contact.reason,
        "postal address given": contact.address,
        "email-first": contact.email_first,
        "personal contact": contact.personal,
        "several phone numbers": len(contact.phones) > 1,
    }
    found.update({name: 1.0 for name, present in flags.items() if present})
    for name, value in _categories(contact):
        found[f"{name}: {value}"] = 1.0
    found.update(_touch_features(touches))
    return found


def _categories(contact: Contact) -> Iterable[tuple[str, str]]:
    if contact.country:
        yield "country", contact.country
    if contact.segment:
        yield "segment", contact.segment
    for tag in contact.tags:
        yield "tag", tag
    for name, value in sorted(contact.fields.items()):
        text = value.strip()
        if text and len(text) <= MAX_VALUE_LENGTH:
            yield name, text


def _touch_features(touches: TouchSummary) -> dict[str, float]:
    found = {ATTEMPTS: math.log1p(touches.attempts)}
    found.update({f"channel tried: {c}": 1.0 for c in touches.channels})
    last = str(touches.last_outcome) if touches.last_outcome else "none yet"
    found[f"last outcome: {last}"] = 1.0
    return found
