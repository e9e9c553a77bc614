"""The pure parts of email (issue 6): backoff, signed links, reading replies and bounces,
and what an unsubscribe does to the follow-up state (R11, R12)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ringback.adapters.auth.signed_links import (
    feed_token,
    read_feed_token,
    read_unsubscribe_token,
    unsubscribe_token,
)
from ringback.adapters.email.inbound import parse_inbound
from ringback.domain.cadence import DEFAULT_CADENCE
from ringback.domain.cadence.channels import choose_step
from ringback.domain.errors import InvalidField
from ringback.domain.model import (
    Channel,
    Contact,
    Direction,
    FollowUpState,
    Outcome,
    Phone,
    Status,
    Touch,
)
from ringback.domain.outbox import MAX_ATTEMPTS, after_failure, email_refusal, retry_delay
from ringback.domain.state import advance

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
SECRET = "x" * 40


def test_retry_delays_double_and_are_capped() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(30) == timedelta(hours=6)


def test_a_temporary_failure_is_retried_until_the_attempts_run_out() -> None:
    soon = after_failure(1, False, "451 busy", NOW)
    assert (soon.permanent, soon.retry_at) == (False, NOW + timedelta(minutes=1))
    last = after_failure(MAX_ATTEMPTS, False, "451 busy", NOW)
    assert last.permanent and "gave up" in last.error
    assert after_failure(1, True, "550 no such user", NOW).retry_at is None


def test_unsubscribe_tokens_round_trip_and_refuse_tampering() -> None:
    token = unsubscribe_token(SECRET, 7, "alice@example.com")
    assert read_unsubscribe_token(SECRET, token) == (7, "alice@example.com")
    with pytest.raises(InvalidField, match="token"):
        read_unsubscribe_token("y" * 40, token)  # another key
    with pytest.raises(InvalidField, match="token"):
        read_unsubscribe_token(SECRET, token.replace(".", ".x", 1))


def test_a_feed_token_is_no_unsubscribe_token() -> None:
    feed = feed_token(SECRET, "olivia", 0)
    assert read_feed_token(SECRET, feed) == ("olivia", 0)
    with pytest.raises(InvalidField):
        read_unsubscribe_token(SECRET, feed)


REPLY = b"""From: "Alice Moreno" <Alice@Example.com>
To: jamie@brightside.example
Subject: Re: hello
Message-ID: <r1@mail.example.com>
In-Reply-To: <a1@brightside.example>
References: <a0@brightside.example> <a1@brightside.example>
Date: Mon, 23 Nov 2026 16:30:00 +0000

Yes, let's talk.
"""


def test_a_reply_names_the_messages_it_answers_newest_first() -> None:
    mail = parse_inbound(REPLY)
    assert mail.sender == "alice@example.com"
    assert mail.refers_to == ("<a1@brightside.example>", "<a0@brightside.example>")
    assert mail.bounce is None and not mail.automatic
    assert mail.date == datetime(2026, 11, 23, 16, 30, tzinfo=UTC)


def dsn(action: str) -> bytes:
    return f"""From: MAILER-DAEMON@mx.example.net
Subject: Delivery Status Notification
Message-ID: <dsn@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

See below.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; Alice@Example.com
Action: {action}
Status: 5.1.1

--B
Content-Type: message/rfc822

From: jamie@brightside.example
To: alice@example.com
Message-ID: <a1@brightside.example>
Subject: hello

Hello.

--B--
""".replace("\n", "\r\n").encode()


def test_a_failed_delivery_report_is_a_bounce_naming_the_original_message() -> None:
    bounce = parse_inbound(dsn("failed")).bounce
    assert bounce is not None
    assert bounce.recipients == ("alice@example.com",)
    assert bounce.original_message_id == "<a1@brightside.example>"


def test_a_delay_notice_is_no_bounce() -> None:
    assert parse_inbound(dsn("delayed")).bounce is None


def alice(**changes: object) -> Contact:
    base = Contact("Alice Moreno", "Alice", phones=(Phone("+12125550142"),), email="a@x.com")
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def test_unsubscribing_stops_email_only_r12() -> None:
    contact = alice(id=1, email_first=True)
    touch = Touch(1, Channel.EMAIL, Outcome.UNSUBSCRIBED, NOW, direction=Direction.INBOUND)

    state = advance(FollowUpState(1), touch, contact=contact)

    assert state.email_opted_out and state.status is not Status.DO_NOT_CONTACT
    assert state.status is not Status.WARM  # an unsubscribe is no engagement (R11)
    assert state.recent == ()  # not one of our touches (R14)
    step = choose_step(DEFAULT_CADENCE, contact, state).step
    assert step is not None and step.channel is Channel.CALL
    refusal = email_refusal(contact, state)
    assert refusal is not None and "R12" in str(getattr(refusal, "rule", ""))


def test_unsubscribed_without_a_phone_is_missed_r11() -> None:
    contact = alice(id=1, phones=())
    touch = Touch(1, Channel.EMAIL, Outcome.UNSUBSCRIBED, NOW, direction=Direction.INBOUND)

    state = advance(FollowUpState(1, status=Status.ACTIVE), touch, contact=contact)

    assert state.status is Status.MISSED and state.next_due_at is None
