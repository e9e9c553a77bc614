"""The Today page: the day's plan in R18 order, at the team's daily capacity (R14).

Each item shows the contact's local time and zone (R5), the attempt number (R13),
the tier and why now, the script panel, tel: links and one-click or one-key
outcomes (web/static/ringback.js holds the keymap; without JavaScript every
outcome is a plain form button). Logging is web/pages/touches.py.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ringback.domain.model import Channel
from ringback.services.worklist import todays_work
from ringback.web.deps import AppDep, Now, PageUser, TeamSettingsDep, UowFactoryDep
from ringback.web.pages.common import day_of
from ringback.web.pages.touches import quick_outcomes
from ringback.web.templating import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def today(
    request: Request,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    team: TeamSettingsDep,
    now: Now,
) -> HTMLResponse:
    zone_name = app.settings.user_timezone
    start, end = day_of(now, zone_name)
    work = todays_work(uow_factory, user.actor, start, end, policy=team.policy)
    context = {
        "active": "today",
        "work": work,
        "now": now,
        "day_start": start,
        "user_zone": zone_name,
        "capacity": work.plan.capacity,
        "outcomes_for": lambda channel: quick_outcomes(Channel(channel)),
        "letters_due": sum(1 for w in work.items if w.item.action.channel is Channel.LETTER),
        "click_to_call": app.twilio_calls() is not None
        and bool(user.phone or app.settings.rep_phone),
    }
    return render(request, "today.html", context, user=user)
