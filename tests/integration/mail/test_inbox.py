"""Replies and bounces in (issue 6): a real IMAP server (dovecot) on loopback, both databases.

Messages are appended to the server's INBOX as a mail server would deliver them;
the worker's poll reads them and logs what they mean on the right contact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from imapclient import IMAPClient

from ringback.adapters.email.imap import ImapConfig, ImapMailbox, MailboxUnavailable
from ringback.adapters.email.smtp import SmtpSender
from ringback.domain.access import Actor, Role
from ringback.domain.cadence import DEFAULT_CADENCE
from ringback.domain.cadence.channels import choose_step
from ringback.domain.model import Channel, Direction, Outcome, Status, Touch
from ringback.domain.scripts import StepKind
from ringback.services.directory import update_contact
from ringback.services.inbox import poll_mailbox
from ringback.services.outbox import queue_email, send_due
from ringback.services.touches import log_touch
from tests.integration.mail.conftest import MONDAY, SENDER, SETUP, UowFactory
from tests.integration.mail.servers import Collector, dovecot_server, smtp_server

LATER = MONDAY + timedelta(hours=2)
SENT_ID = "<first-email.1@brightside.example>"


@pytest.fixture(scope="module")
def imap() -> Iterator[ImapConfig]:
    with dovecot_server() as config:
        yield config


@pytest.fixture
def mailbox(imap: ImapConfig) -> Iterator[ImapMailbox]:
    """An empty INBOX for each test."""
    with _client(imap) as client:
        client.select_folder("INBOX")
        messages = client.search("ALL")
        if messages:
            client.delete_messages(messages)
            client.expunge()
    yield ImapMailbox(imap)


def _client(config: ImapConfig) -> IMAPClient:
    client = IMAPClient(config.host, port=config.port, ssl=False, timeout=10)
    client.login(config.user, config.password)
    return client


def deliver(config: ImapConfig, raw: str) -> None:
    with _client(config) as client:
        client.append("INBOX", raw.replace("\n", "\r\n").encode())


def reply(in_reply_to: str = "", sender: str = "alice@example.com", msg_id: str = "r1") -> str:
    threading = f"In-Reply-To: {in_reply_to}\nReferences: {in_reply_to}\n" if in_reply_to else ""
    return (
        f"From: Alice Moreno <{sender}>\nTo: jamie@brightside.example\n"
        f"Subject: Re: the data engineering roles\nMessage-ID: <{msg_id}@mail.example.com>\n"
        f"Date: Mon, 23 Nov 2026 16:30:00 +0000\n{threading}\n"
        "Happy to talk on Thursday.\n"
    )


def bounce(recipient: str = "alice@example.com", original: str = SENT_ID) -> str:
    return f"""From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: jamie@brightside.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.example.net>
Date: Mon, 23 Nov 2026 15:05:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--B
Content-Type: text/rfc822-headers

From: Jamie Doe <jamie@brightside.example>
To: {recipient}
Subject: the data engineering roles
Message-ID: {original}

