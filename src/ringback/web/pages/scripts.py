"""The script panel of Today and the contact page (R6–R10, R13, R19), and the invite
(.ics) for each call time a "two times" email proposes (R9).

The panel is a fragment loaded lazily (HTMX `hx-get` when it comes into view, or on
the contact page's step chooser), so Today stays one quick query however long it
is. Without JavaScript the same URL is a page of its own. It shows the message for
the contact's next step — or the step chosen — rendered for the contact and the
signed-in user, the linter's findings, and whether the message is ready: an error
finding marks the step NOT ready (R7 call-back without a reason, R19 empty field).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ringback.adapters.documents.invites import slot_invite
from ringback.domain.errors import InvalidField, NotFound
from ringback.domain.scripts import StepKind, parse_step
from ringback.domain.slots import DEFAULT_DURATION, ProposedSlot
from ringback.services import directory
from ringback.services.scripts import ContactScript, script_for
from ringback.web.api.common import PathId
from ringback.web.deps import AppDep, Now, PageUser, UowFactoryDep
from ringback.web.pages.common import is_htmx
from ringback.web.templating import render

router = APIRouter()
# The steps a user may ask for on the contact page, in the order of a cadence.
STEP_CHOICES = (
    StepKind.FIRST_VOICEMAIL,
    StepKind.FOLLOWUP_VOICEMAIL,
    StepKind.EMAIL_FIRST,
    StepKind.EMAIL_FOLLOWUP,
    StepKind.EMAIL_SLOTS,
    StepKind.LETTER,
)
ICS_INSTANT = "%Y%m%dT%H%MZ"


@router.get("/contacts/{contact_id}/script", response_class=HTMLResponse)
def script_panel(
    request: Request,
    contact_id: PathId,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
    step: str = "",
    chooser: bool = False,
) -> HTMLResponse:
    """The panel for the contact's next step, or for `step` (a step kind)."""
    contact, _ = directory.get_contact(uow_factory, user.actor, contact_id)
    found: ContactScript | None = None
    problem = None
    try:  # a bad sender setting or a step with no message is said in the panel
        found = script_for(
            uow_factory,
            contact_id,
            parse_step(step) if step else None,
            now,
            app.sender(user.name),
            calendar_user=user.name,
            audience=app.settings.audience,
            phrases=app.flagged_phrases(),
        )
    except (InvalidField, NotFound) as refused:
        problem = str(refused)
    context = {
        "contact": contact,
        "found": found,
        "problem": problem,
        "chosen": step,
        "chooser": chooser,
        "steps": STEP_CHOICES,
        "now": now,
        "user_zone": app.settings.user_timezone,
        "ics_instant": ICS_INSTANT,
    }
    name = "_script_panel.html" if is_htmx(request) else "script.html"
    return render(request, name, context, user=user)


@router.get("/contacts/{contact_id}/proposed/{start}.ics")
def proposed_invite(
    contact_id: PathId,
    start: str,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
    minutes: Annotated[int, Query(ge=5, le=240)] = int(DEFAULT_DURATION.total_seconds() // 60),
) -> Response:
    """The invite for one proposed call time (RFC 5545, METHOD:REQUEST, tentative)."""
    contact, _ = directory.get_contact(uow_factory, user.actor, contact_id)
    try:
        begins = datetime.strptime(start, ICS_INSTANT).replace(tzinfo=UTC)
    except ValueError:
        raise InvalidField("start", f"{start!r} is not a time such as 20261125T1500Z") from None
    slot = ProposedSlot(begins, begins + timedelta(minutes=minutes), contact.timezone)
    invite = slot_invite(contact, app.sender(user.name), slot, now, of=2)
    headers = {"Content-Disposition": f'attachment; filename="{invite.filename}"'}
    return Response(invite.data, media_type="text/calendar; charset=utf-8", headers=headers)
