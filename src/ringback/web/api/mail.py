"""/api/v1 email (issue 6): queue a contact's email, email an appointment's invite.

Both only queue: `ringback worker` sends. Visibility as everywhere (domain/access.py):
an unseen contact or appointment is 404.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ringback.domain.scripts import parse_step
from ringback.services import calendar, directory, outbox
from ringback.views import outbox_public
from ringback.web.api.common import PathId
from ringback.web.deps import ApiActor, AppDep, Now, UowFactoryDep

router = APIRouter(tags=["email"])


class EmailCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: str | None = Field(
        default=None,
        description="email_first, email_followup or email_slots (default: the next step).",
    )
    template: str | None = Field(default=None, description="KEY or KEY:VARIANT.")


class OutboxPublic(BaseModel):
    id: int
    contact_id: int
    kind: str
    to: str
    subject: str
    message_id: str
    template: str | None
    state: str


@router.post("/contacts/{contact_id}/emails", response_model=OutboxPublic, status_code=201)
def queue_email(
    contact_id: PathId,
    body: EmailCreate,
    actor: ApiActor,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
) -> JSONResponse:
    """Render the contact's email step (as the script panel shows it) and queue it.

    422 when the message fails its checks (R19), the contact may not get email (R11,
    R12), or `public_base_url`/`mail_from` is not set.
    """
    directory.get_contact(uow_factory, actor, contact_id)  # 404 unless visible
    job = outbox.queue_email(
        uow_factory,
        app.mail_setup(actor.name),
        contact_id,
        app.sender(actor.name),
        now,
        step=parse_step(body.step) if body.step else None,
        template=body.template,
        user_name=actor.name,
        audience=app.settings.audience,
        phrases=app.flagged_phrases(),
    )
    return JSONResponse(outbox_public(job), status_code=201)


@router.post("/appointments/{appointment_id}/invite", response_model=OutboxPublic, status_code=201)
def queue_invite(
    appointment_id: PathId, actor: ApiActor, app: AppDep, uow_factory: UowFactoryDep, now: Now
) -> JSONResponse:
    """Email the appointment's invite (REQUEST, SEQUENCE per change) or its CANCEL (R3)."""
    job = calendar.queue_invite(uow_factory, app.mail_setup(actor.name), actor, appointment_id, now)
    return JSONResponse(outbox_public(job), status_code=201)
