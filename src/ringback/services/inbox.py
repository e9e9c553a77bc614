"""Replies in (issue 6): read new mail, log replies and bounces on the right contact.

A reply is matched by the Message-IDs it refers to (our sent emails' touches carry
them as external_id), else by the sender's address; it is logged `replied`
(inbound), which pauses the cadence on every channel (R12). A bounce marks the
address bounced (R11): email steps are no longer planned and the contact moves to
its other channels, or to missed when it has none. Automatic answers (out of
office) are skipped. Each message is handled in its own transaction together with
the mailbox's read position, so a crash never logs a message twice or skips one;
re-reading the same message finds its touch by external_id and logs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ringback.adapters.email.inbound import InboundMail, parse_inbound
from ringback.domain.errors import RingbackError
from ringback.domain.model import Channel, Direction, Outcome, Touch, utc
from ringback.services.contacts import UowFactory
from ringback.services.ports import Mailbox, UnitOfWork
from ringback.services.touches import record_touch


@dataclass
class PollReport:
    replies: list[int] = field(default_factory=list)  # contact ids
    bounces: list[int] = field(default_factory=list)
    ignored: int = 0


def poll_mailbox(uow_factory: UowFactory, mailbox: Mailbox, now: datetime) -> PollReport:
    """Read the mail that arrived since the last poll and log what it means."""
    now = utc(now)
    name = mailbox.mailbox
    with uow_factory() as uow:
        cursor = uow.outbox.cursor(name)
    new = mailbox.fetch_new(cursor)
    report = PollReport()
    for uid, raw in new.messages:
        with uow_factory() as uow:
            _handle(uow, parse_inbound(raw), f"{name}:{new.uidvalidity}:{uid}", now, report)
            uow.outbox.save_cursor(name, new.uidvalidity, uid, now)
            uow.commit()
    if not new.messages and (cursor is None or cursor[0] != new.uidvalidity):
        with uow_factory() as uow:
            uow.outbox.save_cursor(name, new.uidvalidity, 0, now)
            uow.commit()
    return report


def _handle(
    uow: UnitOfWork, mail: InboundMail, where: str, now: datetime, report: PollReport
) -> None:
    touch = _bounce_touch(uow, mail, where, now) if mail.bounce else None
    if touch is None and mail.bounce is None and not mail.automatic:
        touch = _reply_touch(uow, mail, where, now)
    if touch is None:
        report.ignored += 1
        return
    try:
        logged = record_touch(uow, touch)
    except RingbackError:  # e.g. a bounce for a do-not-contact contact (R12)
        report.ignored += 1
        return
    if not logged.duplicate:
        (report.bounces if touch.outcome is Outcome.BOUNCED else report.replies).append(
            touch.contact_id
        )


def _bounce_touch(uow: UnitOfWork, mail: InboundMail, where: str, now: datetime) -> Touch | None:
    assert mail.bounce is not None
    found = _whose(uow, (mail.bounce.original_message_id or "",), mail.bounce.recipients)
    if found is None:
        return None
    contact_id, user = found
    return Touch(
        contact_id=contact_id,
        channel=Channel.EMAIL,
        outcome=Outcome.BOUNCED,
        at=_when(mail, now),
        user=user,
        notes=f"Bounced: {', '.join(mail.bounce.recipients)}",
        external_id=f"bounce:{mail.message_id or where}",
    )


def _reply_touch(uow: UnitOfWork, mail: InboundMail, where: str, now: datetime) -> Touch | None:
    found = _whose(uow, mail.refers_to, (mail.sender,) if mail.sender else ())
    if found is None:
        return None
    contact_id, user = found
    return Touch(
        contact_id=contact_id,
        channel=Channel.EMAIL,
        outcome=Outcome.REPLIED,
        direction=Direction.INBOUND,
        at=_when(mail, now),
        user=user,
        notes=f"Email reply from {mail.sender}" if mail.sender else "Email reply",
        external_id=f"reply:{mail.message_id or where}",
    )


def _whose(
    uow: UnitOfWork, message_ids: tuple[str, ...], addresses: tuple[str, ...]
) -> tuple[int, str | None] | None:
    """The contact (and the user who wrote to them) a message answers: by the email of
    ours it names, else by address; None when neither is known."""
    sent = _touch_by_message_id(uow, message_ids)
    if sent is not None:
        return sent.contact_id, sent.user
    contact_id = _contact_by_email(uow, addresses)
    return None if contact_id is None else (contact_id, None)


def _touch_by_message_id(uow: UnitOfWork, message_ids: tuple[str, ...]) -> Touch | None:
    for message_id in message_ids:
        if message_id:
            found = uow.touches.by_external_id(message_id)
            if found is not None:
                return found
    return None


def _contact_by_email(uow: UnitOfWork, addresses: tuple[str, ...]) -> int | None:
    """The oldest contact with one of these addresses (duplicates share an address)."""
    for address in addresses:
        ids = sorted(c.id for c in uow.contacts.by_email(address) if c.id is not None)
        if ids:
            return ids[0]
    return None


def _when(mail: InboundMail, now: datetime) -> datetime:
    """The Date the message claims, unless missing or in the future."""
    if mail.date is None or utc(mail.date) > now:
        return now
    return utc(mail.date)
