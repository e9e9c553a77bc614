"""Public shapes of domain objects as plain JSON-ready dicts: the CLI's `--json` and
the REST API print exactly these (web/api/schemas.py documents them for OpenAPI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ringback.domain.model import Appointment, Contact, FollowUpState, Touch
from ringback.domain.outbox import OutboxJob
from ringback.domain.planner import Plan, PlanItem
from ringback.domain.scripts import Finding, MessageTemplate, Script
from ringback.domain.trace import Decision
from ringback.services.plan import Why
from ringback.services.scripts import ContactScript


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
        "next_scope": touch.next_scope.value,
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
        "booked_for": state.booked_for,
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
        "user": appointment.user,
        "scope": appointment.scope.value,
        "sequence": appointment.sequence,
        "cancelled": appointment.cancelled,
    }


def plan_public(result: Plan) -> dict[str, Any]:
    """The public JSON of a plan: items in priority order, then what was left out."""
    deferred = result.deferred_counts
    return {
        "from": iso(result.start),
        "to": iso(result.end),
        "capacity": result.capacity,
        "items": [item.as_dict() for item in result.items],
        "deferred_total": sum(deferred.values()),
        "deferred": deferred,
        "stopped": result.stopped,
    }


def why_public(found: Why) -> dict[str, Any]:
    explanation = found.explanation
    action = explanation.action
    item = None
    if action is not None:
        item = PlanItem(found.contact.id, found.contact.full_name, action, 1.0, False).as_dict()
    return {
        "contact_id": found.contact.id,
        "name": found.contact.full_name,
        "at": iso(found.at),
        "action": item,
        "rules": list(explanation.rules),
        "trace": [_decision(d) for d in explanation.trace],
    }


def _decision(decision: Decision) -> dict[str, str]:
    return {"rule": decision.rule, "effect": str(decision.effect), "message": decision.message}


def finding_public(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "where": finding.where,
    }


def lint_public(script: Script) -> dict[str, Any]:
    """A composed message and the linter's findings (`template lint --json`)."""
    return {
        "step": script.step.value,
        "template": script.template,
        "audience": script.audience,
        "subject": script.subject,
        "text": script.text,
        "seconds": script.seconds,
        "ready": script.ready,
        "findings": [finding_public(f) for f in script.findings],
    }


def script_public(found: ContactScript) -> dict[str, Any]:
    """`ringback script --json`: the contact's next message, ready or not (R7, R19)."""
    return {"contact_id": found.contact.id, **lint_public(found.script), "note": found.note}


def template_public(template: MessageTemplate) -> dict[str, Any]:
    return {
        "key": template.key,
        "variant": template.variant,
        "ref": template.ref,
        "audience": template.audience,
        "step": template.step.value,
        "subject": template.subject,
        "body": template.body,
        "built_in": template.built_in,
    }


def outbox_public(job: OutboxJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "contact_id": job.contact_id,
        "kind": job.kind.value,
        "to": job.to_address,
        "subject": job.subject,
        "message_id": job.message_id,
        "template": job.template,
        "state": job.state.value,
    }
