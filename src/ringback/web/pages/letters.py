"""Mailed notes from the web app (R9): one contact's letter and reply postcard, or
every letter in the signed-in user's plan for today, as a PDF to print.

The same use cases as `ringback letter` and `ringback letters` (services/letters.py):
the sender must have a postal address (the card comes back to them), the contact
a postal address, and R12 refuses a contact who asked not to be contacted — each
said on a page naming the missing field, never a half-made PDF. A rep sees only
the contacts they may see (domain/access.py: another rep's private contact is 404).
The PDF opens in the browser (inline) under a filename saying whose letter it is.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from ringback.adapters.documents.letters import letters_pdf
from ringback.bootstrap import App
from ringback.domain.access import User
from ringback.domain.clock import zone
from ringback.domain.errors import InvalidField, RuleRefusal
from ringback.domain.model import Contact
from ringback.services import directory
from ringback.services.letters import PaperChoice, check_sender, letter_for, letters_due
from ringback.services.worklist import planned_for
from ringback.web.api.common import PathId
from ringback.web.deps import AppDep, Now, PageUser, TeamSettingsDep, UowFactoryDep
from ringback.web.pages.common import day_of
from ringback.web.templating import render

router = APIRouter()
BODY_LIMIT = 5000  # characters: a letter is one page


@router.get("/contacts/{contact_id}/letter.pdf")
def contact_letter(
    request: Request,
    contact_id: PathId,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
) -> Response:
    """The contact's letter with its reply postcard, in the default words (R9)."""
    return _one_letter(request, contact_id, user, app, uow_factory, now, body=None)


@router.post("/contacts/{contact_id}/letter.pdf")
def contact_letter_with_body(
    request: Request,
    contact_id: PathId,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
    body: Annotated[str, Form()] = "",
) -> Response:
    """The same, with the body written on the contact page (blank: the default words)."""
    text = body.strip() or None
    if text is not None and len(text) > BODY_LIMIT:
        raise InvalidField("body", f"at most {BODY_LIMIT} characters fit on the letter's page")
    return _one_letter(request, contact_id, user, app, uow_factory, now, body=text)


@router.get("/letters/today.pdf")
def todays_letters(
    request: Request,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    team: TeamSettingsDep,
    now: Now,
) -> Response:
    """Every letter in the signed-in user's plan for today, each with its card (R9)."""
    zone_name = app.settings.user_timezone
    start, end = day_of(now, zone_name)
    day = now.astimezone(zone(zone_name)).date()
    try:
        sender = check_sender(app.sender(user.name))
    except InvalidField as refused:
        return _refused(request, user, refused, None)
    batch = letters_due(
        uow_factory, start, end, day, sender, _paper(app),
        user=planned_for(user.actor), policy=team.policy,
    )  # fmt: skip
    if not batch.letters:
        context = {"day": day, "skipped": batch.skipped}
        return render(request, "letters_none.html", context, user=user, status_code=422)
    data = letters_pdf(batch.letters, title=f"Letters of {day.isoformat()}")
    headers = {"X-Ringback-Letters": str(len(batch.letters))}
    if batch.skipped:  # said, never dropped silently (R18)
        headers["X-Ringback-Skipped"] = ", ".join(f"#{s.contact_id}" for s in batch.skipped)
    return _pdf(data, f"letters-{day.isoformat()}.pdf", headers)


def _one_letter(
    request: Request,
    contact_id: int,
    user: User,
    app: App,
    uow_factory: UowFactoryDep,
    now: Now,
    *,
    body: str | None,
) -> Response:
    contact, _ = directory.get_contact(uow_factory, user.actor, contact_id)  # 404 if unseen
    day = now.astimezone(zone(app.settings.user_timezone)).date()
    try:
        sender = check_sender(app.sender(user.name))
        letter = letter_for(uow_factory, contact_id, sender, day, _paper(app), body=body)
    except (InvalidField, RuleRefusal) as refused:
        return _refused(request, user, refused, contact)
    data = letters_pdf([letter], title=f"Letter to {contact.full_name}")
    return _pdf(data, f"letter-{contact_id}-{_slug(contact.full_name)}.pdf")


def _refused(
    request: Request, user: User, refused: InvalidField | RuleRefusal, contact: Contact | None
) -> Response:
    """A page saying what is missing (the field) and where to fix it; status 422."""
    field = refused.field if isinstance(refused, InvalidField) else None
    context = {
        "contact": contact,
        "field": field,
        "message": str(refused),
        "rule": refused.rule if isinstance(refused, RuleRefusal) else None,
    }
    return render(request, "letter_refused.html", context, user=user, status_code=422)


def _paper(app: App) -> PaperChoice:
    return PaperChoice(app.settings.paper_size, app.settings.default_region)


def _slug(name: str) -> str:
    """'Zoë O'Brien' → 'zoe-o-brien': a filename every browser and disk accepts."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "contact"


def _pdf(data: bytes, filename: str, headers: dict[str, str] | None = None) -> Response:
    """Shown in the browser's viewer (inline); saved under `filename`."""
    disposition = {"Content-Disposition": f'inline; filename="{filename}"'}
    return Response(data, media_type="application/pdf", headers={**disposition, **(headers or {})})