--B--
"""


def sent_email(uow_factory: UowFactory, contact_id: int, message_id: str = SENT_ID) -> None:
    touch = Touch(contact_id, Channel.EMAIL, Outcome.SENT, MONDAY, user="jamie")
    log_touch(uow_factory, Touch(**{**touch.__dict__, "external_id": message_id}))


def test_a_reply_to_our_email_is_logged_and_pauses_the_cadence_r12(
    uow_factory: UowFactory,
    add_contact: Callable[..., int],
    mailbox: ImapMailbox,
    imap: ImapConfig,
) -> None:
    contact_id = add_contact()
    queue_email(uow_factory, SETUP, contact_id, SENDER, MONDAY, step=StepKind.EMAIL_FIRST)
    collector = Collector()
    with smtp_server(collector) as config:
        send_due(uow_factory, SmtpSender(config), "jamie@brightside.example", MONDAY)
    our_id = collector.received[0].message["Message-ID"]
    # A different sender address: only the In-Reply-To header can match it.
    deliver(imap, reply(in_reply_to=our_id, sender="alice.moreno@home.example"))

    report = poll_mailbox(uow_factory, mailbox, LATER)

    assert report.replies == [contact_id]
    with uow_factory() as uow:
        touches = uow.touches.for_contact(contact_id)
        state = uow.states.get(contact_id)
    replied = touches[-1]
    assert (replied.channel, replied.outcome, replied.direction) == (
        Channel.EMAIL,
        Outcome.REPLIED,
        Direction.INBOUND,
    )
    assert replied.at == MONDAY + timedelta(hours=1, minutes=30)  # the reply's Date
    assert state.status is Status.WARM
    assert (state.attempts, state.emails_unanswered) == (0, 0)  # the round starts over


def test_a_reply_is_matched_by_the_sender_address_without_references(
    uow_factory: UowFactory,
    add_contact: Callable[..., int],
    mailbox: ImapMailbox,
    imap: ImapConfig,
) -> None:
    add_contact(email="someone@else.example")
    contact_id = add_contact()
    deliver(imap, reply(sender="Alice@Example.com"))

    report = poll_mailbox(uow_factory, mailbox, LATER)

    assert report.replies == [contact_id]


def test_polls_are_incremental_and_never_log_a_message_twice(
    uow_factory: UowFactory,
    add_contact: Callable[..., int],
    mailbox: ImapMailbox,
    imap: ImapConfig,
) -> None:
    contact_id = add_contact()
    deliver(imap, reply(msg_id="r1"))
    first = poll_mailbox(uow_factory, mailbox, LATER)
    with uow_factory() as uow:
        after_first = uow.outbox.cursor(mailbox.mailbox)
    again = poll_mailbox(uow_factory, mailbox, LATER)
    deliver(imap, reply(msg_id="r2"))
    third = poll_mailbox(uow_factory, mailbox, LATER)

    assert (first.replies, again.replies, again.ignored, third.replies) == (
        [contact_id],
        [],
        0,
        [contact_id],
    )
    with uow_factory() as uow:
        cursor = uow.outbox.cursor(mailbox.mailbox)
        replies = [t for t in uow.touches.for_contact(contact_id) if t.outcome is Outcome.REPLIED]
    assert cursor is not None and after_first is not None
    assert cursor == (after_first[0], after_first[1] + 1)  # the next UID, read once
    assert len(replies) == 2


def test_a_forgotten_cursor_reads_again_but_logs_nothing_twice(
    uow_factory: UowFactory,
    add_contact: Callable[..., int],
    mailbox: ImapMailbox,
    imap: ImapConfig,
) -> None:
    contact_id = add_contact()
    deliver(imap, reply())
    poll_mailbox(uow_factory, mailbox, LATER)
    with uow_factory() as uow:
        uow.outbox.save_cursor(mailbox.mailbox, 1, 0, LATER)  # another UIDVALIDITY
        uow.commit()

    again = poll_mailbox(uow_factory, mailbox, LATER)

    assert again.replies == []
    with uow_factory() as uow:
        assert len(uow.touches.for_contact(contact_id)) == 1


def test_a_bounce_marks_the_address_and_moves_the_contact_to_calls_r11(
    uow_factory: UowFactory,
    add_contact: Callable[..., int],
    mailbox: ImapMailbox,
    imap: ImapConfig,
) -> None:
    contact_id = add_contact(email_first=True)
    sent_email(uow_factory, contact_id)
    deliver(imap, bounce())

    report = poll_mailbox(uow_factory, mailbox, LATER)

    assert (report.bounces, report.replies) == ([contact_id], [])
    with uow_factory() as uow:
        contact = uow.contacts.get(contact_id)
        state = uow.states.get(contact_id)
        bounced = uow.touches.for_contact(contact_id)[-1]
    assert bounced.outcome is Outcome.BOUNCED
    assert state.email_bounced and state.status is not Status.MISSED
    step = choose_step(DEFAULT_CADENCE, contact, state).step
    assert step is not None and step.channel is Channel.CALL


def test_a_bounce_for_a_contact_without_a_phone_makes_it_missed_r11(
    uow_factory: UowFactory,
    add_contact: Callable[..., int],
    mailbox: ImapMailbox,
    imap: ImapConfig,
) -> None:
    contact_id = add_contact(phones=())
    deliver(imap, bounce(original="<not-ours@elsewhere.example>"))  # matched by recipient

    report = poll_mailbox(uow_factory, mailbox, LATER)

    assert report.bounces == [contact_id]
    with uow_factory() as uow:
        state = uow.states.get(contact_id)
    assert state.status is Status.MISSED and state.next_due_at is None


def test_an_out_of_office_answer_is_not_a_reply(
    uow_factory: UowFactory,
    add_contact: Callable[..., int],
    mailbox: ImapMailbox,
    imap: ImapConfig,
) -> None:
    contact_id = add_contact()
    deliver(imap, "Auto-Submitted: auto-replied\n" + reply())

    report = poll_mailbox(uow_factory, mailbox, LATER)

    assert (report.replies, report.ignored) == ([], 1)
    with uow_factory() as uow:
        assert uow.touches.for_contact(contact_id) == []


def test_a_new_address_after_a_bounce_makes_email_possible_again_r11(
    uow_factory: UowFactory,
    add_contact: Callable[..., int],
    mailbox: ImapMailbox,
    imap: ImapConfig,
) -> None:
    contact_id = add_contact(phones=())
    deliver(imap, bounce())
    poll_mailbox(uow_factory, mailbox, LATER)
    owner = Actor("jamie", Role.OWNER)

    _, same = update_contact(uow_factory, owner, contact_id, {"company": "Northwind"}, "US")
    _, state = update_contact(uow_factory, owner, contact_id, {"email": "alice@new.example"}, "US")

    assert same.email_bounced and same.status is Status.MISSED
    assert not state.email_bounced and state.status is not Status.MISSED
    assert state.next_due_at is not None


def test_a_refused_login_is_reported_and_moves_nothing(
    uow_factory: UowFactory, imap: ImapConfig
) -> None:
    wrong = ImapMailbox(replace(imap, password="not-the-password"))

    with pytest.raises(MailboxUnavailable, match="IMAP 127.0.0.1"):
        poll_mailbox(uow_factory, wrong, LATER)

    with uow_factory() as uow:
        assert uow.outbox.cursor(wrong.mailbox) is None
