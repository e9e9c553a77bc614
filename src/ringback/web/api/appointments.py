"""/api/v1/appointments: book, read, move, cancel, and the .ics invite (R3)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from ringback.adapters.documents.ics import appointment_ics
from ringback.bootstrap import App
from ringback.domain.access import Actor
from ringback.domain.outbox import OutboxJob
from ringback.domain.phone import parse_phone
from ringback.services import appointments as service
from ringback.services import calendar
from ringback.services.contacts import UowFactory
from ringback.services.ports import AppointmentQuery
from ringback.services.touches import Logged
from ringback.views import appointment_public
from ringback.web.api.common import ID_MAX, MAX_PAGE, After, PathId, answer
from ringback.web.api.schemas import (
    AppointmentCreate,
    AppointmentPage,
    AppointmentPublic,
    AppointmentUpdate,
    Instant,
)
from ringback.web.deps import ApiActor, AppDep, Now, UowFactoryDep

router = APIRouter(prefix="/appointments", tags=["appointments"])


@router.get("", response_model=AppointmentPage)
def list_appointments(
    actor: ApiActor,
    uow_factory: UowFactoryDep,
    contact_id: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
    start: Annotated[Instant | None, Query(alias="from")] = None,
    end: Annotated[Instant | None, Query(alias="to")] = None,
    include_cancelled: bool = False,
    after: After = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> JSONResponse:
    """Appointments you may see, by id; `from`/`to` select by start time."""
    query = AppointmentQuery(
        contact_id=contact_id,
        start=start,
        end=end,
        include_cancelled=include_cancelled,
        after_id=after,
        limit=limit,
    )
    page = service.list_appointments(uow_factory, actor, query)
    return answer(
        {"items": [appointment_public(a) for a in page.items], "next_after": page.next_after}
    )


@router.post("", response_model=AppointmentPublic, status_code=201)
def book(
    body: AppointmentCreate, actor: ApiActor, uow_factory: UowFactoryDep, app: AppDep, now: Now
) -> JSONResponse:
    """Book a call at a set time; the contact's plan puts it first (R18)."""
    phone = _phone(body.phone, app.settings.default_region)
    booked = service.book_appointment(
        uow_factory,
        actor,
        body.contact_id,
        body.start,
        now,
        end=body.end,
        title=body.title,
        we_call=body.we_call,
        phone=phone,
        scope=body.scope,
    )
    send_new_invite(app, uow_factory, actor, booked, now)
    return answer(appointment_public(booked.appointment), 201)


@router.get("/{appointment_id:int}.ics", response_class=Response)
def invite(
    appointment_id: PathId, actor: ApiActor, uow_factory: UowFactoryDep, now: Now
) -> Response:
    """The RFC 5545 invite (METHOD:CANCEL once cancelled)."""
    booked = service.get_appointment(uow_factory, actor, appointment_id)
    return Response(
        appointment_ics(booked.appointment, booked.contact, now),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="appointment-{appointment_id}.ics"'},
    )


@router.get("/{appointment_id:int}", response_model=AppointmentPublic)
def get_appointment(
    appointment_id: PathId, actor: ApiActor, uow_factory: UowFactoryDep
) -> JSONResponse:
    booked = service.get_appointment(uow_factory, actor, appointment_id)
    return answer(appointment_public(booked.appointment))


@router.patch("/{appointment_id:int}", response_model=AppointmentPublic)
def change(
    appointment_id: PathId,
    body: AppointmentUpdate,
    actor: ApiActor,
    uow_factory: UowFactoryDep,
    app: AppDep,
    now: Now,
) -> JSONResponse:
    """Move, retitle or re-scope; a new time or a cancellation raises SEQUENCE."""
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    if changes.get("phone") is not None:
        changes["phone"] = _phone(changes["phone"], app.settings.default_region)
    for name in ("start", "end", "title", "we_call", "scope", "cancelled"):
        if name in changes and changes[name] is None:
            del changes[name]  # null means "unchanged" for fields that cannot be empty
    booked = service.change_appointment(uow_factory, actor, appointment_id, changes, now)
    send_new_invite(app, uow_factory, actor, booked, now)
    return answer(appointment_public(booked.appointment))


@router.delete("/{appointment_id:int}", response_model=AppointmentPublic)
def cancel(
    appointment_id: PathId, actor: ApiActor, uow_factory: UowFactoryDep, app: AppDep, now: Now
) -> JSONResponse:
    """Cancel: the appointment stays, marked cancelled, so its CANCEL invite can be sent."""
    booked = service.cancel_appointment(uow_factory, actor, appointment_id, now)
    send_new_invite(app, uow_factory, actor, booked, now)
    return answer(appointment_public(booked.appointment))


def send_new_invite(
    app: App, uow_factory: UowFactory, actor: Actor, booked: service.Booked, now: datetime
) -> OutboxJob | None:
    """The invite of a booked, moved or cancelled appointment, when mail is set up."""
    enabled = app.settings.invite_on_booking
    setup = app.mail_setup(actor.name)
    return calendar.invite_on_change(uow_factory, setup, actor, booked, now, enabled=enabled)


def send_invites_for(
    app: App, uow_factory: UowFactory, actor: Actor, logged: Sequence[Logged], now: datetime
) -> list[OutboxJob]:
    """The invites of the appointments these touches booked as their next step (R3)."""
    if not any(entry.appointment for entry in logged):  # the usual case: nothing to read
        return []
    enabled, setup = app.settings.invite_on_booking, app.mail_setup(actor.name)
    jobs = [
        calendar.invite_for_logged(uow_factory, setup, actor, entry, now, enabled=enabled)
        for entry in logged
    ]
    return [job for job in jobs if job is not None]


def _phone(raw: str | None, region: str) -> str | None:
    return parse_phone(raw, region, field="phone").e164 if raw else None
