"""Cadences as data: validated at load time, never silently defaulted (issue 3, bad input)."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest

from ringback.domain.cadence import (
    DEFAULT_CADENCE,
    Cadence,
    Condition,
    Step,
    cadence_from_dict,
    cadence_to_dict,
)
from ringback.domain.errors import InvalidField
from ringback.domain.model import Channel, Outcome


def minimal(**extra: Any) -> dict[str, Any]:
    return {"key": "recruiting", **extra}


def field_of(data: dict[str, Any]) -> str:
    with pytest.raises(InvalidField) as bad:
        cadence_from_dict(data)
    return bad.value.field


def test_default_cadence_encodes_the_product_defaults_r2_r6_r9_r11() -> None:
    c = DEFAULT_CADENCE
    assert (c.first_wait, c.then_wait) == (timedelta(days=3), timedelta(days=7))
    assert c.silent_first_call and c.max_silent_calls_in_row == 2
    assert (c.voicemails_before_email, c.emails_before_letter) == (3, 2)
    assert c.recycle_after == timedelta(days=90) and c.warm_days == 30
    assert Outcome.DO_NOT_CONTACT in c.stop_on


def test_a_cadence_with_only_a_key_takes_the_default_steps_and_numbers() -> None:
    cadence = cadence_from_dict(minimal())
    assert cadence.name == "recruiting"
    assert cadence.steps == DEFAULT_CADENCE.steps
    assert cadence.then_wait == timedelta(days=7)


def test_every_setting_is_read() -> None:
    cadence = cadence_from_dict(
        minimal(
            name="Recruiting",
            first_wait="2d",
            then_wait="2 weeks",
            silent_first_call=False,
            voicemails_before_email=2,
            emails_before_letter=1,
            cold_after_attempts=8,
            recycle_after=60,
            warm_days=14,
            email_first=True,
            timezone="Europe/Berlin",
            business_hours=[{"days": ["tue", "thu"], "between": "10:00-12:00"}],
            steps=[
                {
                    "channel": "email",
                    "template": "email.hello",
                    "when": ["has_email"],
                    "wait": "36h",
                }
            ],
        )
    )
    assert cadence.then_wait == timedelta(weeks=2) and cadence.recycle_after == timedelta(days=60)
    assert cadence.steps == (
        Step(Channel.EMAIL, "email.hello", (Condition.HAS_EMAIL,), timedelta(hours=36)),
    )
    assert cadence.business_hours is not None
    assert cadence.business_hours.contains(1, time(11)) and not cadence.business_hours.contains(
        0, time(11)
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (minimal(tempo="fast"), "tempo"),
        (minimal(first_wait="-3d"), "first_wait"),
        (minimal(then_wait=-7), "then_wait"),
        (minimal(then_wait="soon"), "then_wait"),
        (minimal(recycle_after="0d"), "recycle_after"),
        (minimal(timezone="Europe/Atlantis"), "timezone"),
        (
            minimal(business_hours={"days": ["mon"], "between": "17:00-09:00"}),
            "business_hours.between",
        ),
        (minimal(business_hours={"days": [], "between": "09:00-17:00"}), "business_hours.days"),
        (
            minimal(business_hours={"days": ["funday"], "between": "09:00-17:00"}),
            "business_hours.days",
        ),
        (minimal(steps=[]), "steps"),
        (minimal(steps=[{"channel": "fax", "template": "x"}]), "steps[0].channel"),
        (minimal(steps=[{"channel": "voicemail", "template": "x"}]), "steps[0].channel"),
        (minimal(steps=[{"channel": "call"}]), "steps[0].template"),
        (
            minimal(steps=[{"channel": "call", "template": "x", "when": ["full_moon"]}]),
            "steps[0].when",
        ),
        (minimal(steps=[{"channel": "call", "template": "x", "wait": "-1d"}]), "steps[0].wait"),
        (minimal(steps=[{"channel": "call", "template": "x", "colour": "red"}]), "steps[0].colour"),
        (minimal(stop_on=["not_interested"]), "stop_on"),
        (minimal(pause_on=["no_answer"]), "pause_on"),
        (minimal(max_silent_calls_in_row=-1), "max_silent_calls_in_row"),
        (minimal(cold_after_attempts=0), "cold_after_attempts"),
        (minimal(silent_first_call="yes"), "silent_first_call"),
        ({"name": "no key"}, "key"),
    ],
)
def test_bad_cadence_data_names_the_offending_field(data: dict[str, Any], field: str) -> None:
    assert field_of(data) == field


def test_cadence_round_trips_through_plain_data() -> None:
    custom = cadence_from_dict(
        minimal(
            timezone="Asia/Kolkata", personal_hours={"days": "mon-sat", "between": "10:00-19:00"}
        )
    )
    for cadence in (DEFAULT_CADENCE, custom):
        assert cadence_from_dict(cadence_to_dict(cadence)) == cadence


def test_steps_refuse_meeting_and_empty_templates() -> None:
    with pytest.raises(InvalidField):
        Step(Channel.MEETING, "x")
    with pytest.raises(InvalidField):
        Step(Channel.CALL, " ")


def test_r12_do_not_contact_cannot_be_removed_from_the_stop_rules() -> None:
    with pytest.raises(InvalidField) as bad:
        Cadence("k", "K", DEFAULT_CADENCE.steps, stop_on=frozenset({Outcome.NOT_INTERESTED}))
    assert "R12" in str(bad.value)
