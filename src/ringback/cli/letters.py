"""`ringback propose`, `letter` and `letters`: the mail that sets a call (R9, R10).

`propose` finds two times for a call and renders the email offering them, with one
.ics invite per time. `letter` prints one contact's letter and reply postcard to a
PDF; `letters` prints every letter in the day's plan into one PDF. Nothing is sent
or logged here: log `email / sent` or `letter / mailed` once it has gone.

Public contract (docs/cli.md): `propose --json` prints the contact, the slots with
`start`/`end` in ISO 8601 UTC and `local_start` in the contact's zone, the email's
subject and text, the invite paths written and the rule trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from ringback.adapters.documents.invites import call_email_message, slot_invites
from ringback.adapters.documents.letters import write_letters_pdf
from ringback.bootstrap import App
from ringback.cli.common import (
    app_of,
    console,
    errors,
    fail,
    local,
    parse_instant,
    print_json,
    user_errors,
)
from ringback.domain.call_email import CallEmail, slot_texts
from ringback.domain.correspondence import contact_country
from ringback.domain.errors import InvalidField
from ringback.domain.letters import Letter
from ringback.domain.sender import Sender
from ringback.services.contacts import find_contact
from ringback.services.letters import (
    PaperChoice,
    Skipped,
    check_sender,
    letter_for,
    letters_due,
)
from ringback.services.slots import CallProposal, call_email, propose_call_times
from ringback.views import iso

NO_SENDER_NAME = "a letter is signed with your name: set RINGBACK_SENDER_NAME"
UNSIGNED_HINT = "note: signed as {name!r}; set RINGBACK_SENDER_NAME to sign with your name"
OUTPUT_HELP = "The PDF file to write."


def register(app: typer.Typer) -> None:
    app.command("propose")(propose)
    app.command("letter")(letter)
    app.command("letters")(letters)


def propose(
    ctx: typer.Context,
    contact: str = typer.Argument(..., help="Id, phone number, email or name."),
    minutes: int = typer.Option(15, "--minutes", min=5, max=240, help="Length of the call."),
    lead_hours: int = typer.Option(
        24, "--lead-hours", min=0, help="Earliest time, in hours from now."
    ),
    user: str | None = typer.Option(
        None, "--user", help="Whose appointments to keep clear (default: you)."
    ),
    at: str | None = typer.Option(None, "--at", help="As of this instant, ISO 8601 (default now)."),
    ics_dir: Path | None = typer.Option(
        None, "--ics-dir", help="Write one .ics invite per time here, and the email as .eml."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the proposal as JSON."),
) -> None:
    """Two times for a call in the contact's window and free in your calendar, and the
    email offering them with an invite for each (R9, R10)."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        now = parse_instant(at, "at", app.settings.user_timezone) or datetime.now(UTC)
        contact_id = _contact_id(app, contact)
        proposed = propose_call_times(
            app.uow_factory(),
            contact_id,
            now,
            user or app.settings.user,
            timedelta(minutes=minutes),
            lead=timedelta(hours=lead_hours),
        )
        sender = app.sender()
        email = call_email(proposed, sender)
    if not app.settings.sender_name:
        errors.print(UNSIGNED_HINT.format(name=sender.name), highlight=False)
    written = _write_invites(proposed, email, sender, now, ics_dir) if ics_dir else []
    if as_json:
        print_json(_proposal_public(proposed, email, app.settings.user_timezone, written))
        return
    _print_proposal(proposed, email, app.settings.user_timezone, written)


