"""Email out (issue 6) against a real SMTP server (aiosmtpd), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import icalendar
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from ringback.adapters.auth.signed_links import read_unsubscribe_token
from ringback.adapters.email.smtp import SmtpConfig, SmtpSender
from ringback.domain.errors import RuleRefusal
from ringback.domain.model import Channel, Direction, Outcome, Touch
from ringback.domain.outbox import JobState
from ringback.domain.scripts import StepKind
from ringback.services.outbox import queue_email, send_due
from ringback.services.touches import log_touch
from tests.integration.mail.conftest import MONDAY, SECRET, SENDER, SETUP, UowFactory
from tests.integration.mail.servers import Collector, free_port, smtp_server

FROM = "jamie@brightside.example"


def queue(uow_factory: UowFactory, contact_id: int, at=MONDAY):  # type: ignore[no-untyped-def]
    return queue_email(
        uow_factory, SETUP, contact_id, SENDER, at, step=StepKind.EMAIL_FIRST, user_name="jamie"
    )


def test_a_queued_email_is_sent_with_text_html_and_unsubscribe_and_logged(
    uow_factory: UowFactory, add_contact: Callable[..., int]
) -> None:
    contact_id = add_contact()
    job = queue(uow_factory, contact_id)
    collector = Collector()

    with smtp_server(collector) as config:
        report = send_due(uow_factory, SmtpSender(config), FROM, MONDAY)

    assert report.sent == [job.id]
    [received] = collector.received
    assert (received.sender, received.recipients) == (FROM, ["alice@example.com"])
    message = received.message
    assert message["Message-ID"] == job.message_id
    assert message["To"] == "Alice Moreno <alice@example.com>"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert "Alice" in text.get_content() and "Jordan Lee" in text.get_content()
    assert "<p" in html.get_content()
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://ringback.example.com/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert read_unsubscribe_token(SECRET, unsubscribe.rsplit("/", 1)[1]) == (
        contact_id,
        "alice@example.com",
    )
    assert unsubscribe in text.get_content() and unsubscribe in html.get_content()
    with uow_factory() as uow:
        touch = uow.touches.by_external_id(job.message_id)
        sent = uow.outbox.get(job.id)  # type: ignore[arg-type]
        state = uow.states.get(contact_id)
    assert touch is not None
    assert (touch.channel, touch.outcome, touch.user) == (Channel.EMAIL, Outcome.SENT, "jamie")
    assert touch.template == job.template and job.template.startswith("email.")
    assert (sent.state, sent.attempts, sent.sent_at) == (JobState.SENT, 1, MONDAY)
    assert state.emails_unanswered == 1


def test_a_451_is_retried_after_a_backoff_then_sent(
    uow_factory: UowFactory, add_contact: Callable[..., int]
) -> None:
    job = queue(uow_factory, add_contact())
    collector = Collector(answers=["451 4.3.0 Try again later"])

    with smtp_server(collector) as config:
        sender = SmtpSender(config)
        first = send_due(uow_factory, sender, FROM, MONDAY)
        too_soon = send_due(uow_factory, sender, FROM, MONDAY + timedelta(seconds=59))
        later = send_due(uow_factory, sender, FROM, MONDAY + timedelta(minutes=1))

    assert (first.retrying, too_soon.sent, too_soon.retrying, later.sent) == (
        [job.id],
        [],
        [],
        [job.id],
    )
    assert collector.tries == 2 and len(collector.received) == 1
    with uow_factory() as uow:
        sent = uow.outbox.get(job.id)  # type: ignore[arg-type]
    assert (sent.state, sent.attempts) == (JobState.SENT, 2)


def test_backoff_doubles_with_each_temporary_failure(
    uow_factory: UowFactory, add_contact: Callable[..., int]
) -> None:
    job = queue(uow_factory, add_contact())
    collector = Collector(answers=["451 busy", "421 closing", "452 full"])
    waits = []
    at = MONDAY
    with smtp_server(collector) as config:
        for _ in range(3):
            send_due(uow_factory, SmtpSender(config), FROM, at)
            with uow_factory() as uow:
                retry_at = uow.outbox.get(job.id).next_attempt_at  # type: ignore[arg-type]
            waits.append(retry_at - at)
            at = retry_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]


def test_a_550_fails_for_good_and_logs_no_touch(
    uow_factory: UowFactory, add_contact: Callable[..., int]
) -> None:
    contact_id = add_contact()
    job = queue(uow_factory, contact_id)
    collector = Collector(answers=["550 5.1.1 No such user"])

    with smtp_server(collector) as config:
        report = send_due(uow_factory, SmtpSender(config), FROM, MONDAY)
        again = send_due(uow_factory, SmtpSender(config), FROM, MONDAY + timedelta(days=1))

    assert (report.failed, again.sent, again.failed) == ([job.id], [], [])
    with uow_factory() as uow:
        failed = uow.outbox.get(job.id)  # type: ignore[arg-type]
        touches = uow.touches.for_contact(contact_id)
    assert (failed.state, failed.permanent) == (JobState.FAILED, True)
    assert failed.last_error is not None and "550" in failed.last_error
    assert touches == []


def test_no_server_listening_is_a_temporary_failure(
    uow_factory: UowFactory, add_contact: Callable[..., int]
) -> None:
    job = queue(uow_factory, add_contact())
    closed = SmtpConfig("127.0.0.1", free_port(), starttls=False, timeout_s=2)

    report = send_due(uow_factory, SmtpSender(closed), FROM, MONDAY)

    assert report.retrying == [job.id]
    with uow_factory() as uow:
        queued = uow.outbox.get(job.id)  # type: ignore[arg-type]
    assert (queued.state, queued.permanent) == (JobState.QUEUED, False)
    assert queued.next_attempt_at == MONDAY + timedelta(minutes=1)


def test_an_email_queued_before_an_unsubscribe_is_never_sent_r12(
    uow_factory: UowFactory, add_contact: Callable[..., int]
) -> None:
    contact_id = add_contact()
    job = queue(uow_factory, contact_id)
    unsubscribed = Touch(
        contact_id, Channel.EMAIL, Outcome.UNSUBSCRIBED, MONDAY, direction=Direction.INBOUND
    )
    log_touch(uow_factory, unsubscribed)
    collector = Collector()

    with smtp_server(collector) as config:
        report = send_due(uow_factory, SmtpSender(config), FROM, MONDAY)

    assert (report.failed, collector.tries) == ([job.id], 0)
    with uow_factory() as uow:
        failed = uow.outbox.get(job.id)  # type: ignore[arg-type]
    assert failed.last_error is not None and "R12" in failed.last_error


@pytest.mark.parametrize(
    ("outcome", "direction", "rule"),
    [
        (Outcome.UNSUBSCRIBED, Direction.INBOUND, "R12"),
        (Outcome.BOUNCED, Direction.OUTBOUND, "R11"),
        (Outcome.DO_NOT_CONTACT, Direction.OUTBOUND, "R12"),
    ],
)
def test_no_email_is_queued_to_an_unsubscribed_bounced_or_do_not_contact_address(
    uow_factory: UowFactory,
    add_contact: Callable[..., int],
    outcome: Outcome,
    direction: Direction,
    rule: str,
) -> None:
    contact_id = add_contact()
    log_touch(uow_factory, Touch(contact_id, Channel.EMAIL, outcome, MONDAY, direction=direction))

    with pytest.raises(RuleRefusal) as refused:
        queue(uow_factory, contact_id, MONDAY + timedelta(hours=1))

    assert refused.value.rule == rule
    with uow_factory() as uow:
        assert uow.outbox.recent() == []


def test_two_workers_on_one_database_never_send_a_job_twice(
    uow_factory: UowFactory, add_contact: Callable[..., int]
) -> None:
    jobs = {queue(uow_factory, add_contact(email=f"p{n}@example.com")).id for n in range(24)}
    collector = Collector()
    reports = []

    with smtp_server(collector) as config:

        def worker() -> None:
            for _ in range(10):
                reports.append(send_due(uow_factory, SmtpSender(config), FROM, MONDAY, limit=2))

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    sent = [job_id for report in reports for job_id in report.sent]
    assert sorted(sent) == sorted(jobs)  # each job sent once, by one worker
    ids = [received.message["Message-ID"] for received in collector.received]
    assert len(ids) == len(set(ids)) == 24


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # SQLite: one writer at a time
def test_on_postgresql_a_claim_skips_rows_another_worker_holds(
    db_url: str, uow_factory: UowFactory, add_contact: Callable[..., int]
) -> None:
    """FOR UPDATE SKIP LOCKED: the second worker neither waits nor takes the first's jobs."""
    ids = {queue(uow_factory, add_contact(email=f"p{n}@example.com")).id for n in range(4)}
    with uow_factory() as first, uow_factory() as second:
        held = first.outbox.claim_due(MONDAY, 2)  # not committed: the rows stay locked
        other = second.outbox.claim_due(MONDAY, 5)
        second.commit()
        first.commit()
    assert len(held) == 2 and len(other) == 2
    assert {j.id for j in held} | {j.id for j in other} == ids
    assert not {j.id for j in held} & {j.id for j in other}


