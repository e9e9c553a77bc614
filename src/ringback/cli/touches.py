"""`ringback log`: record a call, voicemail, email, letter or meeting after the fact."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

import typer

from ringback.cli.common import app_of, console, local, parse_instant, print_json, user_errors
from ringback.domain.access import Actor, Role
from ringback.domain.errors import InvalidField
from ringback.domain.model import Channel, Direction, NextStepKind, Outcome, Touch
from ringback.domain.scripts import parse_ref
from ringback.services.calendar import invite_for_logged
from ringback.services.contacts import find_contact
from ringback.services.touches import log_touch
from ringback.views import state_public, touch_public

E = TypeVar("E", bound=StrEnum)


def register(app: typer.Typer) -> None:
    app.command("log")(log)


def parse_choice(kind: type[E], value: str, field: str) -> E:
    """An enum member from user text, or an InvalidField listing the choices."""
    text = value.strip().lower()
    for member in kind:
        if text in (member.value, member.value.replace("_", "-"), member.value.replace("-", "_")):
            return member
    names = ", ".join(m.value for m in kind)
    raise InvalidField(field, f"{value!r} is unknown; use one of: {names}")


def log(
    ctx: typer.Context,
    contact: str = typer.Argument(..., help="Id, phone number (any format), email or name."),
    channel: str = typer.Option(
        ..., "--channel", help="call, voicemail, email, letter, sms, meeting."
    ),
    outcome: str = typer.Option(
        ...,
        "--outcome",
        help="connected, no_answer, busy, voicemail_left, voicemail_skipped, wrong_number, "
        "disconnected, sent, bounced, replied, unsubscribed, mailed, callback_received, "
        "inbound_email, "
        "not_interested, call_later, meeting_booked, do_not_contact.",
    ),
    direction: str = typer.Option("outbound", "--direction", help="outbound or inbound."),
    at: str | None = typer.Option(
        None, "--at", help="When it happened, ISO 8601 (default now; no offset = your zone)."
    ),
    notes: str | None = typer.Option(None, "--notes"),
    duration: int | None = typer.Option(None, "--duration", help="Seconds.", min=0),
    next_at: str | None = typer.Option(
        None, "--next-at", help="Time of the next step: the appointment or promised call-back."
    ),
    next_kind: str | None = typer.Option(
        None, "--next-kind", help="appointment or call-back (R3). Default for --next-at: call-back."
    ),
    no_next_step: bool = typer.Option(
        False, "--no-next-step", help="A connected call that ended with no next step (R3)."
    ),
    template: str | None = typer.Option(
        None, "--template", help="Template used, KEY[:VARIANT] (as `ringback script` shows it)."
    ),
    external_id: str | None = typer.Option(
        None, "--external-id", help="Id from a dialer or phone system; logging it twice is a no-op."
    ),
    user: str | None = typer.Option(None, "--user", help="Who made the touch (default: you)."),
    as_json: bool = typer.Option(False, "--json", help="Print the touch and new state as JSON."),
) -> None:
    """Log a touch; the contact's follow-up state moves on in the same transaction.

    A connected call needs its next step (R3): --next-at with --next-kind, or
    --no-next-step. "Call me next Tuesday after 2" is --outcome call_later --next-at.
    """
    app = app_of(ctx)
    zone = app.settings.user_timezone
    with user_errors():
        app.ensure_schema()
        uow_factory = app.uow_factory()
        with uow_factory() as uow:
            found = find_contact(uow, contact, app.settings.default_region)
        assert found.id is not None
        when = parse_instant(at, "at", zone) or datetime.now(UTC)
        touch = Touch(
            contact_id=found.id,
            channel=parse_choice(Channel, channel, "channel"),
            outcome=parse_choice(Outcome, outcome, "outcome"),
            direction=parse_choice(Direction, direction, "direction"),
            at=when,
            duration_s=duration,
            notes=notes,
            template=str(parse_ref(template)) if template else None,
            user=user or app.settings.user,
            next_at=parse_instant(next_at, "next_at", zone),
            next_kind=_next_kind(next_kind, next_at, no_next_step),
            external_id=external_id,
        )
        logged = log_touch(uow_factory, touch)
        invite = invite_for_logged(
            uow_factory,
            app.mail_setup(),
            Actor(app.settings.user, Role.OWNER),
            logged,
            datetime.now(UTC),
            enabled=app.settings.invite_on_booking,
        )
    if as_json:
        print_json(
            {
                "touch": touch_public(logged.touch),
                "state": state_public(logged.state),
                "duplicate": logged.duplicate,
                "invite_to": invite.to_address if invite else None,
            }
        )
        return
    verb = "Already logged" if logged.duplicate else "Logged"
    console.print(
        f"{verb} {logged.touch.channel} · {logged.touch.outcome} for {found.full_name} "
        f"at {local(logged.touch.at, zone)} (you) / "
        f"{local(logged.touch.at, found.timezone)} (them)."
    )
    console.print(
        f"Status {logged.state.status}; next due {local(logged.state.next_due_at, zone)} (you)."
    )
    if invite is not None:
        console.print(f"The appointment's invite goes to {invite.to_address}.")


def _next_kind(kind: str | None, next_at: str | None, none: bool) -> NextStepKind | None:
    if none and (kind or next_at):
        raise InvalidField("next_kind", "--no-next-step cannot go with --next-at/--next-kind")
    if none:
        return NextStepKind.NONE
    if kind is not None:
        return parse_choice(NextStepKind, kind, "next_kind")
    return None  # the service infers it from the outcome and --next-at
