"""Links that work without signing in (issue 6), each authorised by its signed token:
the unsubscribe link in emails and each user's calendar feed.

Not under pages/ (whose routes are CSRF-checked for signed-in users): a mail
program's one-click unsubscribe (RFC 8058) POSTs with no session at all.
A tampered or stale token is refused with nothing changed.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ringback.services import calendar, unsubscribe
from ringback.web.deps import AppDep, Now, UowFactoryDep
from ringback.web.templating import render

router = APIRouter(include_in_schema=False)
ICS_TYPE = "text/calendar; charset=utf-8"


@router.get("/unsubscribe/{token}")
def unsubscribe_page(
    request: Request, token: str, app: AppDep, uow_factory: UowFactoryDep
) -> HTMLResponse:
    """Asks before acting: link checkers in mail systems open links on their own."""
    contact = unsubscribe.unsubscribe_target(app.mail_setup(), uow_factory, token)
    context = {"first_name": contact.first_name, "token": token, "done": False}
    return render(request, "unsubscribe.html", context)


@router.post("/unsubscribe/{token}")
def unsubscribe_now(
    request: Request, token: str, app: AppDep, uow_factory: UowFactoryDep, now: Now
) -> HTMLResponse:
    contact = unsubscribe.unsubscribe(app.mail_setup(), uow_factory, token, now)
    context = {"first_name": contact.first_name, "token": token, "done": True}
    return render(request, "unsubscribe.html", context)


@router.get("/calendar/{token}.ics")
def calendar_feed(token: str, app: AppDep, uow_factory: UowFactoryDep, now: Now) -> Response:
    secret = app.mail_setup().secret
    minutes = app.settings.feed_reminder_minutes
    remind = timedelta(minutes=minutes) if minutes else None
    data = calendar.calendar_feed(uow_factory, secret, token, now, remind)
    return Response(data, media_type=ICS_TYPE, headers={"Cache-Control": "private, max-age=300"})
