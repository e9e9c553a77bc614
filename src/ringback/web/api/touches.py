"""/api/v1/touches: log one touch (a JSON object) or a batch (a JSON array).

A batch is one transaction: every touch is logged, or — when one is refused — none,
and the error's `index` says which. Touches with an `external_id` already logged
come back with `duplicate: true` (a retried request logs nothing twice).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter, ValidationError

from ringback.domain.access import Actor
from ringback.domain.errors import InvalidField
from ringback.domain.model import Touch, utc
from ringback.domain.phone import parse_phone
from ringback.services.touches import BatchRefused, Logged, log_touches
from ringback.views import appointment_public, state_public, touch_public
from ringback.web.api.common import MAX_PAGE, answer
from ringback.web.api.schemas import LoggedBatch, LoggedPublic, TouchCreate
from ringback.web.deps import ApiActor, AppDep, Now, UowFactoryDep

router = APIRouter(tags=["touches"])

_ONE = TypeAdapter(TouchCreate)
_SCHEMA_REF = {"$ref": "#/components/schemas/TouchCreate"}
_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [_SCHEMA_REF, {"type": "array", "items": _SCHEMA_REF}],
                }
            }
        },
    }
}


@router.post(
    "/touches",
    response_model=LoggedPublic | LoggedBatch,
    status_code=201,
    openapi_extra=_BODY_DOC,
    responses={200: {"description": "Every touch had been logged before (duplicates)."}},
)
def post_touches(
    payload: Annotated[Any, Body()],
    actor: ApiActor,
    uow_factory: UowFactoryDep,
    app: AppDep,
    now: Now,
) -> JSONResponse:
    """Log a touch, or a batch of up to 500; each contact's state moves on with it."""
    batch = isinstance(payload, list)
    items = _parse(payload if batch else [payload], batch)
    region = app.settings.default_region
    touches = []
    for index, item in enumerate(items):
        try:
            touches.append(_touch(item, actor, now, region))
        except InvalidField as error:
            raise (BatchRefused(index, error) if batch else error) from None
    logged = log_touches(uow_factory, touches, actor)
    status = 200 if all(entry.duplicate for entry in logged) else 201
    if batch:
        return answer({"results": [_logged(entry) for entry in logged]}, status)
    return answer(_logged(logged[0]), status)


def _parse(raw: list[Any], batch: bool) -> list[TouchCreate]:
    if not raw or len(raw) > MAX_PAGE:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": f"send 1 to {MAX_PAGE} touches", "type": "value_error"}]
        )
    parsed, errors = [], []
    for index, item in enumerate(raw):
        try:
            parsed.append(_ONE.validate_python(item))
        except ValidationError as error:
            where = ("body", index) if batch else ("body",)
            errors += [{**e, "loc": (*where, *e["loc"])} for e in error.errors()]
    if errors:
        raise RequestValidationError(errors)
    return parsed


def _touch(body: TouchCreate, actor: Actor, now: datetime, region: str) -> Touch:
    return Touch(
        contact_id=body.contact_id,
        channel=body.channel,
        outcome=body.outcome,
        direction=body.direction,
        at=utc(body.at or now),
        duration_s=body.duration_s,
        notes=body.notes,
        template=body.template,
        user=actor.name,
        next_at=utc(body.next_at) if body.next_at else None,
        next_kind=body.next_kind,
        next_scope=body.next_scope,
        phone=parse_phone(body.phone, region, field="phone").e164 if body.phone else None,
        external_id=body.external_id,
    )


def _logged(entry: Logged) -> dict[str, Any]:
    return {
        "touch": touch_public(entry.touch),
        "state": state_public(entry.state),
        "appointment": appointment_public(entry.appointment) if entry.appointment else None,
        "duplicate": entry.duplicate,
    }