def test_a_refused_smtp_login_is_temporary_so_the_email_waits_for_the_fix(
    uow_factory: UowFactory, add_contact: Callable[..., int]
) -> None:
    job = queue(uow_factory, add_contact())
    collector = Collector()

    def refuse(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        return AuthResult(success=False, handled=False)

    port = free_port()
    controller = Controller(
        collector, hostname="127.0.0.1", port=port, authenticator=refuse, auth_require_tls=False
    )
    controller.start()
    try:
        config = SmtpConfig("127.0.0.1", port, "jamie", "wrong", starttls=False, timeout_s=5)
        report = send_due(uow_factory, SmtpSender(config), FROM, MONDAY)
    finally:
        controller.stop()

    assert (report.retrying, collector.tries) == ([job.id], 0)
    with uow_factory() as uow:
        waiting = uow.outbox.get(job.id)  # type: ignore[arg-type]
    assert (waiting.state, waiting.permanent) == (JobState.QUEUED, False)
    assert waiting.last_error is not None and "535" in waiting.last_error


def test_after_three_voicemails_the_email_proposes_two_times_with_invites_r9(
    uow_factory: UowFactory, add_contact: Callable[..., int]
) -> None:
    contact_id = add_contact()
    for days_ago in (15, 8, 1):
        at = MONDAY - timedelta(days=days_ago)
        log_touch(uow_factory, Touch(contact_id, Channel.CALL, Outcome.VOICEMAIL_LEFT, at))

    job = queue_email(uow_factory, SETUP, contact_id, SENDER, MONDAY, user_name="jamie")

    assert job.template is not None and job.template.startswith("email.set_call")
    collector = Collector()
    with smtp_server(collector) as config:
        send_due(uow_factory, SmtpSender(config), FROM, MONDAY)
    message = collector.received[0].message
    invites = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(invites) == 2
    assert all(p.get_param("method") == "REQUEST" for p in invites)
    starts = []
    for part in invites:
        data = part.get_payload(decode=True)
        assert isinstance(data, bytes)
        [event] = icalendar.Calendar.from_ical(data).walk("VEVENT")
        starts.append(event.decoded("dtstart"))
    text = message.get_body(("plain",))
    assert text is not None
    assert len(set(starts)) == 2 and all(start > MONDAY for start in starts)
