"""The mailed note (R9): a personal letter and a reply postcard addressed back to you.

A `Letter` is everything printed for one contact, as data: the sender block, the
recipient's address, the date, the greeting by first name (R19), the body, the
signature, and a `ReplyCard`. The card carries the user's own name and address on
its front and, on its back, tick boxes for good times to call — each weekday
(and Saturday for personal contacts) by morning, afternoon and evening, with the
hours each stands for in the contact's time — and a line for the best number. A
ticked box maps straight onto a stated preference (R4): `ringback prefer`.

The body is replaceable like the email's: pass the rendered text of a template,
or take `default_letter_body`. It asks for the contact's view, never presses (R13).
adapters/documents/letters.py prints letters to PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from ringback.domain.correspondence import (
    WEEKDAY_NAMES,
    Paper,
    clock_text,
    contact_country,
    date_line,
    paper_for,
    paragraphs_of,
    split_lines,
)
from ringback.domain.errors import InvalidField
from ringback.domain.model import Contact
from ringback.domain.sender import Sender

# The hours a ticked box stands for, in the contact's local time (R4).
CARD_PARTS: tuple[tuple[str, time, time], ...] = (
    ("Morning", time(9), time(12)),
    ("Afternoon", time(12), time(17)),
    ("Evening", time(17), time(20)),
)


@dataclass(frozen=True)
class ReplyCard:
    """The self-addressed reply postcard (R9)."""

    to_name: str
    to_address: tuple[str, ...]
    from_name: str
    days: tuple[str, ...]
    parts: tuple[tuple[str, str], ...]  # (name, "9:00 AM–12:00 PM")
    reference: str


@dataclass(frozen=True)
class Letter:
    contact_id: int | None
    paper: Paper
    sender: Sender
    recipient: tuple[str, ...]  # name, company, address lines
    date: str
    greeting: str
    paragraphs: tuple[str, ...]
    closing: str
    card: ReplyCard


def default_letter_body(contact: Contact, sender: Sender) -> str:
    """A short personal note asking for a good time to call (R9, R13, R19)."""
    opening = [f"My name is {sender.name}."]
    if contact.referred_by:
        opening.append(f"{contact.referred_by} suggested I write to you.")
    if contact.reason:
        opening.append(f"It's about {contact.reason}, and I would value your view on it.")
    reach = "A call of a quarter of an hour would be plenty."
    card = (
        "If you tick a few times that suit you on the enclosed card and post it back, "
        "I will call you then."
    )
    ways = [
        f"on {sender.phone}" if sender.phone else "",
        f"at {sender.email}" if sender.email else "",
    ]
    reachable = " or ".join(way for way in ways if way)
    direct = f" Or, if you prefer, reach me whenever it suits you {reachable}." if reachable else ""
    return "\n\n".join(
        (
            " ".join(opening),
            f"{reach} {card}{direct}",
            "Thank you for reading this.",
        )
    )


def compose_letter(
    contact: Contact,
    sender: Sender,
    day: date,
    *,
    paper_setting: str = "auto",
    fallback_country: str | None = None,
    body: str | None = None,
) -> Letter:
    """The letter and reply card for `contact`, dated `day` (R9).

    Needs the contact's postal address and the sender's (the card comes back to the
    sender): InvalidField naming the missing one otherwise.
    """
    address = split_lines(contact.address)
    if not address:
        raise InvalidField("address", f"{contact.full_name} has no postal address for a letter")
    if not sender.address:
        raise InvalidField(
            "sender_address", "the reply postcard is addressed back to you: your address is needed"
        )
    country = contact_country(contact)
    paragraphs = paragraphs_of(default_letter_body(contact, sender) if body is None else body)
    if not paragraphs:
        raise InvalidField("body", "the letter body is empty")
    recipient = (contact.full_name, *((contact.company,) if contact.company else ()), *address)
    return Letter(
        contact_id=contact.id,
        paper=paper_for(country, paper_setting, fallback_country),
        sender=sender,
        recipient=recipient,
        date=date_line(day, country),
        greeting=f"Dear {contact.first_name},",
        paragraphs=paragraphs,
        closing="With warm regards,",
        card=reply_card(contact, sender),
    )


def reply_card(contact: Contact, sender: Sender) -> ReplyCard:
    country = contact_country(contact)
    days = WEEKDAY_NAMES[:6] if contact.personal else WEEKDAY_NAMES[:5]
    parts = tuple(
        (name, f"{clock_text(start, country)}–{clock_text(end, country)}")
        for name, start, end in CARD_PARTS
    )
    reference = f"Ref. {contact.id}" if contact.id is not None else ""
    return ReplyCard(
        to_name=sender.name,
        to_address=sender.address,
        from_name=contact.full_name,
        days=days,
        parts=parts,
        reference=reference,
    )
