"""/api/v1/plan: the ordered plan for a time range — the same items, in the same
shape, as `ringback plan --json` (both print views.plan_public of plan_range)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from ringback.domain.errors import InvalidField
from ringback.services.plan import plan_range
from ringback.views import plan_public
from ringback.web.api.common import answer
from ringback.web.api.schemas import Instant, PlanPublic
from ringback.web.deps import ApiActor, UowFactoryDep
from ringback.web.errors import Forbidden

router = APIRouter(tags=["plan"])
MAX_RANGE = timedelta(days=92)


@router.get("/plan", response_model=PlanPublic)
def get_plan(
    start: Annotated[Instant, Query(alias="from", description="Start, ISO 8601.")],
    end: Annotated[Instant, Query(alias="to", description="End (exclusive).")],
    actor: ApiActor,
    uow_factory: UowFactoryDep,
    capacity: Annotated[
        int | None, Query(ge=1, description="Most actions per day (R14; default 50).")
    ] = None,
    user: Annotated[
        str | None,
        Query(description="Owners and admins: plan this user's work (default: everyone's)."),
    ] = None,
) -> JSONResponse:
    """Whom to contact, when and how, in priority order (R18); a rep gets their own plan."""
    if end <= start:
        raise InvalidField("to", "must come after from")
    if end - start > MAX_RANGE:
        raise InvalidField("to", f"a plan covers at most {MAX_RANGE.days} days")
    planned_for = _planned_for(actor.name, actor.sees_everything, user)
    return answer(plan_public(plan_range(uow_factory, start, end, capacity, planned_for)))


def _planned_for(name: str, sees_everything: bool, user: str | None) -> str | None:
    wanted = user.strip().casefold() if user else None
    if sees_everything:
        return wanted
    if wanted not in (None, name):
        raise Forbidden("a rep can only see their own plan")
    return name
