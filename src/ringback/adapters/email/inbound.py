"""Reading a received email (issue 6): is it a reply, a bounce, or an automatic answer?

Replies are matched later by the Message-IDs they refer to (In-Reply-To, References)
and by the sender's address. A bounce is a delivery status notification (RFC 3464:
multipart/report; report-type=delivery-status) with at least one recipient whose
Action is `failed`; a mere delay notice is not a bounce. Messages marked
Auto-Submitted (out-of-office answers, RFC 3834) are neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes
from email.message import Message
from email.parser import HeaderParser
from email.policy import default
from email.utils import parseaddr, parsedate_to_datetime

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Bounce:
    recipients: tuple[str, ...]
    original_message_id: str | None


@dataclass(frozen=True)
class InboundMail:
    message_id: str | None
    sender: str | None
    refers_to: tuple[str, ...]  # In-Reply-To first, then References newest first
    date: datetime | None
    automatic: bool
    bounce: Bounce | None


def parse_inbound(raw: bytes) -> InboundMail:
    message = message_from_bytes(raw, policy=default)
    return InboundMail(
        message_id=_first_id(message.get("Message-ID")),
        sender=_sender(message),
        refers_to=_refers_to(message),
        date=_date(message),
        automatic=str(message.get("Auto-Submitted", "no")).strip().lower() != "no",
        bounce=_bounce(message),
    )


def _ids(value: object) -> list[str]:
    return _MESSAGE_ID.findall(str(value)) if value is not None else []


def _first_id(value: object) -> str | None:
    found = _ids(value)
    return found[0] if found else None


def _refers_to(message: Message) -> tuple[str, ...]:
    ordered = _ids(message.get("In-Reply-To")) + list(reversed(_ids(message.get("References"))))
    return tuple(dict.fromkeys(ordered))


def _sender(message: Message) -> str | None:
    address = parseaddr(str(message.get("From", "")))[1]
    return address.lower() or None


def _date(message: Message) -> datetime | None:
    value = message.get("Date")
    if value is None:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo is not None else None


def _bounce(message: Message) -> Bounce | None:
    if message.get_content_type() != "multipart/report":
        return None
    if str(message.get_param("report-type", "")).lower() != "delivery-status":
        return None
    recipients: list[str] = []
    original: str | None = None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            recipients.extend(_failed_recipients(part))
        elif kind == "message/rfc822" and original is None:
            inner = part.get_payload(0)
            if isinstance(inner, Message):
                original = _first_id(inner.get("Message-ID"))
        elif kind == "text/rfc822-headers" and original is None:
            original = _first_id(_headers_of(part).get("Message-ID"))
    return Bounce(tuple(recipients), original) if recipients else None


def _failed_recipients(part: Message) -> list[str]:
    """Per-recipient blocks of a delivery-status part whose Action is `failed`."""
    blocks = part.get_payload()
    found: list[str] = []
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, Message):
            continue
        if str(block.get("Action", "")).strip().lower() != "failed":
            continue
        recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
        address = recipient.partition(";")[2].strip() or recipient.strip()
        if address:
            found.append(address.lower())
    return found


def _headers_of(part: Message) -> Message:
    payload = part.get_payload(decode=True)
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)
    return HeaderParser().parsestr(text)
