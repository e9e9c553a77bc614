"""Contacts: the searchable list, and one contact's page — details, the timeline of
touches in both local times, the next action with its rule trace, edit, the
do-not-contact switch (R12), preferred call windows (R4) and appointments with
their .ics invites (R3).

What a user may see follows domain/access.py through the services: another rep's
private contact answers 404 here exactly as an id nobody has.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from ringback.domain.access import TEAM, User
from ringback.domain.contact_input import contact_to_record
from ringback.domain.errors import InvalidField
from ringback.domain.model import Channel, Contact, Outcome, PreferredWindow, Status, Touch, Weekday
from ringback.domain.phone import lookup_key
from ringback.domain.value_input import format_windows
from ringback.services import directory
from ringback.services.accounts import list_users
from ringback.services.contacts import UowFactory
from ringback.services.ports import ContactQuery
from ringback.services.scoring import current_model, score_contacts
from ringback.services.touches import BatchRefused, log_touches
from ringback.services.worklist import contact_file
from ringback.web.api.common import ID_MAX, PathId
from ringback.web.deps import (
    AppDep,
    Now,
    PageUser,
    SubmittedForm,
    TeamSettingsDep,
    UowFactoryDep,
)
from ringback.web.flash import flash
from ringback.web.pages.common import blank_to_none, day_of, see_other
from ringback.web.templating import render

router = APIRouter()
PAGE_SIZE = 50
DUE_CHOICES = {"now": "due now", "today": "due today"}
# The fields of the edit form, as contact_from_record names them.
EDIT_FIELDS = (
    "full_name",
    "first_name",
    "phones",
    "email",
    "company",
    "title",
    "segment",
    "tags",
    "owner",
    "referred_by",
    "reason",
    "address",
    "country",
    "timezone",
    "preferred_channel",
    "email_first",
    "personal",
)


@router.get("/contacts", response_class=HTMLResponse)
def contacts(
    request: Request,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    team: TeamSettingsDep,
    now: Now,
    q: str = "",
    status: str = "",
    segment: str = "",
    owner: str = "",
    due: str = "",
    after: Annotated[int, Query(ge=0, le=ID_MAX)] = 0,
) -> HTMLResponse:
    """Search by name, company or a number in any format; filter by status, segment,
    owner and due time. A page of PAGE_SIZE, by id."""
    text = q.strip()
    region = team.region(app.settings.default_region)
    query = ContactQuery(
        text=text or None,
        phone=lookup_key(text, region) if any(ch.isdigit() for ch in text) else None,
        status=_status(status),
        segment=segment.strip() or None,
        owner=_owner(owner, user),
        due_before=_due_before(due, now, app.settings.user_timezone),
        after_id=after,
        limit=PAGE_SIZE,
    )
    found = directory.list_contacts(uow_factory, user.actor, query)
    last = found[-1][0].id if len(found) == PAGE_SIZE else None
    filters = {"q": text, "status": status, "segment": segment, "owner": owner, "due": due}
    shown = {name: value for name, value in filters.items() if value}
    context = {
        "active": "contacts",
        "found": found,
        "filters": filters,
        "statuses": list(Status),
        "due_choices": DUE_CHOICES,
        "owners": _owner_choices(uow_factory, user),
        "next_url": f"/contacts?{urlencode({**shown, 'after': last})}" if last else None,
        "now": now,
        "user_zone": app.settings.user_timezone,
    }
    return render(request, "contacts.html", context, user=user)


def _status(text: str) -> Status | None:
    try:
        return Status(text) if text else None
    except ValueError:
        raise InvalidField("status", f"{text!r} is not a status") from None


def _owner(text: str, user: User) -> str | None:
    value = text.strip().casefold()
    if value == "me":
        return user.name
    return value or None


def _due_before(due: str, now: datetime, zone_name: str) -> datetime | None:
    if due == "now":
        return now
    if due == "today":
        return day_of(now, zone_name)[1]
    return None


def _owner_choices(uow_factory: UowFactory, user: User) -> list[tuple[str, str]]:
    choices = [("", "anyone"), (TEAM, "the team"), ("me", "me")]
    if user.actor.sees_everything:
        choices += [(u.name, u.name) for u in list_users(uow_factory) if u.name != user.name]
    return choices


@router.get("/contacts/{contact_id}", response_class=HTMLResponse)
def contact_page(
    request: Request,
    contact_id: PathId,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
) -> HTMLResponse:
    found = contact_file(uow_factory, user.actor, contact_id, now)
    model = current_model(uow_factory, now).model
    context = {
        "active": "contacts",
        "lead": score_contacts(uow_factory, [found.contact], model)[contact_id],
        "file": found,
        "contact": found.contact,
        "now": now,
        "user_zone": app.settings.user_timezone,
        "weekdays": list(Weekday),
        "dnc": found.state.status is Status.DO_NOT_CONTACT,
    }
    return render(request, "contact.html", context, user=user)


@router.get("/contacts/{contact_id}/edit", response_class=HTMLResponse)
def edit_form(
    request: Request, contact_id: PathId, user: PageUser, uow_factory: UowFactoryDep
) -> HTMLResponse:
    contact, _ = directory.get_contact(uow_factory, user.actor, contact_id)
    return _edit_page(request, user, uow_factory, contact, _form_values(contact))


@router.post("/contacts/{contact_id}/edit", response_class=HTMLResponse)
def edit(
    request: Request,
    contact_id: PathId,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    team: TeamSettingsDep,
    form: SubmittedForm,
) -> Response:
    """Only the fields that changed are sent on: the contact is re-validated whole."""
    contact, _ = directory.get_contact(uow_factory, user.actor, contact_id)
    submitted = {name: str(form.get(name) or "") for name in EDIT_FIELDS}
    for flag in ("email_first", "personal"):
        submitted[flag] = "yes" if form.get(flag) else "no"
    current = _form_values(contact)
    changes = {
        name: blank_to_none(value)
        for name, value in submitted.items()
        if (blank_to_none(value) or "") != (current.get(name) or "")
    }
    region = team.region(app.settings.default_region)
    try:
        directory.update_contact(uow_factory, user.actor, contact_id, changes, region)
    except InvalidField as refused:
        return _edit_page(
            request, user, uow_factory, contact, submitted, str(refused), status_code=422
        )
    flash(request, f"Saved {submitted['full_name'] or contact.full_name}.")
    return see_other(f"/contacts/{contact_id}")


def _form_values(contact: Contact) -> dict[str, str]:
    record = contact_to_record(contact)
    values = {name: record.get(name) or "" for name in EDIT_FIELDS}
    values["owner"] = contact.owner or ""
    values["timezone"] = contact.timezone if contact.timezone_source == "user" else ""
    return values


def _edit_page(
    request: Request,
    user: User,
    uow_factory: UowFactory,
    contact: Contact,
    values: dict[str, str],
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    owners = [("", "the team")] + [
        (u.name, u.name)
        for u in list_users(uow_factory)
        if user.actor.sees_everything or u.name == user.name
    ]
    context = {
        "active": "contacts",
        "contact": contact,
        "values": values,
        "error": error,
        "owners": owners,
    }
    return render(request, "contact_edit.html", context, user=user, status_code=status_code)


@router.post("/contacts/{contact_id}/do-not-contact")
def do_not_contact(
    request: Request,
    contact_id: PathId,
    user: PageUser,
    uow_factory: UowFactoryDep,
    now: Now,
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Switch do-not-contact on (R12): logged as a touch, so it is part of the history.

    R12 makes it final: "never again, on any channel". Switching it off is refused.
    """
    contact, state = directory.get_contact(uow_factory, user.actor, contact_id)
    if state.status is Status.DO_NOT_CONTACT:
        message = "R12: do-not-contact is final; it cannot be switched off."
        flash(request, message, "error")
        return see_other(f"/contacts/{contact_id}")
    if confirm != "yes":
        flash(request, "Tick the box to confirm do-not-contact: it is final (R12).", "error")
        return see_other(f"/contacts/{contact_id}")
    touch = Touch(contact_id, _channel_of(contact), Outcome.DO_NOT_CONTACT, now, user=user.name)
    try:
        log_touches(uow_factory, [touch], user.actor)
    except BatchRefused as refused:
        raise refused.error from None
    flash(request, f"{contact.full_name} will not be contacted again, on any channel (R12).")
    return see_other(f"/contacts/{contact_id}")


