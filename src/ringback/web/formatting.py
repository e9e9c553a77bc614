"""Plain-text helpers the page templates use as Jinja filters and globals.

Times are stored in UTC and shown in two clocks: the contact's (their zone, R5) and
the user's (the `user_timezone` setting). Each helper is pure and small.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import phonenumbers

from ringback.domain.clock import zone
from ringback.domain.model import Outcome
from ringback.domain.phone import format_international

OUTCOME_LABELS = {
    Outcome.CONNECTED: "Connected",
    Outcome.NO_ANSWER: "No answer",
    Outcome.BUSY: "Busy",
    Outcome.VOICEMAIL_LEFT: "Voicemail left",
    Outcome.VOICEMAIL_SKIPPED: "Voicemail, none left",
    Outcome.WRONG_NUMBER: "Wrong number",
    Outcome.DISCONNECTED: "Disconnected",
    Outcome.SENT: "Sent",
    Outcome.BOUNCED: "Bounced",
    Outcome.REPLIED: "Replied",
    Outcome.MAILED: "Mailed",
    Outcome.UNSUBSCRIBED: "Unsubscribed",
    Outcome.CALLBACK_RECEIVED: "Called back",
    Outcome.INBOUND_EMAIL: "Emailed us",
    Outcome.NOT_INTERESTED: "Not interested",
    Outcome.CALL_LATER: "Call later",
    Outcome.MEETING_BOOKED: "Meeting booked",
    Outcome.DO_NOT_CONTACT: "Do not contact",
}

TIER_LABELS = {
    "appointment": "Appointment",
    "promised": "Promised call-back",
    "warm": "Warm",
    "cadence": "Cadence step",
    "cold": "Cold recycle",
}


def outcome_label(value: Any) -> str:
    try:
        return OUTCOME_LABELS[Outcome(str(value))]
    except ValueError:
        return str(value)


def local_time(at: datetime | None, zone_name: str, pattern: str = "%a %d %b %H:%M") -> str:
    """`at` on the wall clock of `zone_name` ('' for None)."""
    if at is None:
        return ""
    return at.astimezone(zone(zone_name)).strftime(pattern)


def zone_abbreviation(zone_name: str, at: datetime) -> str:
    """'EST', 'CET', or '+0530' when the zone has no letters for it."""
    return at.astimezone(zone(zone_name)).strftime("%Z")


def utc_offset(zone_name: str, at: datetime) -> str:
    """'UTC−05:00' (a true minus sign), 'UTC+05:30', 'UTC±00:00'."""
    offset = at.astimezone(zone(zone_name)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes > 0 else "\u2212" if minutes < 0 else "\u00b1"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def short_zone(zone_name: str) -> str:
    """The city part of an IANA name: 'America/New_York' → 'New York'."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def tel_href(e164: str) -> str:
    return f"tel:{e164}"


@lru_cache(maxsize=4096)  # parsing a number costs about half a millisecond
def phone_display(e164: str) -> str:
    """'+1 212-555-0142': readable, and still dialable from any country."""
    try:
        return format_international(e164)
    except phonenumbers.NumberParseException:
        return e164


def datetime_local_value(at: datetime | None, zone_name: str) -> str:
    """The value of an <input type=datetime-local> showing `at` in `zone_name`."""
    return local_time(at, zone_name, "%Y-%m-%dT%H:%M") if at else ""


FILTERS = {
    "local_time": local_time,
    "outcome_label": outcome_label,
    "tel_href": tel_href,
    "phone_display": phone_display,
    "short_zone": short_zone,
    "datetime_local_value": datetime_local_value,
}
GLOBALS = {
    "zone_abbreviation": zone_abbreviation,
    "utc_offset": utc_offset,
    "TIER_LABELS": TIER_LABELS,
}
