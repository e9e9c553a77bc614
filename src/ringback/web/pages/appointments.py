"""Appointments from the contact page: book one, cancel one, download its invite
(RFC 5545 .ics, R3). Visibility and the R12 refusal live in services/appointments."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from ringback.adapters.documents.ics import appointment_ics
from ringback.domain.errors import InvalidField, RuleRefusal
from ringback.domain.model import CallbackScope
from ringback.services import appointments as service
from ringback.services import directory
from ringback.web.api.appointments import send_new_invite
from ringback.web.api.common import PathId
from ringback.web.deps import AppDep, Now, PageUser, UowFactoryDep
from ringback.web.flash import flash
from ringback.web.formatting import local_time
from ringback.web.pages.common import parse_local_input, see_other

router = APIRouter()


@router.post("/contacts/{contact_id}/appointments")
def book(
    request: Request,
    contact_id: PathId,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
    start: Annotated[str, Form()] = "",
    zone: Annotated[str, Form()] = "contact",
    minutes: Annotated[int, Form(ge=5, le=600)] = 30,
    title: Annotated[str, Form()] = "Call",
    scope: Annotated[str, Form()] = "anyone",
) -> Response:
    contact, _ = directory.get_contact(uow_factory, user.actor, contact_id)
    zone_name = app.settings.user_timezone if zone == "user" else contact.timezone
    try:
        begin = parse_local_input(start, zone_name, "start")
        booked = service.book_appointment(
            uow_factory,
            user.actor,
            contact_id,
            begin,
            now,
            end=begin + timedelta(minutes=minutes),
            title=title.strip() or "Call",
            scope=CallbackScope.USERONLY if scope == "useronly" else CallbackScope.ANYONE,
        )
    except (InvalidField, RuleRefusal) as refused:
        flash(request, f"Not booked: {refused}", "error")
        return see_other(f"/contacts/{contact_id}#appointments")
    when = local_time(booked.appointment.start, contact.timezone)
    sent = send_new_invite(app, uow_factory, user.actor, booked, now)
    invited = f" The invite goes to {sent.to_address}." if sent else ""
    flash(
        request,
        f"Booked {booked.appointment.title} with {contact.full_name}: {when} their time.{invited}",
    )
    return see_other(f"/contacts/{contact_id}#appointments")


@router.post("/appointments/{appointment_id}/cancel")
def cancel(
    request: Request,
    appointment_id: PathId,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
) -> Response:
    booked = service.cancel_appointment(uow_factory, user.actor, appointment_id, now)
    sent = send_new_invite(app, uow_factory, user.actor, booked, now)
    if sent:
        flash(request, f"Cancelled; the cancellation goes to {sent.to_address}.")
    else:
        flash(request, "Cancelled; download the invite again to send the cancellation.")
    return see_other(f"/contacts/{booked.contact.id}#appointments")


@router.get("/appointments/{appointment_id:int}.ics")
def invite(
    appointment_id: PathId, user: PageUser, uow_factory: UowFactoryDep, now: Now
) -> Response:
    """The invite (METHOD:REQUEST, or CANCEL once cancelled), as the API serves it."""
    booked = service.get_appointment(uow_factory, user.actor, appointment_id)
    return Response(
        appointment_ics(booked.appointment, booked.contact, now),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="appointment-{appointment_id}.ics"'},
    )
