"""Conversions between table rows and domain dataclasses, one small function each.

Enums are written as `.value` explicitly: drivers differ in how they adapt enum
objects (psycopg writes the member name), and the stored strings must not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeAlias

from ringback.domain.access import ApiToken, Role, User
from ringback.domain.contact_input import ContactParts
from ringback.domain.model import (
    Appointment,
    CallbackScope,
    Channel,
    Contact,
    Direction,
    FollowUpState,
    NextStepKind,
    Outcome,
    Phone,
    PhoneType,
    PreferredWindow,
    RecentTouch,
    Status,
    Touch,
    Weekday,
    utc,
)

if TYPE_CHECKING:
    from sqlalchemy import RowMapping
# A SQLAlchemy RowMapping, or a dict of the same (adapters/db/prepared.py).
Row: TypeAlias = "RowMapping | Mapping[str, Any]"
Values = dict[str, Any]


def name_key(full_name: str) -> str:
    return full_name.casefold()


def email_key(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def _value(member: Channel | NextStepKind | None) -> str | None:
    return member.value if member is not None else None


def _scope_value(scope: CallbackScope) -> str | None:
    """NULL for the default (anyone): most touches book nothing."""
    return None if scope is CallbackScope.ANYONE else scope.value


def _scope(value: str | None) -> CallbackScope:
    return CallbackScope(value) if value else CallbackScope.ANYONE


# Contacts


# Column order of the contacts table after `id` (tables.py checks it).
CONTACT_COLUMNS = (
    "full_name",
    "first_name",
    "name_key",
    "email",
    "email_key",
    "address",
    "country",
    "subdivision",
    "company",
    "title",
    "segment",
    "tags",
    "fields",
    "owner",
    "referred_by",
    "reason",
    "timezone",
    "timezone_candidates",
    "timezone_source",
    "preferred_windows",
    "preferred_channel",
    "email_first",
    "personal",
    "cadence",
    "created_at",
)
# And of contact_phones after `contact_id`.
PHONE_COLUMNS = ("position", "e164", "kind", "country", "timezones")


def contact_row(contact: Contact) -> tuple[Any, ...]:
    """The contact's values in CONTACT_COLUMNS order (bulk imports skip the dict)."""
    return parts_row(contact_parts_of(contact), contact.created_at)


_parts_of = attrgetter(*ContactParts._fields)


def contact_parts_of(contact: Contact) -> ContactParts:
    """The contact's values as ContactParts (all but created_at and id)."""
    return ContactParts._make(_parts_of(contact))


def parts_row(parts: ContactParts, created_at: Any) -> tuple[Any, ...]:
    """A contact's values (as ContactParts) in CONTACT_COLUMNS order."""
    (
        full_name,
        first_name,
        _phones,
        email,
        address,
        country,
        subdivision,
        company,
        title,
        segment,
        tags,
        fields,
        owner,
        referred_by,
        reason,
        timezone,
        timezone_candidates,
        timezone_source,
        windows,
        channel,
        email_first,
        personal,
        cadence,
    ) = parts
    return (
        full_name,
        first_name,
        name_key(full_name),
        email,
        email_key(email),
        address,
        country,
        subdivision,
        company,
        title,
        segment,
        list(tags),
        dict(fields),
        owner,
        referred_by,
        reason,
        timezone,
        list(timezone_candidates),
        timezone_source,
        [window_json(window) for window in windows],
        _value(channel),
        email_first,
        personal,
        cadence,
        created_at,
    )


def contact_values(contact: Contact, contact_id: int) -> Values:
    values: Values = {"id": contact_id}
    values.update(zip(CONTACT_COLUMNS, contact_row(contact), strict=True))
    return values


def phone_rows(phones: Sequence[Phone]) -> list[tuple[Any, ...]]:
    """Each phone's values in PHONE_COLUMNS order."""
    return [
        (position, phone.e164, phone.kind.value, phone.country, list(phone.timezones))
        for position, phone in enumerate(phones)
    ]


def phone_values(contact_id: int, phones: Sequence[Phone]) -> list[Values]:
    return [
        {"contact_id": contact_id, **dict(zip(PHONE_COLUMNS, row, strict=True))}
        for row in phone_rows(phones)
    ]


def window_json(window: PreferredWindow) -> dict[str, Any]:
    return {
        "days": [day.value for day in window.days],
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
    }


def window_from_json(data: Mapping[str, Any]) -> PreferredWindow:
    return PreferredWindow(
        days=tuple(Weekday(day) for day in data["days"]),
        start=time.fromisoformat(data["start"]),
        end=time.fromisoformat(data["end"]),
    )


def phone_from_row(row: Row) -> Phone:
    return Phone(
        e164=row["e164"],
        kind=PhoneType(row["kind"]),
        country=row["country"],
        timezones=tuple(row["timezones"]),
    )


def contact_from_row(row: Row, phones: Iterable[Phone]) -> Contact:
    channel = row["preferred_channel"]
    return Contact(
        id=row["id"],
        full_name=row["full_name"],
        first_name=row["first_name"],
        phones=tuple(phones),
        email=row["email"],
        address=row["address"],
        country=row["country"],
        subdivision=row["subdivision"],
        company=row["company"],
        title=row["title"],
        segment=row["segment"],
        tags=tuple(row["tags"]),
        fields=dict(row["fields"]),
        owner=row["owner"],
        referred_by=row["referred_by"],
        reason=row["reason"],
        timezone=row["timezone"],
        timezone_candidates=tuple(row["timezone_candidates"]),
        timezone_source=row["timezone_source"],
        preferred_windows=tuple(window_from_json(w) for w in row["preferred_windows"]),
        preferred_channel=Channel(channel) if channel is not None else None,
        email_first=row["email_first"],
        personal=row["personal"],
        cadence=row["cadence"],
        created_at=row["created_at"],
    )


