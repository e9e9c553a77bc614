"""Cadences from data (a parsed YAML or JSON document) and back, strictly validated.

Reading files is a service's job; this module only turns a mapping into a
`Cadence`, raising InvalidField that names the offending key or value: unknown
keys, negative waits, empty windows, unknown time zones, channels or conditions.
Keys left out take the documented defaults (see docs/rules.md); `steps` left out
means the default steps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ringback.domain.cadence.spec import (
    DEFAULT_STEPS,
    STEP_CHANNELS,
    STOP_OUTCOMES,
    Cadence,
    Condition,
    Step,
)
from ringback.domain.errors import InvalidField
from ringback.domain.model import RESPONSE_OUTCOMES, Channel, Outcome
from ringback.domain.parsing import (
    as_list,
    as_mapping,
    duration_text,
    hours_data,
    parse_bool,
    parse_duration,
    parse_enum,
    parse_hours,
    parse_int,
    parse_text,
    parse_zone,
    reject_unknown_keys,
)

_Reader = Callable[[object, str], Any]
_FIELDS: dict[str, _Reader] = {
    "name": parse_text,
    "first_wait": parse_duration,
    "then_wait": parse_duration,
    "silent_first_call": parse_bool,
    "max_silent_calls_in_row": lambda v, f: parse_int(v, f, 0),
    "voicemails_before_email": lambda v, f: parse_int(v, f, 0),
    "emails_before_letter": lambda v, f: parse_int(v, f, 0),
    "cold_after_attempts": lambda v, f: parse_int(v, f, 1),
    "recycle_after": parse_duration,
    "warm_days": lambda v, f: parse_int(v, f, 0),
    "email_first": parse_bool,
    "pause_on": lambda v, f: _outcomes(v, f, RESPONSE_OUTCOMES),
    "stop_on": lambda v, f: _outcomes(v, f, STOP_OUTCOMES),
    "business_hours": parse_hours,
    "personal_hours": parse_hours,
    "timezone": parse_zone,
}
_STEP_KEYS = ("channel", "template", "when", "wait")


def cadence_from_dict(data: Mapping[str, object]) -> Cadence:
    """A validated Cadence from `data`; InvalidField names any bad key or value."""
    document = as_mapping(data, "cadence")
    reject_unknown_keys(document, ("key", "steps", *_FIELDS))
    if "key" not in document:
        raise InvalidField("key", "a cadence needs a key")
    key = parse_text(document["key"], "key")
    values = {
        name: read(document[name], name) for name, read in _FIELDS.items() if name in document
    }
    values.setdefault("name", key)
    steps = _steps(document["steps"]) if "steps" in document else DEFAULT_STEPS
    return Cadence(key=key, steps=steps, **values)


def _steps(value: object) -> tuple[Step, ...]:
    items = as_list(value, "steps")
    if not items:
        raise InvalidField("steps", "a cadence needs at least one step")
    return tuple(_step(item, f"steps[{index}]") for index, item in enumerate(items))


def _step(value: object, field: str) -> Step:
    data = as_mapping(value, field)
    reject_unknown_keys(data, _STEP_KEYS, f"{field}.")
    for required in ("channel", "template"):
        if required not in data:
            raise InvalidField(f"{field}.{required}", "is required")
    channels = sorted(STEP_CHANNELS)
    channel = parse_enum(data["channel"], Channel, f"{field}.channel", channels)
    conditions = as_list(data.get("when", []), f"{field}.when")
    return Step(
        channel=channel,
        template=parse_text(data["template"], f"{field}.template"),
        when=tuple(parse_enum(c, Condition, f"{field}.when") for c in conditions),
        wait=parse_duration(data["wait"], f"{field}.wait") if "wait" in data else None,
    )


def _outcomes(value: object, field: str, allowed: frozenset[Outcome]) -> frozenset[Outcome]:
    choices = sorted(allowed)
    return frozenset(parse_enum(v, Outcome, field, choices) for v in as_list(value, field))


def cadence_to_dict(cadence: Cadence) -> dict[str, object]:
    """`cadence` as plain data that cadence_from_dict reads back unchanged."""
    data: dict[str, object] = {
        "key": cadence.key,
        "name": cadence.name,
        "first_wait": duration_text(cadence.first_wait),
        "then_wait": duration_text(cadence.then_wait),
        "silent_first_call": cadence.silent_first_call,
        "max_silent_calls_in_row": cadence.max_silent_calls_in_row,
        "voicemails_before_email": cadence.voicemails_before_email,
        "emails_before_letter": cadence.emails_before_letter,
        "cold_after_attempts": cadence.cold_after_attempts,
        "recycle_after": duration_text(cadence.recycle_after),
        "warm_days": cadence.warm_days,
        "email_first": cadence.email_first,
        "pause_on": sorted(cadence.pause_on),
        "stop_on": sorted(cadence.stop_on),
        "steps": [_step_data(step) for step in cadence.steps],
    }
    return data | _optional_data(cadence)


def _step_data(step: Step) -> dict[str, object]:
    data: dict[str, object] = {
        "channel": str(step.channel),
        "template": step.template,
        "when": [str(c) for c in step.when],
    }
    if step.wait is not None:
        data["wait"] = duration_text(step.wait)
    return data


def _optional_data(cadence: Cadence) -> dict[str, object]:
    data: dict[str, object] = {}
    if cadence.business_hours is not None:
        data["business_hours"] = hours_data(cadence.business_hours)
    if cadence.personal_hours is not None:
        data["personal_hours"] = hours_data(cadence.personal_hours)
    if cadence.timezone is not None:
        data["timezone"] = cadence.timezone
    return data