def _channel_of(contact: Contact) -> Channel:
    return Channel.CALL if contact.phones else Channel.EMAIL


@router.post("/contacts/{contact_id}/windows")
def windows(
    request: Request,
    contact_id: PathId,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    team: TeamSettingsDep,
    form: SubmittedForm,
) -> Response:
    """Add a preferred window (days, from, to) or remove one by its position (R4)."""
    contact, _ = directory.get_contact(uow_factory, user.actor, contact_id)
    kept = list(contact.preferred_windows)
    remove = str(form.get("remove") or "")
    try:
        if remove.isdigit():
            del kept[int(remove)]
        else:
            days = tuple(Weekday(str(d)) for d in form.getlist("days"))
            start, end = _time(form.get("start"), "start"), _time(form.get("end"), "end")
            if not days:
                raise InvalidField("days", "tick at least one day")
            kept.append(PreferredWindow(days, start, end))
        changes = {"preferred_windows": format_windows(tuple(kept)) or None}
        region = team.region(app.settings.default_region)
        directory.update_contact(uow_factory, user.actor, contact_id, changes, region)
    except (InvalidField, ValueError, IndexError) as refused:
        flash(request, f"Not saved: {refused}", "error")
        return see_other(f"/contacts/{contact_id}#windows")
    flash(request, "Preferred call windows saved; the next call keeps inside them (R4).")
    return see_other(f"/contacts/{contact_id}#windows")


def _time(value: object, field: str) -> time:
    try:
        return time.fromisoformat(str(value or "").strip()[:5])
    except ValueError:
        raise InvalidField(field, f"{value!r} is not a time such as 14:00") from None
