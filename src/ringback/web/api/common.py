"""What the API routers share: JSON answers in the views.py shapes, shared params."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from fastapi.responses import JSONResponse

from ringback.domain.model import Contact, FollowUpState
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


def contact_detail(contact: Contact, state: FollowUpState) -> dict[str, Any]:
    return {**contact_public(contact), "state": state_public(state)}


def next_after(ids: list[int | None], limit: int) -> int | None:
    """The cursor for the next page: the last id, when the page was full."""
    return ids[-1] if len(ids) == limit and ids else None
