"""Email from the pages (issue 6): queue the contact's next email, email an appointment's
invite, and see or replace your calendar feed address. Sending is the worker's job."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ringback.domain.errors import InvalidField, RuleRefusal
from ringback.services import calendar, directory, outbox
from ringback.services.appointments import get_appointment
from ringback.web.api.common import PathId
from ringback.web.deps import AppDep, Now, PageUser, UowFactoryDep
from ringback.web.flash import flash
from ringback.web.pages.common import see_other
from ringback.web.templating import render

router = APIRouter()


@router.post("/contacts/{contact_id}/email")
def queue_email(
    request: Request,
    contact_id: PathId,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
) -> Response:
    """Queue the email step the plan proposes, as the script panel shows it."""
    contact, _ = directory.get_contact(uow_factory, user.actor, contact_id)
    try:
        job = outbox.queue_email(
            uow_factory,
            app.mail_setup(user.name),
            contact_id,
            app.sender(user.name),
            now,
            user_name=user.name,
            audience=app.settings.audience,
            phrases=app.flagged_phrases(),
        )
    except (InvalidField, RuleRefusal) as refused:
        flash(request, f"No email queued: {refused}", "error")
    else:
        flash(request, f"Email to {contact.full_name} queued: {job.subject}")
    return see_other(f"/contacts/{contact_id}")


@router.post("/appointments/{appointment_id}/invite")
def queue_invite(
    request: Request,
    appointment_id: PathId,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
) -> Response:
    contact_id = get_appointment(uow_factory, user.actor, appointment_id).contact.id
    try:
        job = calendar.queue_invite(
            uow_factory, app.mail_setup(user.name), user.actor, appointment_id, now
        )
    except (InvalidField, RuleRefusal) as refused:
        flash(request, f"No invite queued: {refused}", "error")
    else:
        flash(request, f"Invite queued for {job.to_address}: {job.subject}")
    return see_other(f"/contacts/{contact_id}#appointments")


@router.get("/settings/calendar", response_class=HTMLResponse)
def calendar_page(
    request: Request, user: PageUser, app: AppDep, uow_factory: UowFactoryDep
) -> HTMLResponse:
    try:
        url, problem = calendar.calendar_url(uow_factory, app.mail_setup(), user.name), None
    except InvalidField as missing:
        url, problem = None, str(missing)
    context = {"active": "settings", "url": url, "problem": problem}
    return render(request, "calendar_feed.html", context, user=user)


@router.post("/settings/calendar/rotate")
def rotate(
    request: Request, user: PageUser, app: AppDep, uow_factory: UowFactoryDep, now: Now
) -> Response:
    calendar.rotate_calendar_url(uow_factory, app.mail_setup(), user.name, now)
    flash(request, "New calendar address made; the old one no longer works.")
    return see_other("/settings/calendar")
