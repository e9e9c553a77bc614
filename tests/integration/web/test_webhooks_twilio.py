"""Twilio's webhooks through the ASGI app, on SQLite and PostgreSQL: an inbound call
logs callback_received once and pauses the cadence (R12, R15); status callbacks log
a call's outcome once; forged, tampered or unconfigured requests change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from ringback.bootstrap import App
from ringback.domain.calls import Call
from ringback.domain.model import Channel, Direction, Outcome, Touch
from ringback.services.accounts import add_user, create_token, set_phone
from ringback.services.touches import log_touch
from ringback.settings import Settings
from ringback.web.app import create_app
from ringback.web.deps import get_now
from tests.integration.web.conftest import CHEAP_ARGON2, PASSWORD, PERSONAS
from tests.support.telephony import (
    PUBLIC_BASE,
    REP_PHONE,
    signed_twilio,
    twilio_settings,
    voice_params,
)

NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
VOICE = "/webhooks/twilio/voice"
STATUS = "/webhooks/twilio/status"


@dataclass
class Phone:
    """The app with Twilio configured, its client, and an API token per persona."""

    app: App
    client: TestClient
    tokens: dict[str, str]

    def api(self, who: str, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        answer = self.client.request(method, f"/api/v1{path}", headers=headers, **kwargs)
        assert answer.status_code < 300, answer.text
        return answer.json()

    def add_contact(self, **fields: Any) -> int:
        body = {"full_name": "Alice Moreno", "phone": "+1 212 555 0142", "reason": "a referral"}
        created = self.api("olivia", "POST", "/contacts", json={**body, **fields})
        return int(created["id"])

    def touches(self) -> int:
        with self.app.uow_factory()() as uow:
            return uow.touches.count()

    def post(self, path: str, params: dict[str, str], **headers: str) -> Any:
        signed = signed_twilio(PUBLIC_BASE + path, params)
        return self.client.post(path, data=params, headers={**signed, **headers})


def make_phone(db_url: str, folder: Path, **overrides: Any) -> Phone:
    settings = Settings(
        database_url=db_url,
        data_dir=folder,
        session_secret="s" * 40,
        **{**twilio_settings(), **overrides},
    )
    app = App(settings)
    app.passwords = CHEAP_ARGON2  # type: ignore[misc]
    web = create_app(app)
    web.dependency_overrides[get_now] = lambda: NOW
    tokens = {}
    for name, role in PERSONAS.items():
        add_user(app.uow_factory(), name, role, PASSWORD, app.passwords, NOW)
        tokens[name] = create_token(app.uow_factory(), name, "tests", NOW).secret
    return Phone(app, TestClient(web), tokens)


@pytest.fixture
def phone(db_url: str, tmp_path: Path) -> Iterator[Phone]:
    made = make_phone(db_url, tmp_path)
    yield made
    made.client.close()
    made.app.engine.dispose()


def test_a_call_back_from_a_known_number_in_any_format_is_logged_and_pauses_r12(
    phone: Phone,
) -> None:
    alice = phone.add_contact()
    missed = Touch(alice, Channel.CALL, Outcome.NO_ANSWER, NOW - timedelta(days=2), user="rita")
    log_touch(phone.app.uow_factory(), missed)
    before = phone.api("olivia", "GET", f"/contacts/{alice}")["state"]
    assert before["status"] == "active"

    answer = phone.post(VOICE, voice_params("CA100", "(212) 555-0142"))

    assert answer.status_code == 200, answer.text
    history = phone.api("olivia", "GET", f"/contacts/{alice}/touches")
    latest = history["items"][-1] if "items" in history else history[-1]
    assert (latest["outcome"], latest["direction"]) == ("callback_received", "inbound")
    after = phone.api("olivia", "GET", f"/contacts/{alice}")["state"]
    assert after["status"] == "warm"  # R12: the call-back paused the cadence
    assert after["last_touch_at"].startswith("2026-03-03T15:00")


def test_the_voice_webhook_answers_twiml_that_dials_the_rep(phone: Phone) -> None:
    phone.add_contact()
    answer = phone.post(VOICE, voice_params("CA101", "+12125550142"))
    assert answer.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(answer.text)
    assert root.tag == "Response"
    assert root.find("Dial") is not None and root.find("Dial").text == REP_PHONE  # type: ignore[union-attr]


def test_a_retried_voice_webhook_logs_once(phone: Phone) -> None:
    phone.add_contact()
    for _ in range(3):
        assert phone.post(VOICE, voice_params("CA102", "+12125550142")).status_code == 200
    assert phone.touches() == 1


def test_an_unknown_caller_is_answered_but_nothing_is_logged(phone: Phone) -> None:
    phone.add_contact()
    answer = phone.post(VOICE, voice_params("CA103", "+14155550199"))
    assert answer.status_code == 200 and "<Dial" in answer.text
    assert phone.touches() == 0


@pytest.mark.parametrize(
    "forge",
    [
        lambda params, headers: (params, {}),  # unsigned
        lambda params, headers: ({**params, "From": "+12125550199"}, headers),  # tampered
        lambda params, headers: (params, {"X-Twilio-Signature": "AAAA"}),  # forged
    ],
    ids=["unsigned", "tampered", "forged"],
)
def test_forged_and_tampered_voice_webhooks_are_refused_with_nothing_logged(
    phone: Phone, forge: Any
) -> None:
    phone.add_contact()
    params = voice_params("CA104", "+12125550142")
    sent, headers = forge(params, signed_twilio(PUBLIC_BASE + VOICE, params))
    answer = phone.client.post(VOICE, data=sent, headers=headers)
    assert answer.status_code == 403
    assert "X-Twilio-Signature" in answer.json()["error"]["message"]
    assert phone.touches() == 0
    # Nothing was recorded either: the genuine request is still news.
    assert phone.post(VOICE, params).status_code == 200
    assert phone.touches() == 1


def test_a_request_signed_for_another_address_is_refused(phone: Phone) -> None:
    phone.add_contact()
    params = voice_params("CA105", "+12125550142")
    headers = signed_twilio("https://attacker.example.com" + VOICE, params)
    assert phone.client.post(VOICE, data=params, headers=headers).status_code == 403
    assert phone.touches() == 0


def test_without_an_auth_token_twilio_webhooks_are_refused(db_url: str, tmp_path: Path) -> None:
    phone = make_phone(db_url, tmp_path, twilio_auth_token="")
    try:
        phone.add_contact()
        answer = phone.post(VOICE, voice_params("CA106", "+12125550142"))
        assert answer.status_code == 403
        assert "twilio_auth_token" in answer.json()["error"]["message"]
        assert phone.touches() == 0
    finally:
        phone.client.close()
        phone.app.engine.dispose()


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_signed_one(
    db_url: str, tmp_path: Path
) -> None:
    phone = make_phone(db_url, tmp_path, public_base_url="", trust_forwarded_headers=True)
    try:
        phone.add_contact()
        params = voice_params("CA107", "+12125550142")
        headers = {
            **signed_twilio("https://calls.example.org" + VOICE, params),
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "calls.example.org",
        }
        assert phone.client.post(VOICE, data=params, headers=headers).status_code == 200
        assert phone.touches() == 1
    finally:
        phone.client.close()
        phone.app.engine.dispose()


def test_forwarded_headers_are_ignored_unless_trusted(db_url: str, tmp_path: Path) -> None:
    phone = make_phone(db_url, tmp_path, public_base_url="")
    try:
        phone.add_contact()
        params = voice_params("CA108", "+12125550142")
        headers = {
            **signed_twilio("https://calls.example.org" + VOICE, params),
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "calls.example.org",
        }
        assert phone.client.post(VOICE, data=params, headers=headers).status_code == 403
        assert phone.touches() == 0
    finally:
        phone.client.close()
        phone.app.engine.dispose()


# --- status callbacks ---------------------------------------------------------------


def placed_call(phone: Phone, contact_id: int, call_sid: str) -> None:
    """A call click-to-call started (the row start_call stores)."""
    call = Call(
        call_sid, "twilio", Direction.OUTBOUND, REP_PHONE, "+12125550142", "queued", NOW, NOW,
        contact_id=contact_id, user="rita",
    )  # fmt: skip
    with phone.app.uow_factory()() as uow:
        uow.calls.add(call)
        uow.commit()


def status_params(call_sid: str, status: str, answered_by: str | None = None) -> dict[str, str]:
    params = {"CallSid": call_sid, "CallStatus": status, "CallDuration": "42"}
    return params | ({"AnsweredBy": answered_by} if answered_by else {})


def test_a_voicemail_detected_by_twilio_is_logged_once_however_often_it_is_reported(
    phone: Phone,
) -> None:
    alice = phone.add_contact()
    placed_call(phone, alice, "CA200")
    assert phone.post(STATUS, status_params("CA200", "ringing")).json()["logged"] is None
    assert phone.touches() == 0

    final = status_params("CA200", "completed", "machine_end_beep")
    first = phone.post(STATUS, final).json()
    again = phone.post(STATUS, final).json()

    assert first["logged"] == "voicemail_left" and again["duplicate"] is True
    history = phone.api("rita", "GET", f"/contacts/{alice}/touches")
    items = history["items"] if "items" in history else history
    assert [(t["outcome"], t["user"], t["duration_s"]) for t in items] == [
        ("voicemail_left", "rita", 42)
    ]


@pytest.mark.parametrize(
    ("status", "answered_by", "outcome"),
    [("no-answer", None, "no_answer"), ("busy", None, "busy"), ("completed", "human", "connected")],
)
def test_each_final_status_logs_its_outcome(
    phone: Phone, status: str, answered_by: str | None, outcome: str
) -> None:
    alice = phone.add_contact()
    placed_call(phone, alice, "CA201")
    assert (
        phone.post(STATUS, status_params("CA201", status, answered_by)).json()["logged"] == outcome
    )
    assert phone.touches() == 1


def test_a_status_for_a_call_ringback_did_not_make_is_ignored(phone: Phone) -> None:
    phone.add_contact()
    answer = phone.post(STATUS, status_params("CA999", "completed", "human")).json()
    assert answer["known"] is False and phone.touches() == 0


def test_a_forged_status_callback_logs_nothing(phone: Phone) -> None:
    alice = phone.add_contact()
    placed_call(phone, alice, "CA202")
    params = status_params("CA202", "completed", "human")
    headers = {
        "X-Twilio-Signature": signed_twilio(PUBLIC_BASE + VOICE, params)["X-Twilio-Signature"]
    }
    assert phone.client.post(STATUS, data=params, headers=headers).status_code == 403
    assert phone.touches() == 0
    assert phone.post(STATUS, params).json()["logged"] == "connected"


def test_a_call_back_rings_the_phone_of_the_contacts_owner(phone: Phone) -> None:
    phone.add_contact(owner="rita")
    set_phone(phone.app.uow_factory(), "rita", "+1 612 555 0199", "US")

    owned = phone.post(VOICE, voice_params("CA110", "+12125550142"))
    stranger = phone.post(VOICE, voice_params("CA111", "+12125550199"))

    assert ElementTree.fromstring(owned.text).findtext("Dial") == "+16125550199"
    assert ElementTree.fromstring(stranger.text).findtext("Dial") == REP_PHONE
