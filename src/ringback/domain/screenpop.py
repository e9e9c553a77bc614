"""R15 Context on call-back: what pops up on the rep's screen when a contact calls.

Pure: composed from the contact, its follow-up state and its last touches, with the
instant passed in. An unknown number gets a quick-add pop instead. The pop is plain
data (JSON-ready): it travels to browsers as a server-sent event, and on PostgreSQL
through NOTIFY, whose payload is limited — hence short notes and few touches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from ringback.domain.model import Contact, FollowUpState, Touch

LAST_TOUCHES = 3
NOTE_LENGTH = 200


@dataclass(frozen=True)
class PopTouch:
    at: str  # ISO 8601, UTC
    channel: str
    outcome: str
    notes: str | None


@dataclass(frozen=True)
class ScreenPop:
    """A known caller's context, or (contact_id None) a quick-add offer."""

    phone: str
    at: str
    contact_id: int | None = None
    owner: str | None = None
    name: str | None = None
    company: str | None = None
    reason: str | None = None
    referred_by: str | None = None
    promised: str | None = None
    opener: str | None = None
    touches: tuple[PopTouch, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ScreenPop:
        touches = tuple(PopTouch(**touch) for touch in data.get("touches", ()))
        return cls(**{**data, "touches": touches})


def unknown_caller_pop(phone: str, now: datetime) -> ScreenPop:
    return ScreenPop(phone=phone, at=now.isoformat())


def known_caller_pop(
    contact: Contact, state: FollowUpState, touches: Sequence[Touch], phone: str, now: datetime
) -> ScreenPop:
    """The pop for a known contact; `touches` oldest first (the last few are shown)."""
    recent = list(touches)[-LAST_TOUCHES:]
    return ScreenPop(
        phone=phone,
        at=now.isoformat(),
        contact_id=contact.id,
        owner=contact.owner,
        name=contact.full_name,
        company=contact.company,
        reason=contact.reason,
        referred_by=contact.referred_by,
        promised=what_was_promised(state, touches),
        opener=suggested_opener(contact, state),
        touches=tuple(_pop_touch(touch) for touch in reversed(recent)),
    )


def what_was_promised(state: FollowUpState, touches: Sequence[Touch]) -> str | None:
    """The booked next step (a promised call-back or an appointment) and its note."""
    if state.appointment_at is not None:
        promise = f"appointment at {state.appointment_at.isoformat()}"
    elif state.promised_at is not None:
        promise = f"call back at {state.promised_at.isoformat()}"
    else:
        return None
    booking = next((t for t in reversed(touches) if t.next_at is not None), None)
    if booking is not None and booking.notes:
        promise += f" — {_short(booking.notes)}"
    return promise


def suggested_opener(contact: Contact, state: FollowUpState) -> str:
    """A first sentence that shows we know why they call (R15, R19: their first name)."""
    opener = f"Hi {contact.first_name}, thanks for calling back!"
    if contact.referred_by and contact.reason:
        return f"{opener} {contact.referred_by} suggested we talk about {contact.reason}."
    if contact.reason:
        return f"{opener} I was calling about {contact.reason}."
    if state.last_conversation_at is not None:
        return f"{opener} Good to hear from you again."
    return opener


def _pop_touch(touch: Touch) -> PopTouch:
    notes = _short(touch.notes) if touch.notes else None
    return PopTouch(touch.at.isoformat(), touch.channel.value, touch.outcome.value, notes)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= NOTE_LENGTH else text[: NOTE_LENGTH - 1] + "…"
