"""Outgoing messages as MIME (issue 6): plain text, an HTML alternative, the unsubscribe
link and headers (RFC 2369, RFC 8058 one-click), and an optional calendar part.

A calendar invite travels as a `text/calendar; method=…` alternative — the part mail
programs turn into accept/decline buttons — and as an .ics attachment for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from ringback.adapters.documents.templating import render

UNSUBSCRIBE_FOOTER = "Prefer no more email from me? Unsubscribe: {url}"


@dataclass(frozen=True)
class Address:
    email: str
    name: str | None = None

    def formatted(self) -> str:
        return formataddr((self.name or "", self.email))

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2] or "ringback.invalid"


@dataclass(frozen=True)
class CalendarPart:
    data: bytes
    method: str  # REQUEST or CANCEL
    filename: str = "invite.ics"


@dataclass(frozen=True)
class Outgoing:
    sender: Address
    recipient: Address
    subject: str
    text: str
    date: datetime
    unsubscribe_url: str | None = None
    calendar: CalendarPart | None = None  # the invite this email is (text/calendar part)
    invites: tuple[CalendarPart, ...] = ()  # proposed times, attached (R9)


def new_message_id(sender: Address) -> str:
    return make_msgid(domain=sender.domain)


def build_message(outgoing: Outgoing, message_id: str) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["Subject"] = outgoing.subject
    message["From"] = outgoing.sender.formatted()
    message["To"] = outgoing.recipient.formatted()
    message["Date"] = format_datetime(outgoing.date)
    message["Message-ID"] = message_id
    if outgoing.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{outgoing.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    text = outgoing.text.rstrip() + "\n"
    if outgoing.unsubscribe_url:
        text += "\n-- \n" + UNSUBSCRIBE_FOOTER.format(url=outgoing.unsubscribe_url) + "\n"
    message.set_content(text)
    message.add_alternative(_html(outgoing), subtype="html")
    if outgoing.calendar is not None:
        _add_calendar(message, outgoing.calendar)
    for invite in outgoing.invites:
        message.add_attachment(
            invite.data,
            maintype="text",
            subtype="calendar",
            filename=invite.filename,
            params={"method": invite.method},
        )
    return message


def _html(outgoing: Outgoing) -> str:
    paragraphs = [p.splitlines() for p in outgoing.text.strip().split("\n\n") if p.strip()]
    return render(
        "mail.html",
        subject=outgoing.subject,
        paragraphs=paragraphs,
        unsubscribe_url=outgoing.unsubscribe_url,
    )


def _add_calendar(message: EmailMessage, calendar: CalendarPart) -> None:
    params = {"method": calendar.method}
    message.add_alternative(calendar.data, maintype="text", subtype="calendar", params=params)
    message.add_attachment(
        calendar.data,
        maintype="application",
        subtype="ics",
        filename=calendar.filename,
    )
