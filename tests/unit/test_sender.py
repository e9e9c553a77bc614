"""One sender for every message: built once from the sender_* settings (R7, R9)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ringback.bootstrap import App
from ringback.domain.errors import InvalidField
from ringback.domain.scripts import facts_for
from ringback.domain.sender import Sender
from ringback.settings import Settings
from tests.unit.domain.personas import alice, bernd

NOW = datetime(2026, 11, 23, 15, tzinfo=UTC)


def app_with(**settings: str | None) -> App:
    return App(Settings(user="jdoe", default_region="US", **settings))  # type: ignore[arg-type]


def test_the_settings_make_one_sender_for_scripts_and_letters() -> None:
    sender = app_with(
        sender_name="Jamie Doe", sender_phone="(612) 555-0123", sender_email="j@example.com",
        sender_company="Brightside", sender_address="12 Main St; Springfield",
    ).sender()  # fmt: skip

    assert sender == Sender(
        "Jamie Doe", "j@example.com", "+1 612-555-0123", ("12 Main St", "Springfield"),
        "Brightside",
    )  # fmt: skip
    assert sender.signature == ("Jamie Doe", "+1 612-555-0123", "j@example.com")


def test_the_same_sender_is_said_in_chunks_to_each_listener_r7() -> None:
    sender = app_with(sender_name="Jamie Doe", sender_phone="612 555 0123").sender()

    assert facts_for(alice(), sender, NOW).me.number == "612 · 555 · 0123"
    assert facts_for(bernd(), sender, NOW).me.number == "+1 · 612 · 555 · 0123"


def test_without_a_sender_name_the_user_signs() -> None:
    assert app_with().sender().name == "jdoe"


def test_without_a_sender_name_the_signed_in_user_signs_and_sends() -> None:
    app = app_with(mail_from="team@example.com")

    assert app.sender("rita").name == "rita"
    assert app.mail_setup("rita").from_address().name == "rita"
    named = app_with(sender_name="Jamie Doe", mail_from="team@example.com")
    assert named.sender("rita").name == "Jamie Doe"
    assert named.mail_setup("rita").from_address().name == "Jamie Doe"


def test_a_sender_phone_that_is_no_number_is_refused_naming_the_setting() -> None:
    with pytest.raises(InvalidField, match="sender_phone"):
        app_with(sender_phone="call me").sender()


def test_a_sender_needs_a_name() -> None:
    with pytest.raises(InvalidField, match="sender_name"):
        Sender("  ")
