"""Email and calendars (issue 6): `ringback email`, `invite`, `worker`, `calendar-url`.

`email` renders the contact's email step and queues it in the outbox; `worker`
sends what is due over SMTP and reads replies and bounces over IMAP, in rounds;
`invite` emails an appointment's invite (or its cancellation); `calendar-url`
prints (or replaces) your secret calendar feed address.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import UTC, datetime

import typer

from ringback.adapters.email.imap import MailboxUnavailable
from ringback.bootstrap import App
from ringback.cli.common import (
    app_of,
    console,
    errors,
    fail,
    parse_instant,
    print_json,
    user_errors,
)
from ringback.domain.access import Actor, Role
from ringback.domain.scripts import parse_step
from ringback.services import calendar, inbox, outbox
from ringback.services.contacts import find_contact
from ringback.views import outbox_public

STEP_HELP = "email_first, email_followup or email_slots (default: the contact's next step)."


def register(app: typer.Typer) -> None:
    app.command("email")(email)
    app.command("invite")(invite)
    app.command("worker")(worker)
    app.command("calendar-url")(calendar_url)


def email(
    ctx: typer.Context,
    contact: str = typer.Argument(..., help="Id, phone number, email or name."),
    step: str | None = typer.Option(None, "--step", help=STEP_HELP),
    template: str | None = typer.Option(None, "--template", help="KEY or KEY:VARIANT."),
    at: str | None = typer.Option(None, "--at", help="As of this instant, ISO 8601 (default now)."),
    send_now: bool = typer.Option(
        False, "--send-now", help="Send it at once instead of leaving it to `ringback worker`."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the queued email as JSON."),
) -> None:
    """Queue the contact's next email (rendered like `ringback script`) in the outbox.

    Examples:

        ringback email 42                      # the email step the plan proposes

        ringback email "Alice Moreno" --step email_followup --send-now

    Needs RINGBACK_PUBLIC_BASE_URL (for the unsubscribe link) and RINGBACK_MAIL_FROM or
    RINGBACK_SENDER_EMAIL. Refused for contacts who unsubscribed or bounced (R11, R12).
    """
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        when = parse_instant(at, "at", app.settings.user_timezone) or datetime.now(UTC)
        job = outbox.queue_email(
            app.uow_factory(),
            app.mail_setup(),
            _contact_id(app, contact),
            app.sender(),
            when,
            step=parse_step(step) if step else None,
            template=template,
            user_name=app.settings.user,
            audience=app.settings.audience,
            phrases=app.flagged_phrases(),
        )
    report = _send_round(app, when) if send_now else None
    if as_json:
        print_json({**outbox_public(job), "round": asdict(report) if report else None})
        return
    console.print(f"Queued email {job.id} to {job.to_address}: {job.subject}", highlight=False)
    if report is not None:
        console.print(_round_text(report), highlight=False)


def invite(
    ctx: typer.Context,
    appointment: int = typer.Argument(..., help="The appointment's id."),
    as_json: bool = typer.Option(False, "--json", help="Print the queued email as JSON."),
) -> None:
    """Email an appointment's invite to the contact (R3): a REQUEST while it stands, with
    SEQUENCE grown by every change, or a CANCEL once cancelled.

    Example: ringback invite 7 && ringback worker --once
    """
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        actor = Actor(app.settings.user, Role.OWNER)
        job = calendar.queue_invite(
            app.uow_factory(), app.mail_setup(), actor, appointment, datetime.now(UTC)
        )
    if as_json:
        print_json(outbox_public(job))
        return
    console.print(f"Queued invite {job.id} to {job.to_address}: {job.subject}", highlight=False)


def worker(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="One round, then exit (for cron)."),
    as_json: bool = typer.Option(False, "--json", help="Print each round as a JSON line."),
) -> None:
    """Send due emails over SMTP and read replies and bounces over IMAP, every
    `worker_interval_seconds`. Run as many workers as you like on one
    PostgreSQL database: they never send an email twice.

    Examples:

        RINGBACK_SMTP_HOST=smtp.example.com RINGBACK_IMAP_HOST=imap.example.com ringback worker

        ringback worker --once --json
    """
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
    if app.smtp_sender() is None and app.mailbox() is None:
        fail("nothing to do: set RINGBACK_SMTP_HOST and/or RINGBACK_IMAP_HOST")
    while True:
        now = datetime.now(UTC)
        with user_errors():
            report = _send_round(app, now)
            polled = _poll_round(app, now)
        _print_round(report, polled, as_json)
        if once:
            return
        time.sleep(app.settings.worker_interval_seconds)


def calendar_url(
    ctx: typer.Context,
    rotate: bool = typer.Option(
        False, "--rotate", help="Make a new address; the old one stops working."
    ),
    user: str | None = typer.Option(None, "--user", help="Whose feed (default: you)."),
    as_json: bool = typer.Option(False, "--json", help='Print {"user", "url"}.'),
) -> None:
    """Print your secret calendar feed address: your appointments and promised
    call-backs, for Google, Apple or Outlook calendar ("subscribe by URL").

    Example: ringback calendar-url --rotate
    """
    app = app_of(ctx)
    name = user or app.settings.user
    with user_errors():
        app.ensure_schema()
        setup, factory = app.mail_setup(), app.uow_factory()
        if rotate:
            url = calendar.rotate_calendar_url(factory, setup, name, datetime.now(UTC))
        else:
            url = calendar.calendar_url(factory, setup, name)
    if as_json:
        print_json({"user": name, "url": url})
    else:
        typer.echo(url)


def _send_round(app: App, now: datetime) -> outbox.SendReport | None:
    sender = app.smtp_sender()
    if sender is None:
        return None
    envelope_from = app.mail_setup().from_address().email
    return outbox.send_due(app.uow_factory(), sender, envelope_from, now)


def _poll_round(app: App, now: datetime) -> inbox.PollReport | None:
    mailbox = app.mailbox()
    if mailbox is None:
        return None
    try:
        return inbox.poll_mailbox(app.uow_factory(), mailbox, now)
    except MailboxUnavailable as error:  # try again next round
        errors.print(str(error), style="yellow", highlight=False)
        return None


def _print_round(
    report: outbox.SendReport | None, polled: inbox.PollReport | None, as_json: bool
) -> None:
    if as_json:
        print_json(
            {
                "sent": asdict(report) if report else None,
                "read": asdict(polled) if polled else None,
            }
        )
        return
    if report is not None:
        console.print(_round_text(report), highlight=False)
    if polled is not None:
        console.print(
            f"Read: {len(polled.replies)} replies, {len(polled.bounces)} bounces, "
            f"{polled.ignored} other messages",
            highlight=False,
        )


def _round_text(report: outbox.SendReport) -> str:
    return f"Sent {len(report.sent)}, to retry {len(report.retrying)}, failed {len(report.failed)}"


def _contact_id(app: App, ref: str) -> int:
    with app.uow_factory()() as uow:
        found = find_contact(uow, ref, app.settings.default_region)
    assert found.id is not None
    return found.id
