"""Turn a record of text fields (a dialer's CSV row or JSON line) into a Touch.

Pure: no I/O. The contact is returned as the reference the file gave (an id, a phone
number or an email) for the caller to resolve. Every rejection is an InvalidField
naming the field and row (PRODUCT.md §7).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from ringback.domain.errors import InvalidField
from ringback.domain.model import Channel, Direction, NextStepKind, Outcome, Touch, utc

E = TypeVar("E", bound=StrEnum)

# Folded header (letters and digits only) → field, for the spellings dialers use.
_ALIASES = {
    "contact": ("contact", "contactid", "contactref", "lead", "leadid"),
    "channel": ("channel", "type", "medium"),
    "outcome": ("outcome", "result", "disposition", "status", "callstatus"),
    "direction": ("direction", "calldirection"),
    "at": ("at", "time", "timestamp", "date", "datetime", "starttime", "startedat", "calledat"),
    "duration": ("duration", "durations", "durationseconds", "seconds", "billsec", "talktime"),
    "notes": ("notes", "note", "comment", "comments", "summary"),
    "external_id": ("externalid", "callid", "callsid", "uuid", "uniqueid", "id"),
    "user": ("user", "agent", "username", "rep"),
    "template": ("template",),
    "phone": ("phone", "number", "phonenumber", "to", "dialednumber"),
    "email": ("email", "emailaddress"),
    "next_at": ("nextat", "callbackat", "followupat"),
    "next_kind": ("nextkind", "nextstep"),
}
_FIELDS = {alias: field for field, aliases in _ALIASES.items() for alias in aliases}
_NOT_ALNUM = re.compile(r"[\W_]+")
_OUTCOME_ALIASES = {
    "answered": Outcome.CONNECTED,
    "completed": Outcome.CONNECTED,
    "noanswer": Outcome.NO_ANSWER,
    "voicemail": Outcome.VOICEMAIL_LEFT,
}
_DIRECTION_ALIASES = {
    "in": Direction.INBOUND,
    "incoming": Direction.INBOUND,
    "out": Direction.OUTBOUND,
    "outgoing": Direction.OUTBOUND,
}
_CHANNEL_ALIASES = {"phone": Channel.CALL, "mail": Channel.LETTER, "text": Channel.SMS}


def canonical_touch_record(record: Mapping[str, object]) -> dict[str, str]:
    """Keys mapped to touch fields (any common spelling), values as stripped text."""
    fields: dict[str, str] = {}
    for key, value in record.items():
        field = _FIELDS.get(_NOT_ALNUM.sub("", key.casefold()))
        text = "" if value is None else str(value).strip()
        if field is not None and text and field not in fields:
            fields[field] = text
    return fields


def touch_from_record(
    record: Mapping[str, object], *, default_zone: str = "UTC", row: int | None = None
) -> tuple[str, Touch]:
    """(contact reference, touch with contact_id 0) from `record`, or InvalidField.

    The reference is the `contact` field, else the `phone` or `email` field. A time
    without an offset is read in `default_zone`. With no channel, a call is assumed:
    that is what dialers and phone systems export.
    """
    try:
        return _parse(canonical_touch_record(record), default_zone)
    except InvalidField as exc:
        if row is None:
            raise
        raise exc.at_row(row) from None


def _parse(fields: dict[str, str], default_zone: str) -> tuple[str, Touch]:
    reference = fields.get("contact") or fields.get("phone") or fields.get("email")
    if reference is None:
        raise InvalidField("contact", "is required (an id, a phone number or an email)")
    next_kind = fields.get("next_kind")
    touch = Touch(
        contact_id=0,
        channel=_choice(Channel, fields.get("channel", "call"), "channel", _CHANNEL_ALIASES),
        outcome=_choice(Outcome, _required(fields, "outcome"), "outcome", _OUTCOME_ALIASES),
        direction=_choice(
            Direction, fields.get("direction", "outbound"), "direction", _DIRECTION_ALIASES
        ),
        at=parse_instant(_required(fields, "at"), "at", default_zone),
        duration_s=_duration(fields.get("duration")),
        notes=fields.get("notes"),
        template=fields.get("template"),
        user=fields.get("user"),
        next_at=_optional_instant(fields.get("next_at"), default_zone),
        next_kind=_choice(NextStepKind, next_kind, "next_kind", {}) if next_kind else None,
        phone=fields.get("phone"),
        external_id=fields.get("external_id"),
    )
    return reference, touch


def _required(fields: dict[str, str], name: str) -> str:
    value = fields.get(name)
    if value is None:
        raise InvalidField(name, "is required")
    return value


def _choice(kind: type[E], text: str, field: str, aliases: Mapping[str, E]) -> E:
    folded = _NOT_ALNUM.sub("", text.casefold())
    for member in kind:
        if folded == _NOT_ALNUM.sub("", member.value):
            return member
    alias = aliases.get(folded)
    if alias is None:
        names = ", ".join(member.value for member in kind)
        raise InvalidField(field, f"{text!r} is unknown; use one of: {names}")
    return alias


def parse_instant(text: str, field: str, default_zone: str) -> datetime:
    """An ISO 8601 date-time as aware UTC; one without an offset is in `default_zone`."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidField(field, f"{text!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(default_zone))
    return utc(parsed)


def _optional_instant(text: str | None, default_zone: str) -> datetime | None:
    return None if text is None else parse_instant(text, "next_at", default_zone)


def _duration(text: str | None) -> int | None:
    """Seconds, written as "75", "75.4", "1:15" or "0:01:15"."""
    if text is None:
        return None
    try:
        seconds = 0.0
        for part in text.split(":"):
            seconds = seconds * 60 + float(part)
    except ValueError:
        raise InvalidField("duration", f"{text!r} is not a duration in seconds") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidField("duration", f"{text!r} is not a duration in seconds")
    return round(seconds)
