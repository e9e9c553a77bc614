"""Public shapes of domain objects as plain JSON-ready dicts (CLI `--json`, later the API)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ringback.domain.model import Appointment, Contact, FollowUpState, Touch


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def contact_public(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "full_name": contact.full_name,
        "first_name": contact.first_name,
        "phones": [
            {"e164": p.e164, "type": p.kind.value, "country": p.country, "timezones": p.timezones}
            for p in contact.phones
        ],
        "email": contact.email,
        "address": contact.address,
        "country": contact.country,
        "subdivision": contact.subdivision,
        "company": contact.company,
        "title": contact.title,
        "segment": contact.segment,
        "tags": list(contact.tags),
        "fields": dict(contact.fields),
        "owner": contact.owner,
        "referred_by": contact.referred_by,
        "reason": contact.reason,
        "timezone": contact.timezone,
        "timezone_candidates": list(contact.timezone_candidates),
        "timezone_ambiguous": contact.timezone_ambiguous,
        "preferred_windows": [
            {
                "days": [d.value for d in w.days],
                "start": f"{w.start:%H:%M}",
                "end": f"{w.end:%H:%M}",
            }
            for w in contact.preferred_windows
        ],
        "preferred_channel": contact.preferred_channel.value if contact.preferred_channel else None,
        "email_first": contact.email_first,
        "personal": contact.personal,
        "cadence": contact.cadence,
        "created_at": iso(contact.created_at),
    }


def touch_public(touch: Touch) -> dict[str, Any]:
    return {
        "id": touch.id,
        "contact_id": touch.contact_id,
        "channel": touch.channel.value,
        "direction": touch.direction.value,
        "outcome": touch.outcome.value,
        "at": iso(touch.at),
        "duration_s": touch.duration_s,
        "notes": touch.notes,
        "template": touch.template,
        "user": touch.user,
        "next_at": iso(touch.next_at),
        "next_kind": touch.next_kind.value if touch.next_kind else None,
        "phone": touch.phone,
        "external_id": touch.external_id,
    }


def state_public(state: FollowUpState) -> dict[str, Any]:
    return {
        "status": state.status.value,
        "attempts": state.attempts,
        "last_touch_at": iso(state.last_touch_at),
        "last_conversation_at": iso(state.last_conversation_at),
        "next_due_at": iso(state.next_due_at),
        "promised_at": iso(state.promised_at),
        "appointment_at": iso(state.appointment_at),
    }


def appointment_public(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.id,
        "contact_id": appointment.contact_id,
        "start": iso(appointment.start),
        "end": iso(appointment.end),
        "uid": appointment.uid,
        "title": appointment.title,
        "we_call": appointment.we_call,
        "phone": appointment.phone,
        "cancelled": appointment.cancelled,
    }
