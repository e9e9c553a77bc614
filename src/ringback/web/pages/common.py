"""What the page routers share: the user's day, local times typed into forms, HTMX
detection and redirects after a POST (forms work without JavaScript; HTMX only
enhances them)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Literal

from fastapi import Request
from fastapi.responses import RedirectResponse

from ringback.domain.clock import zone
from ringback.domain.errors import InvalidField
from ringback.domain.model import utc

DAY = timedelta(days=1)
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">
ZoneChoice = Literal["contact", "user"]


def local_midnight(now: datetime, zone_name: str) -> datetime:
    """The start, in UTC, of the local day in `zone_name` that contains `now`."""
    where = zone(zone_name)
    return datetime.combine(now.astimezone(where).date(), time(0), where).astimezone(UTC)


def day_of(now: datetime, zone_name: str) -> tuple[datetime, datetime]:
    start = local_midnight(now, zone_name)
    return start, local_midnight(start + DAY + timedelta(hours=3), zone_name)


def parse_local_input(text: str, zone_name: str, field: str) -> datetime:
    """A datetime-local value ('2026-03-10T15:00') read on the clock of `zone_name`."""
    try:
        naive = datetime.strptime(text.strip()[:16], LOCAL_INPUT)
    except ValueError:
        example = "2026-03-10T15:00"
        raise InvalidField(field, f"{text!r} is not a date and time such as {example}") from None
    if not 1900 <= naive.year <= 2999:
        raise InvalidField(field, "must lie between the years 1900 and 2999")
    return utc(naive.replace(tzinfo=zone(zone_name)))


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def see_other(url: str) -> RedirectResponse:
    """After a successful POST: the browser GETs `url` (no resubmission on reload)."""
    return RedirectResponse(url, status_code=303)


def blank_to_none(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None
