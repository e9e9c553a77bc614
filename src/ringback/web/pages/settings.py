"""The Settings page: calling windows (R5), caps (R14), the daily capacity (R14, R18),
the default region, and cadences with their segment assignments (R1, R2, R9); and
the signed-in user's own phone, which click-to-call rings.

Everyone sees the settings; owners and admins change them (services refuse others).
Everyone sets their own phone.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from ringback.domain.access import User, may_manage_users
from ringback.domain.cadence import cadence_to_dict
from ringback.domain.errors import InvalidField, NotFound, NotPermitted
from ringback.domain.parsing import duration_text, hours_data, hours_text, parse_hours_text
from ringback.domain.phone import format_international
from ringback.services.accounts import list_users, set_active, set_phone
from ringback.services.cadences import assign_segment, list_cadences, save_cadence
from ringback.services.contacts import UowFactory
from ringback.services.team_settings import TeamSettings, save_team_settings
from ringback.web.deps import (
    AppDep,
    Now,
    PageUser,
    SubmittedForm,
    TeamSettingsDep,
    UowFactoryDep,
)
from ringback.web.flash import flash
from ringback.web.pages.common import see_other
from ringback.web.templating import render

router = APIRouter()
NUMBERS = ("max_calls_per_week", "max_touches_per_week", "daily_capacity")


@router.get("/settings", response_class=HTMLResponse)
def settings_page(
    request: Request, user: PageUser, app: AppDep, uow_factory: UowFactoryDep, team: TeamSettingsDep
) -> HTMLResponse:
    return _page(request, user, app.settings.default_region, uow_factory, _values(team))


def _values(team: TeamSettings) -> dict[str, str]:
    policy = team.policy
    return {
        "business_hours": hours_text(policy.business_hours),
        "personal_hours": hours_text(policy.personal_hours),
        "skip_holidays": "yes" if policy.skip_holidays else "",
        "max_calls_per_week": str(policy.max_calls_per_week),
        "voicemail_gap": duration_text(policy.voicemail_gap),
        "max_touches_per_week": str(policy.max_touches_per_week),
        "daily_capacity": str(policy.daily_capacity),
        "collections": "yes" if policy.collections else "",
        "collections_quiet": duration_text(policy.collections_quiet),
        "search_days": str(policy.search_days),
        "default_region": team.default_region or "",
    }


def _page(
    request: Request,
    user: User,
    env_region: str,
    uow_factory: UowFactory,
    values: dict[str, str],
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    cadences = list_cadences(uow_factory)
    with uow_factory() as uow:
        segments = uow.cadences.segments()
    context = {
        "active": "settings",
        "my_phone": format_international(user.phone) if user.phone else "",
        "values": values,
        "error": error,
        "env_region": env_region,
        "may_change": user.actor.sees_everything,
        "cadences": [(c, _yaml(cadence_to_dict(c))) for c in cadences],
        "segments": sorted(segments.items()),
        "team": _team(uow_factory, user),
    }
    return render(request, "settings.html", context, user=user, status_code=status_code)


def _team(uow_factory: UowFactory, user: User) -> list[tuple[User, str, bool]]:
    """For owners and admins: each user, their phone shown, and whether this user may
    switch them on or off (never themselves)."""
    if not user.actor.sees_everything:
        return []
    return [
        (
            member,
            format_international(member.phone) if member.phone else "",
            member.name != user.name and may_manage_users(user.actor, member.role),
        )
        for member in list_users(uow_factory)
    ]


def _yaml(data: dict[str, object]) -> str:
    plain = json.loads(json.dumps(data))  # enums to plain text for the safe dumper
    return yaml.safe_dump(plain, sort_keys=False, allow_unicode=True)


@router.post("/settings", response_class=HTMLResponse)
def save(
    request: Request,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
    form: SubmittedForm,
) -> Response:
    values = {name: str(form.get(name) or "").strip() for name in _values(TeamSettings())}
    try:
        data = _policy_data(values)
        save_team_settings(uow_factory, user.actor, data, values["default_region"] or None, now)
    except InvalidField as refused:
        return _page(
            request, user, app.settings.default_region, uow_factory, values, str(refused), 422
        )
    flash(request, "Settings saved; today's plan follows them now.")
    return see_other("/settings")


def _policy_data(values: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "business_hours": hours_data(parse_hours_text(values["business_hours"], "business_hours")),
        "personal_hours": hours_data(parse_hours_text(values["personal_hours"], "personal_hours")),
        "skip_holidays": values["skip_holidays"] == "yes",
        "collections": values["collections"] == "yes",
        "voicemail_gap": values["voicemail_gap"] or "3d",
        "collections_quiet": values["collections_quiet"] or "7d",
    }
    for name in (*NUMBERS, "search_days"):
        data[name] = _whole_number(values[name], name)
    return data


def _whole_number(text: str, field: str) -> int:
    if not text.isdigit():
        raise InvalidField(field, f"{text!r} is not a whole number")
    return int(text)


@router.post("/settings/phone")
def save_phone(
    request: Request,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    team: TeamSettingsDep,
    phone: Annotated[str, Form()] = "",
) -> Response:
    """The signed-in user's own phone: click-to-call rings it (any role sets their own)."""
    region = team.region(app.settings.default_region)
    try:
        changed = set_phone(uow_factory, user.name, phone, region)
    except InvalidField as refused:
        flash(request, f"Phone not saved: {refused}", "error")
    else:
        saved = format_international(changed.phone) if changed.phone else None
        flash(request, f"Click-to-call rings {saved}." if saved else "Your phone was removed.")
    return see_other("/settings#phone")


