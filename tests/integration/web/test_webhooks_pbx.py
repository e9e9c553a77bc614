"""The generic PBX webhook through the ASGI app, on SQLite and PostgreSQL: signed
events log (R12, R15); forged, tampered, stale (replayed) and duplicate ones are
refused with a JSON reason and nothing logged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.integration.web.test_webhooks_twilio import NOW, Phone, make_phone
from tests.support.telephony import pbx_body, signed_pbx

PBX = "/webhooks/pbx"


@pytest.fixture
def phone(db_url: str, tmp_path: Path) -> Iterator[Phone]:
    made = make_phone(db_url, tmp_path)
    yield made
    made.client.close()
    made.app.engine.dispose()


def inbound(call_id: str = "pbx-1", caller: str = "212-555-0142") -> bytes:
    return pbx_body(
        event="inbound_call",
        to="+18005550100",
        call_id=call_id,
        at=NOW.isoformat(),
        **{"from": caller},
    )


def send(phone: Phone, body: bytes, headers: dict[str, str]) -> Any:
    return phone.client.post(PBX, content=body, headers=headers)


def test_a_signed_inbound_call_is_logged_and_pauses_the_cadence_r12(phone: Phone) -> None:
    alice = phone.add_contact()
    answer = send(phone, inbound(), signed_pbx(inbound(), NOW))
    assert answer.status_code == 200, answer.text
    assert answer.json()["logged"] == "callback_received"
    assert phone.api("olivia", "GET", f"/contacts/{alice}")["state"]["status"] == "warm"


def test_a_call_end_logs_its_outcome_for_the_called_contact(phone: Phone) -> None:
    alice = phone.add_contact()
    body = pbx_body(
        event="call_ended", to="+1 212 555 0142", call_id="pbx-2", at=NOW.isoformat(),
        outcome="voicemail_left", **{"from": "201"},
    )  # fmt: skip
    assert send(phone, body, signed_pbx(body, NOW)).json()["logged"] == "voicemail_left"
    history = phone.api("olivia", "GET", f"/contacts/{alice}/touches")
    items = history["items"] if "items" in history else history
    assert [t["outcome"] for t in items] == ["voicemail_left"]


@pytest.mark.parametrize(
    ("headers_for", "status"),
    [
        (lambda body: {}, 403),
        (lambda body: signed_pbx(body, NOW, secret="not-the-shared-secret"), 403),
        (lambda body: signed_pbx(inbound("pbx-other"), NOW), 403),  # tampered body
        (lambda body: signed_pbx(body, NOW - timedelta(minutes=6)), 400),  # replay
    ],
    ids=["unsigned", "wrong-secret", "tampered", "stale"],
)
def test_bad_requests_are_refused_and_change_nothing(
    phone: Phone, headers_for: Any, status: int
) -> None:
    phone.add_contact()
    body = inbound()
    answer = send(phone, body, headers_for(body))
    assert answer.status_code == status
    assert answer.json()["error"]["message"]
    assert phone.touches() == 0
    # Nothing was recorded by the refusal: the genuine event is still accepted.
    assert send(phone, body, signed_pbx(body, NOW)).status_code == 200
    assert phone.touches() == 1


def test_a_replayed_event_inside_the_window_is_refused_as_a_duplicate(phone: Phone) -> None:
    phone.add_contact()
    body = inbound()
    headers = signed_pbx(body, NOW)
    assert send(phone, body, headers).status_code == 200
    again = send(phone, body, signed_pbx(body, NOW + timedelta(seconds=30)))
    assert again.status_code == 409
    assert "already received" in again.json()["error"]["message"]
    assert phone.touches() == 1


def test_a_bad_body_names_the_field(phone: Phone) -> None:
    body = pbx_body(event="inbound_call", to="x", call_id="pbx-3", at="soon", **{"from": "1"})
    answer = send(phone, body, signed_pbx(body, NOW))
    assert answer.status_code == 400 and "at: 'soon'" in answer.json()["error"]["message"]


def test_without_a_shared_secret_the_webhook_is_off(db_url: str, tmp_path: Path) -> None:
    phone = make_phone(db_url, tmp_path, pbx_shared_secret="")
    try:
        phone.add_contact()
        answer = send(phone, inbound(), signed_pbx(inbound(), NOW))
        assert answer.status_code == 403 and phone.touches() == 0
        assert "pbx_shared_secret" in answer.json()["error"]["message"]
    finally:
        phone.client.close()
        phone.app.engine.dispose()
