"""The Today page (a placeholder until the plan is shown here)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ringback.web.deps import PageUser
from ringback.web.templating import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def today(request: Request, user: PageUser) -> HTMLResponse:
    return render(request, "today.html", {"active": "today"}, user=user)
