"""/api/v1/contacts: create, read, update, delete, list with filters, look up by
phone, and the rule trace of the next action (`/why`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from ringback.domain.contact_input import contact_from_record
from ringback.domain.model import Status
from ringback.domain.phone import lookup_key
from ringback.services import directory
from ringback.services.plan import why_contact
from ringback.services.ports import ContactQuery
from ringback.views import touch_public, why_public
from ringback.web.api.common import (
    MAX_PAGE,
    After,
    PathId,
    answer,
    next_after,
    scored_details,
)
from ringback.web.api.schemas import (
    ContactCreate,
    ContactPage,
    ContactPublic,
    ContactUpdate,
    Instant,
    LookupPublic,
    TouchPublic,
    WhyPublic,
)
from ringback.web.deps import ApiActor, AppDep, Now, ReadUowFactoryDep, UowFactoryDep

router = APIRouter(prefix="/contacts", tags=["contacts"])


@router.get("", response_model=ContactPage)
def list_contacts(
    actor: ApiActor,
    uow_factory: UowFactoryDep,
    app: AppDep,
    now: Now,
    reader: ReadUowFactoryDep,
    status: Status | None = None,
    segment: str | None = None,
    owner: Annotated[
        str | None, Query(description="A user name, or `team` for contacts nobody owns.")
    ] = None,
    due: Annotated[
        Instant | None, Query(description="Only contacts due at or before this instant.")
    ] = None,
    q: Annotated[
        str | None, Query(description="Part of the name or company, an email or a phone.")
    ] = None,
    after: After = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> JSONResponse:
    """The contacts you may see, by id, a page at a time."""
    query = ContactQuery(
        owner=owner.strip().casefold() if owner else None,
        status=status,
        segment=segment,
        due_before=due,
        text=q.strip() if q else None,
        phone=_phone_key(q, app.settings.default_region) if q else None,
        after_id=after,
        limit=limit,
    )
    found = directory.list_contacts(uow_factory, actor, query)
    return answer(
        {
            "items": scored_details(uow_factory, found, now, reader),
            "next_after": next_after([c.id for c, _ in found], limit),
        }
    )


def _phone_key(text: str, region: str) -> str | None:
    return lookup_key(text, region) if any(ch.isdigit() for ch in text) else None


@router.get("/lookup", response_model=LookupPublic)
def lookup(
    phone: Annotated[str, Query(description="A phone number in any format.")],
    actor: ApiActor,
    uow_factory: UowFactoryDep,
    app: AppDep,
    now: Now,
    reader: ReadUowFactoryDep,
) -> JSONResponse:
    """The contacts having this number (R15): an empty list for an unknown number."""
    e164, found = directory.lookup_phone(uow_factory, actor, phone, app.settings.default_region)
    return answer({"phone": e164, "contacts": scored_details(uow_factory, found, now, reader)})


@router.post("", response_model=ContactPublic, status_code=201)
def create_contact(
    body: ContactCreate, actor: ApiActor, uow_factory: UowFactoryDep, app: AppDep, now: Now
) -> JSONResponse:
    """A new contact, due for a first touch now (R1). Owner: null (the team) unless given."""
    contact = contact_from_record(
        body.record(only_set=False), default_region=app.settings.default_region, created_at=now
    )
    saved, state = directory.create_contact(uow_factory, actor, contact, now)
    return answer(scored_details(uow_factory, [(saved, state)], now)[0], 201)


@router.get("/{contact_id}", response_model=ContactPublic)
def get_contact(
    contact_id: PathId,
    actor: ApiActor,
    uow_factory: UowFactoryDep,
    now: Now,
    reader: ReadUowFactoryDep,
) -> JSONResponse:
    """The contact with its state and its R11 lead score (null: too little history)."""
    contact, state = directory.get_contact(uow_factory, actor, contact_id)
    return answer(scored_details(uow_factory, [(contact, state)], now, reader)[0])


@router.patch("/{contact_id}", response_model=ContactPublic)
def update_contact(
    contact_id: PathId,
    body: ContactUpdate,
    actor: ApiActor,
    uow_factory: UowFactoryDep,
    app: AppDep,
    now: Now,
) -> JSONResponse:
    """Change the fields sent; the contact is validated whole and its state reassessed."""
    contact, state = directory.update_contact(
        uow_factory, actor, contact_id, body.record(only_set=True), app.settings.default_region
    )
    return answer(scored_details(uow_factory, [(contact, state)], now)[0])


@router.delete("/{contact_id}", status_code=204)
def delete_contact(contact_id: PathId, actor: ApiActor, uow_factory: UowFactoryDep) -> None:
    """Delete the contact with its history (touches, state, appointments)."""
    directory.delete_contact(uow_factory, actor, contact_id)


@router.get("/{contact_id}/touches", response_model=list[TouchPublic])
def contact_touches(
    contact_id: PathId,
    actor: ApiActor,
    uow_factory: UowFactoryDep,
    limit: Annotated[int | None, Query(ge=1, description="Only the latest this many.")] = None,
) -> JSONResponse:
    """The contact's touches, oldest first."""
    touches = directory.contact_touches(uow_factory, actor, contact_id, limit)
    return answer([touch_public(t) for t in touches])


@router.get("/{contact_id}/why", response_model=WhyPublic)
def why_next(
    contact_id: PathId,
    actor: ApiActor,
    uow_factory: UowFactoryDep,
    now: Now,
    at: Annotated[Instant | None, Query(description="As of this instant (now).")] = None,
) -> JSONResponse:
    """The rule trace of the next action: what set, moved or refused it (`ringback why`)."""
    directory.get_contact(uow_factory, actor, contact_id)  # NotFound unless visible
    found = why_contact(uow_factory, contact_id, at or now)
    return answer(why_public(found))
