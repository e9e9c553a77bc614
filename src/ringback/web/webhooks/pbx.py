"""The generic PBX webhook: signed JSON events (adapters/telephony/pbx/).

Refusals: 403 unsigned or badly signed, 400 stale (replay) or malformed, 409 an
event already received (same call_id and event). Nothing is logged for any of them.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ringback.adapters.telephony.pbx.events import PbxEvent, parse_event
from ringback.adapters.telephony.pbx.signature import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Refused,
    verify,
)
from ringback.bootstrap import App
from ringback.services.calls import IncomingCall, receive_call, record_pbx_call_end
from ringback.web.deps import AppDep, Now, TeamSettingsDep
from ringback.web.webhooks.common import accepted, pop_publisher, refused

PROVIDER = "pbx"
router = APIRouter()


@router.post("/pbx")
async def pbx(request: Request, app: AppDep, team: TeamSettingsDep, now: Now) -> JSONResponse:
    """`inbound_call`: screen pop and callback_received (R15, R12); `call_ended`: the
    outcome of a call to a contact."""
    body = await request.body()
    try:
        event = _verified_event(app, request, body, now)
    except Refused as refusal:
        return refused(refusal.status, refusal.reason)
    return await run_in_threadpool(
        _handle, app, request, event, team.region(app.settings.default_region)
    )


def _verified_event(app: App, request: Request, body: bytes, now: datetime) -> PbxEvent:
    secret = app.settings.pbx_shared_secret
    if secret is None:
        raise Refused(403, "the PBX webhook is off: set pbx_shared_secret")
    headers = request.headers
    verify(
        secret.get_secret_value(),
        headers.get(TIMESTAMP_HEADER),
        headers.get(SIGNATURE_HEADER),
        body,
        now,
    )
    return parse_event(body)


def _handle(app: App, request: Request, event: PbxEvent, region: str) -> JSONResponse:
    call = IncomingCall(PROVIDER, event.call_id, event.caller, event.called, event.at)
    if event.event == "inbound_call":
        received = receive_call(
            app.uow_factory(), pop_publisher(request), call, region, app.read_uow_factory()
        )
        if received.duplicate:
            return _duplicate(event)
        logged = received.logged.outcome.value if received.logged else None
        return accepted(logged=logged, known=received.logged is not None)
    assert event.outcome is not None
    recorded = record_pbx_call_end(app.uow_factory(), call, event.outcome, region)
    if recorded.duplicate:
        return _duplicate(event)
    logged = recorded.logged.outcome.value if recorded.logged else None
    return accepted(logged=logged, known=recorded.known, refused=recorded.refused)


def _duplicate(event: PbxEvent) -> JSONResponse:
    return refused(409, f"event {event.event} of call {event.call_id} was already received")