# Touches


def touch_values(touch: Touch, touch_id: int | None) -> Values:
    return {
        "id": touch_id,
        "contact_id": touch.contact_id,
        "channel": touch.channel.value,
        "direction": touch.direction.value,
        "outcome": touch.outcome.value,
        "at": touch.at,
        "duration_s": touch.duration_s,
        "notes": touch.notes,
        "template": touch.template,
        "user_name": touch.user,
        "next_at": touch.next_at,
        "next_kind": _value(touch.next_kind),
        "next_scope": _scope_value(touch.next_scope),
        "phone": touch.phone,
        "external_id": touch.external_id,
    }


def touch_from_row(row: Row) -> Touch:
    next_kind = row["next_kind"]
    return Touch(
        id=row["id"],
        contact_id=row["contact_id"],
        channel=Channel(row["channel"]),
        direction=Direction(row["direction"]),
        outcome=Outcome(row["outcome"]),
        at=row["at"],
        duration_s=row["duration_s"],
        notes=row["notes"],
        template=row["template"],
        user=row["user_name"],
        next_at=row["next_at"],
        next_kind=NextStepKind(next_kind) if next_kind is not None else None,
        next_scope=_scope(row["next_scope"]),
        phone=row["phone"],
        external_id=row["external_id"],
    )


# Follow-up state

_STATE_INSTANTS = (
    "last_touch_at",
    "last_outbound_at",
    "last_conversation_at",
    "last_response_at",
    "last_call_at",
    "last_voicemail_at",
    "promised_at",
    "appointment_at",
    "next_due_at",
)
_STATE_SCALARS = (
    "booked_for",
    "attempts",
    "calls_unanswered_in_row",
    "silent_calls_in_row",
    "voicemails_unanswered",
    "emails_unanswered",
    "letters_unanswered",
    "never_answered",
    "email_bounced",
    "email_opted_out",
)


def state_values(state: FollowUpState) -> Values:
    values: Values = {name: getattr(state, name) for name in _STATE_INSTANTS + _STATE_SCALARS}
    values.update(
        contact_id=state.contact_id,
        status=state.status.value,
        bad_numbers=list(state.bad_numbers),
        recent=[recent_json(recent) for recent in state.recent],
    )
    return values


# A state keeps about ten recent touches, read and written with every logged touch:
# members by value from a dict (calling the enum costs several times more).
_CHANNELS = {member.value: member for member in Channel}
_OUTCOMES = {member.value: member for member in Outcome}


def recent_json(recent: RecentTouch) -> dict[str, str]:
    return {
        "at": utc(recent.at).isoformat(),
        "channel": recent.channel.value,
        "outcome": recent.outcome.value,
    }


def recent_from_json(data: Mapping[str, str]) -> RecentTouch:
    channel, outcome = data["channel"], data["outcome"]
    return RecentTouch(
        at=utc(datetime.fromisoformat(data["at"])),
        channel=_CHANNELS.get(channel) or Channel(channel),  # an unknown one: ValueError
        outcome=_OUTCOMES.get(outcome) or Outcome(outcome),
    )


def state_from_row(row: Row) -> FollowUpState:
    return FollowUpState(
        contact_id=row["contact_id"],
        status=Status(row["status"]),
        bad_numbers=tuple(row["bad_numbers"]),
        recent=tuple(recent_from_json(item) for item in row["recent"]),
        **{name: row[name] for name in _STATE_INSTANTS + _STATE_SCALARS},
    )


# Appointments


def appointment_values(appointment: Appointment) -> Values:
    return {
        "contact_id": appointment.contact_id,
        "starts_at": appointment.start,
        "ends_at": appointment.end,
        "uid": appointment.uid,
        "title": appointment.title,
        "we_call": appointment.we_call,
        "phone": appointment.phone,
        "user_name": appointment.user,
        "sequence": appointment.sequence,
        "cancelled": appointment.cancelled,
        "scope": appointment.scope.value,
    }


def appointment_from_row(row: Row) -> Appointment:
    return Appointment(
        id=row["id"],
        contact_id=row["contact_id"],
        start=row["starts_at"],
        end=row["ends_at"],
        uid=row["uid"],
        title=row["title"],
        we_call=row["we_call"],
        phone=row["phone"],
        user=row["user_name"],
        sequence=row["sequence"],
        cancelled=row["cancelled"],
        scope=_scope(row["scope"]),
    )


# Accounts


def user_values(user: User) -> Values:
    return {
        "name": user.name,
        "role": user.role.value,
        "password_hash": user.password_hash,
        "active": user.active,
        "created_at": user.created_at,
        "phone": user.phone,
    }


def user_from_row(row: Row) -> User:
    return User(
        id=row["id"],
        name=row["name"],
        role=Role(row["role"]),
        password_hash=row["password_hash"],
        active=row["active"],
        created_at=row["created_at"],
        phone=row["phone"],
    )


def token_values(token: ApiToken) -> Values:
    return {
        "user_id": token.user_id,
        "name": token.name,
        "token_hash": token.token_hash,
        "created_at": token.created_at,
    }


def token_from_row(row: Row) -> ApiToken:
    return ApiToken(
        id=row["id"],
        user_id=row["user_id"],
        name=row["name"],
        token_hash=row["token_hash"],
        created_at=row["created_at"],
    )
