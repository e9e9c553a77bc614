"""Live pushes and click-to-call for the Today page (issue 6).

- `GET /events`: server-sent events for the signed-in user. `screen_pop` carries
  a caller's context (R15) to the user who owns the contact, or to everyone for
  a team contact or an unknown number (domain/access.py `hears_screen_pop`);
  web/static/ringback.js shows it as a dialog. A comment line every
  KEEPALIVE_S keeps proxies from closing an idle stream.
- `POST /contacts/{id}/call`: Twilio rings the contact from your Twilio number and
  connects them to your phone (yours on Settings, else `rep_phone`); the outcome
  arrives by the status callback (web/webhooks/twilio.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from markupsafe import escape
from starlette.concurrency import run_in_threadpool

from ringback.adapters.events import Broker, Subscription
from ringback.adapters.telephony.public_url import public_url
from ringback.adapters.telephony.twilio.rest import TwilioError
from ringback.domain.access import hears_screen_pop
from ringback.domain.errors import InvalidField, RuleRefusal
from ringback.domain.phone import format_international
from ringback.services.calls import start_call
from ringback.web.deps import AppDep, Now, PageUser, UowFactoryDep
from ringback.web.flash import flash
from ringback.web.pages.common import is_htmx, see_other

KEEPALIVE_S = 15.0
router = APIRouter()


@router.get("/events")
async def events(request: Request, user: PageUser, app: AppDep) -> StreamingResponse:
    broker = app.events
    subscription = await broker.subscribe()
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(
        _stream(broker, subscription, user.name), media_type="text/event-stream", headers=headers
    )


async def _stream(broker: Broker, subscription: Subscription, user: str) -> AsyncIterator[str]:
    try:
        yield "retry: 3000\n: connected\n\n"
        while True:
            event = await subscription.next(KEEPALIVE_S)
            if event is None:
                yield ": keep-alive\n\n"
            elif hears_screen_pop(user, event.owner):
                yield f"event: {event.kind}\ndata: {json.dumps(event.data)}\n\n"
    finally:
        broker.unsubscribe(subscription)


@router.post("/contacts/{contact_id}/call", response_model=None)
async def call(
    request: Request,
    contact_id: int,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
) -> Response:
    """Click-to-call: the answer is a short message (HTMX) or a flash on Today."""
    dialer = app.twilio_calls()
    try:
        rep_phone = app.phone_of(user)
        if dialer is None or rep_phone is None:
            raise InvalidField(
                "twilio",
                "click-to-call needs the twilio_* settings and your phone (Settings) or rep_phone",
            )
        status_url = public_url(
            str(request.url_for("twilio_status")),
            request.headers,
            base_url=app.settings.public_base_url,
            trust_forwarded=app.settings.trust_forwarded_headers,
        )
        placed = await run_in_threadpool(
            start_call,
            uow_factory,
            user.actor,
            contact_id,
            dialer,
            provider="twilio",
            connect_to=rep_phone,
            status_callback=status_url,
            now=now,
        )
        message = (
            f"Calling {format_international(placed.to_number)}: your phone "
            f"({format_international(rep_phone)}) rings when they answer."
        )
        kind = "ok"
    except (InvalidField, RuleRefusal, TwilioError) as error:
        message, kind = str(error), "error"
    if is_htmx(request):
        return HTMLResponse(f'<span class="call-{kind}">{escape(message)}</span>')
    flash(request, message, "ok" if kind == "ok" else "error")
    return see_other("/")
