"""What the API routers share: JSON answers in the views.py shapes, shared params."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import Path, Query
from fastapi.responses import JSONResponse

from ringback.domain.model import Contact, FollowUpState
from ringback.services.contacts import UowFactory
from ringback.services.scoring import ContactScore, current_model, score_contacts
from ringback.views import contact_public, state_public

MAX_PAGE = 500
ID_MAX = 2**31 - 1

# Ids in paths and paging cursors, bounded like the database's 32-bit integers.
PathId = Annotated[int, Path(ge=1, le=ID_MAX)]
After = Annotated[int, Query(ge=0, le=ID_MAX, description="The `next_after` of the last page.")]


def answer(data: Any, status_code: int = 200) -> JSONResponse:
    """The dict as it is: the same bytes the CLI's --json would print for it.

    Returning a response skips FastAPI's re-serialisation through the route's
    response_model, which stays as the documented schema (tests check they agree).
    """
    return JSONResponse(data, status_code=status_code)


def contact_detail(
    contact: Contact, state: FollowUpState, scored: ContactScore | None = None
) -> dict[str, Any]:
    factors = scored.factors if scored else ()
    return {
        **contact_public(contact),
        "state": state_public(state),
        "score": None if scored is None or scored.score is None else round(scored.score, 4),
        "score_factors": [
            {"feature": f.feature, "contribution": round(f.contribution, 4)} for f in factors
        ],
    }


def scored_details(
    uow_factory: UowFactory,
    pairs: Sequence[tuple[Contact, FollowUpState]],
    now: datetime,
    reader: UowFactory | None = None,
) -> list[dict[str, Any]]:
    """`contact_detail` of each pair with its R11 lead score (refitted first when stale);
    reads through `reader` when given (read-only: on SQLite it never holds up writers)."""
    model = current_model(uow_factory, now, reader=reader).model if pairs else None
    scores = score_contacts(reader or uow_factory, [c for c, _ in pairs], model)
    return [contact_detail(c, s, scores.get(c.id or 0)) for c, s in pairs]


def next_after(ids: list[int | None], limit: int) -> int | None:
    """The cursor for the next page: the last id, when the page was full."""
    return ids[-1] if len(ids) == limit and ids else None