def letter(
    ctx: typer.Context,
    contact: str = typer.Argument(..., help="Id, phone number, email or name."),
    output: Path = typer.Option(..., "--output", "-o", help=OUTPUT_HELP),
    day: str | None = typer.Option(
        None, "--date", help="The letter's date, YYYY-MM-DD (default today)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """One contact's letter and self-addressed reply postcard, as a printable PDF (R9)."""
    app = app_of(ctx)
    sender = _letter_sender(app)
    with user_errors():
        when = _day(day, app.settings.user_timezone)
        app.ensure_schema()
        found = letter_for(app.uow_factory(), _contact_id(app, contact), sender, when, _paper(app))
        write_letters_pdf([found], output, title=f"Letter to {found.recipient[0]}")
    _report([found], (), output, when, as_json)


def letters(
    ctx: typer.Context,
    output: Path = typer.Option(..., "--output", "-o", help=OUTPUT_HELP),
    day: str | None = typer.Option(
        None, "--date", help="The day whose plan to print, YYYY-MM-DD (default today)."
    ),
    user: str | None = typer.Option(None, "--user", help="Print this user's letters."),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Every letter in the day's plan, each with its reply postcard, in one PDF (R9)."""
    app = app_of(ctx)
    sender = _letter_sender(app)
    zone = app.settings.user_timezone
    with user_errors():
        when = _day(day, zone)
        start = datetime.combine(when, time(0), ZoneInfo(zone)).astimezone(UTC)
        app.ensure_schema()
        batch = letters_due(
            app.uow_factory(), start, start + timedelta(days=1), when, sender, _paper(app),
            user=user,
        )  # fmt: skip
        if batch.letters:
            write_letters_pdf(batch.letters, output, title=f"Letters of {when.isoformat()}")
    _report(list(batch.letters), batch.skipped, output if batch.letters else None, when, as_json)


def _letter_sender(app: App) -> Sender:
    if not app.settings.sender_name:
        fail(NO_SENDER_NAME)
    with user_errors():
        sender = check_sender(app.sender())
    return sender


def _contact_id(app: App, ref: str) -> int:
    with app.uow_factory()() as uow:
        found = find_contact(uow, ref, app.settings.default_region).id
    assert found is not None
    return found


def _day(text: str | None, zone: str) -> date:
    if text is None:
        return datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidField("date", f"{text!r} is not a date like 2026-11-24") from None


def _paper(app: App) -> PaperChoice:
    return PaperChoice(app.settings.paper_size, app.settings.default_region)


def _write_invites(
    proposed: CallProposal, email: CallEmail, sender: Sender, now: datetime, folder: Path
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    invites = slot_invites(proposed.contact, sender, proposed.proposal.slots, now)
    written = []
    for invite in invites:
        path = folder / invite.filename
        path.write_bytes(invite.data)
        written.append(path)
    message = call_email_message(email, proposed.contact, sender, invites)
    eml = folder / f"call-{proposed.contact.id}-email.eml"
    eml.write_bytes(message.as_bytes())
    return [*written, eml]


def _proposal_public(
    proposed: CallProposal, email: CallEmail, user_zone: str, written: list[Path]
) -> dict[str, Any]:
    contact, proposal = proposed.contact, proposed.proposal
    texts = slot_texts(proposal.slots, contact_country(contact))
    return {
        "contact_id": contact.id,
        "name": contact.full_name,
        "timezone": proposal.timezone,
        "user_timezone": user_zone,
        "minutes": int(proposed.duration.total_seconds() // 60),
        "slots": [
            {
                "start": iso(slot.start),
                "end": iso(slot.end),
                "local_start": slot.local_start.isoformat(),
                "user_start": slot.start.astimezone(ZoneInfo(user_zone)).isoformat(),
                "text": text,
            }
            for slot, text in zip(proposal.slots, texts, strict=True)
        ],
        "email": {"to": email.to, "subject": email.subject, "text": email.text},
        "files": [str(path) for path in written],
        "trace": [
            {"rule": d.rule, "effect": str(d.effect), "message": d.message} for d in proposal.trace
        ],
    }


def _print_proposal(
    proposed: CallProposal, email: CallEmail, user_zone: str, written: list[Path]
) -> None:
    contact, proposal = proposed.contact, proposed.proposal
    minutes = int(proposed.duration.total_seconds() // 60)
    table = Table(
        title=f"{contact.full_name} (#{contact.id}): a {minutes}-minute call (R9)",
        title_justify="left",
    )
    for column in ("#", f"Their time ({proposal.timezone})", f"Your time ({user_zone})"):
        table.add_column(column)
    for n, slot in enumerate(proposal.slots, start=1):
        theirs = local(slot.start, proposal.timezone, "%a %d %b %H:%M %Z")
        table.add_row(str(n), theirs, local(slot.start, user_zone, "%a %d %b %H:%M %Z"))
    console.print(table)
    for d in proposal.trace:
        console.print(f"  {d.rule:>4} {d.effect:<7} {d.message}", highlight=False)
    console.print(f"\nTo: {email.to or '(no email address known)'}", highlight=False)
    console.print(f"Subject: {email.subject}\n", highlight=False, markup=False)
    console.print(email.text, highlight=False, markup=False, soft_wrap=True)
    for path in written:
        console.print(f"Wrote {path}", highlight=False, soft_wrap=True)


def _report(
    printed: list[Letter],
    skipped: Sequence[Skipped],
    output: Path | None,
    day: date,
    as_json: bool,
) -> None:
    if as_json:
        print_json(
            {
                "date": day.isoformat(),
                "output": str(output) if output else None,
                "letters": [
                    {"contact_id": one.contact_id, "name": one.recipient[0], "paper": one.paper}
                    for one in printed
                ],
                "skipped": [
                    {"contact_id": s.contact_id, "name": s.name, "reason": s.reason}
                    for s in skipped
                ],
            }
        )
        return
    for s in skipped:
        console.print(f"Skipped {s.name} (#{s.contact_id}): {s.reason}", highlight=False)
    if output is None:
        console.print(f"No letters due on {day.isoformat()}.")
        return
    console.print(f"Wrote {len(printed)} letter(s) with reply postcards to {output}.")
    console.print(
        "Once posted, log each: ringback log CONTACT --channel letter --outcome mailed",
        highlight=False,
    )