@router.post("/settings/users/{name}/active")
def switch_user(
    request: Request,
    name: str,
    user: PageUser,
    uow_factory: UowFactoryDep,
    active: Annotated[str, Form()] = "",
) -> Response:
    """Switch a team member off (no sign-in, sessions end, tokens stop) or on again."""
    changed = set_active(uow_factory, name, active == "yes", user.actor)
    state = "active again" if changed.active else "deactivated: they can no longer sign in"
    flash(request, f"{changed.name} is {state}.")
    return see_other("/settings#team")


@router.post("/settings/cadences", response_class=HTMLResponse)
def save_cadence_page(
    request: Request,
    user: PageUser,
    uow_factory: UowFactoryDep,
    now: Now,
    definition: Annotated[str, Form()] = "",
) -> Response:
    """A cadence as YAML (the format of `ringback cadence set`); its key names it."""
    _only_managers(user)
    try:
        data = yaml.safe_load(definition)
        if not isinstance(data, dict):
            raise InvalidField("definition", "expected a YAML mapping with key, name and steps")
        cadence = save_cadence(uow_factory, data, now)
    except yaml.YAMLError as error:
        flash(request, f"Not saved: the YAML does not read ({error.__class__.__name__}).", "error")
        return see_other("/settings#cadences")
    except InvalidField as refused:
        flash(request, f"Not saved: {refused}", "error")
        return see_other("/settings#cadences")
    flash(request, f"Cadence {cadence.key!r} saved.")
    return see_other("/settings#cadences")


@router.post("/settings/segments", response_class=HTMLResponse)
def assign_segment_page(
    request: Request,
    user: PageUser,
    uow_factory: UowFactoryDep,
    segment: Annotated[str, Form()] = "",
    cadence: Annotated[str, Form()] = "",
) -> Response:
    _only_managers(user)
    try:
        members = assign_segment(uow_factory, segment.strip(), cadence.strip())
    except (InvalidField, NotFound) as refused:
        flash(request, f"Not assigned: {refused}", "error")
        return see_other("/settings#cadences")
    flash(request, f"Segment {segment.strip()!r} follows {cadence.strip()!r} ({members} contacts).")
    return see_other("/settings#cadences")


def _only_managers(user: User) -> None:
    if not user.actor.sees_everything:
        raise NotPermitted("only owners and admins change cadences")
