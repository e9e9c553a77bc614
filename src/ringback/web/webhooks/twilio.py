"""Twilio's voice webhook (inbound calls, R15) and status callback (call outcomes).

Both check X-Twilio-Signature against the public URL of the request (settings
`public_base_url`, or `trust_forwarded_headers` behind a proxy) and the
`twilio_auth_token`; without a token configured every request is refused.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ringback.adapters.telephony.public_url import public_url
from ringback.adapters.telephony.twilio import twiml
from ringback.adapters.telephony.twilio.signature import is_valid_signature
from ringback.adapters.telephony.twilio.status import outcome_for
from ringback.bootstrap import App
from ringback.services.accounts import own_phone
from ringback.services.calls import IncomingCall, StatusUpdate, record_call_status
from ringback.web.deps import AppDep, Now
from ringback.web.webhooks.common import WebhookRefused, accepted, receive

PROVIDER = "twilio"
SIGNATURE_HEADER = "X-Twilio-Signature"
router = APIRouter(prefix="/twilio")


async def verified_form(request: Request) -> FormData:
    """The webhook's form, once its signature checks out; WebhookRefused otherwise."""
    app: App = request.app.state.ringback
    token = app.settings.twilio_auth_token
    if token is None:
        raise WebhookRefused(403, "Twilio webhooks are off: set twilio_auth_token")
    form = await request.form()
    url = public_url(
        str(request.url),
        request.headers,
        base_url=app.settings.public_base_url,
        trust_forwarded=app.settings.trust_forwarded_headers,
    )
    params = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    signature = request.headers.get(SIGNATURE_HEADER)
    if not is_valid_signature(token.get_secret_value(), url, params, signature):
        raise WebhookRefused(403, f"{SIGNATURE_HEADER} does not match this request")
    if not _text(form, "CallSid"):
        raise WebhookRefused(400, "CallSid: required")
    return form


VerifiedForm = Annotated[FormData, Depends(verified_form)]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@router.post("/voice", response_model=None)
async def voice(request: Request, form: VerifiedForm, app: AppDep, now: Now) -> Response:
    """A call to the Twilio number: pop the caller up (R15), log callback_received
    (R12), and answer with TwiML that rings the phone of the contact's owner when they
    have one (`ringback user phone`, Settings), else `rep_phone`."""
    call = IncomingCall(
        PROVIDER, _text(form, "CallSid"), _text(form, "From"), _text(form, "To"), now
    )
    received = await receive(request, app, call)
    owner = received.pop.owner if received.pop is not None else None
    own = await run_in_threadpool(own_phone, app.read_uow_factory(), owner) if owner else None
    rep_phone = own or app.rep_phone()
    answer = twiml.dial(rep_phone) if rep_phone else twiml.say(twiml.NO_ONE_TO_DIAL)
    return Response(answer, media_type="application/xml")


@router.post("/status", name="twilio_status")
def status(form: VerifiedForm, app: AppDep, now: Now) -> JSONResponse:
    """A call's status: once it has ended, its outcome is logged, once per call."""
    call_status = _text(form, "CallStatus").lower()
    update = StatusUpdate(
        PROVIDER,
        _text(form, "CallSid"),
        call_status,
        outcome_for(call_status, _text(form, "AnsweredBy") or None),
        now,
        _duration(_text(form, "CallDuration")),
    )
    recorded = record_call_status(app.uow_factory(), update)
    logged = recorded.logged.outcome.value if recorded.logged else None
    return accepted(
        duplicate=recorded.duplicate, known=recorded.known, logged=logged, refused=recorded.refused
    )


def _duration(text: str) -> int | None:
    return int(text) if text.isdigit() else None
