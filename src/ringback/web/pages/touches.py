"""Logging a touch from the pages: the one-click outcomes of Today and the full form
(GET/POST /contacts/{id}/log), which is also the next-step dialog (R3).

A connected call needs a next step — an appointment, a promised call-back or an
explicit "none" (R3); without one the form comes back with the rule's message.
Times typed in the form are read on the contact's clock or the user's, as chosen.
With HTMX, a one-click outcome swaps the Today item for a "logged" line; without
it, every POST answers with a redirect and a one-time message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from ringback.bootstrap import App
from ringback.domain.access import User
from ringback.domain.errors import InvalidField, RingbackError, RuleRefusal
from ringback.domain.model import (
    CallbackScope,
    Channel,
    Contact,
    Direction,
    NextStepKind,
    Outcome,
    Touch,
)
from ringback.services import directory
from ringback.services.contacts import UowFactory
from ringback.services.touches import BatchRefused, Logged, log_touches
from ringback.web.api.appointments import send_invites_for
from ringback.web.api.common import PathId
from ringback.web.deps import AppDep, Now, PageUser, UowFactoryDep
from ringback.web.flash import flash
from ringback.web.formatting import local_time, outcome_label
from ringback.web.pages.common import blank_to_none, is_htmx, parse_local_input, see_other
from ringback.web.templating import render

router = APIRouter()
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class QuickOutcome:
    outcome: Outcome
    key: str  # the keyboard shortcut on Today (static/ringback.js)
    needs_dialog: bool = False  # asks for the next step or a time first (R3, R4)

    @property
    def label(self) -> str:
        return outcome_label(self.outcome)


_CALL = (
    QuickOutcome(Outcome.CONNECTED, "c", needs_dialog=True),
    QuickOutcome(Outcome.NO_ANSWER, "n"),
    QuickOutcome(Outcome.VOICEMAIL_LEFT, "v"),
    QuickOutcome(Outcome.VOICEMAIL_SKIPPED, "s"),
    QuickOutcome(Outcome.BUSY, "b"),
    QuickOutcome(Outcome.WRONG_NUMBER, "w"),
    QuickOutcome(Outcome.NOT_INTERESTED, "x"),
    QuickOutcome(Outcome.CALL_LATER, "l", needs_dialog=True),
)
_EMAIL = (
    QuickOutcome(Outcome.SENT, "e"),
    QuickOutcome(Outcome.REPLIED, "r"),
    QuickOutcome(Outcome.BOUNCED, "o"),
    QuickOutcome(Outcome.CALL_LATER, "l", needs_dialog=True),
)
_LETTER = (QuickOutcome(Outcome.MAILED, "m"), QuickOutcome(Outcome.REPLIED, "r"))
_QUICK = {Channel.EMAIL: _EMAIL, Channel.LETTER: _LETTER}
DIALOG_OUTCOMES = frozenset({Outcome.CONNECTED, Outcome.CALL_LATER, Outcome.MEETING_BOOKED})


def quick_outcomes(channel: Channel) -> tuple[QuickOutcome, ...]:
    """The outcome buttons of a Today item for its channel (calls by default)."""
    return _QUICK.get(channel, _CALL)


@dataclass(frozen=True)
class LogForm:
    """The log form as typed: every field text, checked when the touch is built."""

    outcome: str = ""
    channel: str = "call"
    direction: str = "outbound"
    notes: str = ""
    at: str = ""
    next_kind: str = ""
    next_at: str = ""
    next_zone: str = "contact"
    next_scope: str = "anyone"
    return_to: str = "contact"
    phone: str = ""  # the number used (E.164), one of the contact's; default the first


@router.get("/contacts/{contact_id}/log", response_class=HTMLResponse)
def log_form(
    request: Request,
    contact_id: PathId,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
    outcome: str = "",
    channel: str = "call",
    return_to: str = "contact",
    phone: str = "",
) -> HTMLResponse:
    """The form, also the next-step dialog: as a fragment for HTMX, else a whole page."""
    contact, _ = directory.get_contact(uow_factory, user.actor, contact_id)
    form = LogForm(outcome=outcome, channel=channel, return_to=_return_to(return_to), phone=phone)
    return _form_page(request, user, app, contact, form, now)


@router.post("/contacts/{contact_id}/log", response_class=HTMLResponse)
def log(
    request: Request,
    contact_id: PathId,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
    outcome: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "call",
    direction: Annotated[str, Form()] = "outbound",
    notes: Annotated[str, Form()] = "",
    at: Annotated[str, Form()] = "",
    next_kind: Annotated[str, Form()] = "",
    next_at: Annotated[str, Form()] = "",
    next_zone: Annotated[str, Form()] = "contact",
    next_scope: Annotated[str, Form()] = "anyone",
    return_to: Annotated[str, Form()] = "contact",
    phone: Annotated[str, Form()] = "",
) -> Response:
    form = LogForm(
        outcome, channel, direction, notes, at, next_kind, next_at, next_zone, next_scope,
        _return_to(return_to), phone,
    )  # fmt: skip
    contact, _ = directory.get_contact(uow_factory, user.actor, contact_id)
    try:
        touch = build_touch(contact, form, user, now, app.settings.user_timezone)
        logged = _log(uow_factory, touch, user)
    except (InvalidField, RuleRefusal) as refused:
        return _refused(request, user, app, contact, form, now, refused)
    invites = send_invites_for(app, uow_factory, user.actor, [logged], now)
    message = logged_message(contact, logged, app.settings.user_timezone)
    if invites:
        message += f" The invite goes to {invites[0].to_address}."
    if is_htmx(request) and form.return_to == "today":
        context = {"contact": contact, "logged": logged, "message": message}
        return render(request, "_logged.html", context, user=user)
    flash(request, message)
    return see_other("/" if form.return_to == "today" else f"/contacts/{contact.id}")


def _log(uow_factory: UowFactory, touch: Touch, user: User) -> Logged:
    try:
        return log_touches(uow_factory, [touch], user.actor)[0]
    except BatchRefused as refused:
        raise refused.error from None


def _return_to(value: str) -> str:
    return "today" if value == "today" else "contact"


def build_touch(
    contact: Contact, form: LogForm, user: User, now: datetime, user_zone: str
) -> Touch:
    """The touch the form describes, or InvalidField naming the field at fault."""
    assert contact.id is not None
    outcome = _choice(Outcome, form.outcome, "outcome")
    channel = _choice(Channel, form.channel or "call", "channel")
    kind = _choice(NextStepKind, form.next_kind, "next_kind") if form.next_kind else None
    zone_name = user_zone if form.next_zone == "user" else contact.timezone
    next_at = None
    if form.next_at.strip() and kind is not NextStepKind.NONE:
        next_at = parse_local_input(form.next_at, zone_name, "next_at")
    numbers = [p.e164 for p in contact.phones]
    used = form.phone if form.phone in numbers else (numbers[0] if numbers else None)
    return Touch(
        contact_id=contact.id,
        channel=channel,
        outcome=outcome,
        at=parse_local_input(form.at, user_zone, "at") if form.at.strip() else now,
        direction=_choice(Direction, form.direction or "outbound", "direction"),
        notes=blank_to_none(form.notes),
        user=user.name,
        next_at=next_at,
        next_kind=kind,
        next_scope=_choice(CallbackScope, form.next_scope or "anyone", "next_scope"),
        phone=used if channel is Channel.CALL else None,  # a wrong number marks it (R12)
    )


def _choice(kind: type[E], text: str, field: str) -> E:
    try:
        return kind(text.strip())
    except ValueError:
        names = ", ".join(member.value for member in kind)
        raise InvalidField(field, f"choose one of: {names}") from None


def logged_message(contact: Contact, logged: Logged, user_zone: str) -> str:
    """'Logged no answer for Alice Moreno. Next: Thu 05 Mar 09:00 (your time).'"""
    touch, state = logged.touch, logged.state
    text = f"Logged {outcome_label(touch.outcome).lower()} for {contact.full_name}."
    if logged.appointment is not None:
        when = local_time(logged.appointment.start, contact.timezone)
        return f"{text} Appointment booked: {when} their time."
    if touch.next_kind is NextStepKind.CALL_BACK and touch.next_at is not None:
        return (
            f"{text} Call-back promised: {local_time(touch.next_at, contact.timezone)} their time."
        )
    if state.next_due_at is not None:
        return f"{text} Next: {local_time(state.next_due_at, user_zone)} (your time)."
    return f"{text} No further follow-up ({state.status.value.replace('_', ' ')})."


def _refused(
    request: Request,
    user: User,
    app: App,
    contact: Contact,
    form: LogForm,
    now: datetime,
    refused: RingbackError,
) -> Response:
    """The form again with the refusal; on Today, one-click outcomes show it in place."""
    message = str(refused)
    if is_htmx(request) and form.return_to == "today" and form.outcome not in DIALOG_OUTCOMES:
        page = render(request, "_item_message.html", {"message": message}, status_code=422)
        page.headers["HX-Retarget"] = f"#message-{contact.id}"
        page.headers["HX-Reswap"] = "innerHTML"
        return page
    return _form_page(request, user, app, contact, form, now, message, status_code=422)


def _form_page(
    request: Request,
    user: User,
    app: App,
    contact: Contact,
    form: LogForm,
    now: datetime,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "contact": contact,
        "form": form,
        "error": error,
        "now": now,
        "user_zone": app.settings.user_timezone,
        "outcomes": list(Outcome),
        "channels": list(Channel),
        "needs_next_step": form.outcome in DIALOG_OUTCOMES,
    }
    template = "_log_form.html" if is_htmx(request) and error is None else "log.html"
    return render(request, template, context, user=user, status_code=status_code)
