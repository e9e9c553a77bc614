"""The email that sets a call, rendered (R9, R10): HTML alternative and .ics invites.

One invite per proposed slot, each its own iCalendar file with METHOD:REQUEST and
one VEVENT. An iTIP request (RFC 5546) carries one event — components of a REQUEST
share one UID — and mail programs act on the first event of a file only, so two
times in one file would show the contact one. Each slot has a UID derived from the
contact and the start (`call-<contact>-<start UTC>@ringback`): rendering the same
proposal again gives the same UIDs, and a calendar updates the event instead of
adding a second. Events are TENTATIVE (a proposal) with DTSTART/DTEND in UTC, so no
VTIMEZONE is needed; ORGANIZER and ATTENDEE are set when the emails are known.

`call_email_message` puts it together as a MIME message (text, HTML alternative,
invites attached); sending it is another module's job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr

from icalendar import Calendar, Event, vCalAddress, vText

from ringback.adapters.documents.ics import PRODID
from ringback.adapters.documents.templating import render
from ringback.domain.call_email import CallEmail, slot_texts
from ringback.domain.correspondence import contact_country
from ringback.domain.model import Contact
from ringback.domain.phone import written_number
from ringback.domain.sender import Sender
from ringback.domain.slots import ProposedSlot

CALENDAR_TYPE = "text/calendar"


@dataclass(frozen=True)
class Invite:
    """One .ics file: its name and its bytes."""

    filename: str
    data: bytes


def slot_uid(contact: Contact, slot: ProposedSlot) -> str:
    return f"call-{contact.id or 0}-{slot.start:%Y%m%dT%H%M%SZ}@ringback"


def slot_invite(
    contact: Contact, sender: Sender, slot: ProposedSlot, stamp: datetime, *, of: int = 1
) -> Invite:
    """The invite for one proposed slot (one of `of` proposed), stamped at `stamp`."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    calendar.add_component(_event(contact, sender, slot, stamp, of))
    local = slot.local_start
    name = f"call-{contact.id or 0}-{local:%Y-%m-%d-%H%M}.ics"
    return Invite(name, calendar.to_ical())


def slot_invites(
    contact: Contact, sender: Sender, slots: Sequence[ProposedSlot], stamp: datetime
) -> tuple[Invite, ...]:
    return tuple(slot_invite(contact, sender, slot, stamp, of=len(slots)) for slot in slots)


def _event(contact: Contact, sender: Sender, slot: ProposedSlot, stamp: datetime, of: int) -> Event:
    event = Event()
    event.add("uid", slot_uid(contact, slot))
    event.add("dtstamp", stamp)
    event.add("dtstart", slot.start)
    event.add("dtend", slot.end)
    event.add("sequence", 0)
    event.add("summary", f"Call with {sender.name}")
    event.add("description", _description(contact, sender, of))
    event.add("status", "TENTATIVE")
    event.add("transp", "OPAQUE")
    number = contact.primary_phone.e164 if contact.primary_phone else None
    if number:
        event.add("location", f"tel:{number}")
    if sender.email:
        event.add("organizer", _address(sender.email, sender.name))
    if contact.email:
        attendee = _address(contact.email, contact.full_name)
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
        attendee.params["RSVP"] = vText("TRUE")
        event.add("attendee", attendee)
    return event


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    return address


def _description(contact: Contact, sender: Sender, of: int) -> str:
    phone = contact.primary_phone
    number = written_number(phone.e164, contact_country(contact)) if phone else None
    lines = [f"{sender.name} calls you" + (f" on {number}." if number else ".")]
    if contact.reason:
        lines.append(f"About: {contact.reason}")
    if of > 1:
        lines.append(f"One of {of} proposed times: accept the one that suits you.")
    if sender.phone:
        lines.append(f"To reach {sender.name}: {sender.phone}")
    return "\n".join(lines)


def call_email_html(email: CallEmail, contact: Contact) -> str:
    """The HTML alternative: the same paragraphs, the proposed times in bold."""
    times = slot_texts(email.slots, contact_country(contact))
    paragraphs = [
        [_marked(line, times) for line in paragraph.splitlines()] for paragraph in email.paragraphs
    ]
    return render("call_email.html", subject=email.subject, paragraphs=paragraphs)


def _marked(line: str, times: Sequence[str]) -> list[tuple[str, bool]]:
    """`line` cut into (text, is_a_proposed_time) pieces."""
    wanted = [t for t in times if t]
    if not wanted:
        return [(line, False)]
    pattern = re.compile("(" + "|".join(re.escape(t) for t in wanted) + ")")
    return [(piece, piece in wanted) for piece in pattern.split(line) if piece]


def call_email_message(
    email: CallEmail,
    contact: Contact,
    sender: Sender,
    invites: Sequence[Invite],
) -> EmailMessage:
    """The whole email as MIME: plain text, the HTML alternative, one invite per slot."""
    message = EmailMessage()
    message["Subject"] = email.subject
    if sender.email:
        message["From"] = formataddr((sender.name, sender.email))
    if contact.email:
        message["To"] = formataddr((contact.full_name, contact.email))
    message.set_content(email.text)
    message.add_alternative(call_email_html(email, contact), subtype="html")
    for invite in invites:
        message.add_attachment(
            invite.data,
            maintype="text",
            subtype="calendar",
            filename=invite.filename,
            params={"method": "REQUEST"},
        )
    return message
