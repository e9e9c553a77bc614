"""The email that sets a call (R9, R10): short, personal, two concrete times.

The words are replaceable. A caller with its own template passes the rendered
body (fill it from `slot_fields`: `slot_1`, `slot_2` and `slots`, each in the
contact's local time, the way their country writes it); without one,
`default_body` writes a plain note: who is writing, the referral and the reason
when known, the two times, and the way to answer. It asks, never presses (R13),
and addresses the person by first name (R19).

An email is plain paragraphs; the HTML alternative and the invites are rendered
from the same `CallEmail` by adapters/documents/invites.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from ringback.domain.correspondence import (
    WEEKDAY_NAMES,
    contact_country,
    moment_text,
    paragraphs_of,
)
from ringback.domain.errors import InvalidField
from ringback.domain.model import Contact
from ringback.domain.sender import Sender
from ringback.domain.slots import ProposedSlot


@dataclass(frozen=True)
class CallEmail:
    """Subject and body paragraphs of the email, with the slots it proposes."""

    contact_id: int | None
    to: str | None
    subject: str
    paragraphs: tuple[str, ...]
    slots: tuple[ProposedSlot, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs) + "\n"


def slot_texts(slots: Sequence[ProposedSlot], country: str | None) -> tuple[str, ...]:
    """Each slot in the contact's local time: 'Tuesday 24 November at 10:00'."""
    return tuple(moment_text(slot.local_start, country) for slot in slots)


def slot_fields(slots: Sequence[ProposedSlot], country: str | None) -> dict[str, str]:
    """Template fields: `slot_1`, `slot_2`, … and `slots` ('… or …')."""
    texts = slot_texts(slots, country)
    fields = {f"slot_{n}": text for n, text in enumerate(texts, start=1)}
    fields["slots"] = " or ".join(texts)
    return fields


def default_subject(slots: Sequence[ProposedSlot]) -> str:
    """'A short call, Tuesday or Wednesday?'"""
    days = list(dict.fromkeys(WEEKDAY_NAMES[slot.day.weekday()] for slot in slots))
    if not days:
        return "A short call?"
    return f"A short call, {' or '.join(days)}?"


def default_body(
    contact: Contact, sender: Sender, slots: Sequence[ProposedSlot], duration: timedelta
) -> str:
    """A plain, personal note proposing the slots (R9); see the module docstring."""
    country = contact_country(contact)
    opening = [f"This is {sender.name}."]
    if contact.referred_by:
        opening.append(f"{contact.referred_by} suggested I get in touch with you.")
    if contact.reason:
        opening.append(f"It's about {contact.reason}, and I'd value your view on it.")
    minutes = max(1, int(duration.total_seconds() // 60))
    times = " or ".join(slot_texts(slots, country))
    if len(slots) > 1:
        answer = (
            "There is a calendar invite for each; accept the one that suits you, "
            "or reply with a time that suits you better."
        )
    else:
        answer = "The calendar invite is attached; accept it, or reply with a better time."
    paragraphs = (
        f"Hi {contact.first_name},",
        " ".join(opening),
        f"Could we talk for {minutes} minutes? I could call you on {times} (your time). {answer}",
        "\n".join(("Thank you,", *sender.signature)),
    )
    return "\n\n".join(paragraphs)


def compose_call_email(
    contact: Contact,
    sender: Sender,
    slots: Sequence[ProposedSlot],
    duration: timedelta,
    *,
    body: str | None = None,
    subject: str | None = None,
) -> CallEmail:
    """The email proposing `slots`; `body` and `subject` replace the default words."""
    if not slots:
        raise InvalidField("slots", "an email that sets a call needs at least one time (R9)")
    text = default_body(contact, sender, slots, duration) if body is None else body
    paragraphs = paragraphs_of(text)
    if not paragraphs:
        raise InvalidField("body", "the email body is empty")
    title = (subject or "").strip() or default_subject(slots)
    return CallEmail(contact.id, contact.email, title, paragraphs, tuple(slots))
