"""Click-to-call from Today through Twilio's REST API, against a local HTTP server
standing in for the API (the one outbound-HTTP seam): the exact request, then the
status callback for the call it returned logs the outcome (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from xml.etree import ElementTree

import pytest

from tests.integration.web.conftest import csrf_of, sign_in
from tests.integration.web.test_webhooks_twilio import Phone, make_phone
from tests.support.telephony import (
    CALLER_NUMBER,
    PUBLIC_BASE,
    REP_PHONE,
    TWILIO_SID,
    TWILIO_TOKEN,
    signed_twilio,
)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, list[str]]


@dataclass
class StandIn:
    """Twilio's API on loopback: records each request, answers `status` and `body`."""

    url: str = ""
    requests: list[Seen] = field(default_factory=list)
    status: int = 201
    body: dict[str, Any] = field(default_factory=lambda: {"sid": "CA" + "f" * 32})


@pytest.fixture
def twilio_api() -> Iterator[StandIn]:
    stand_in = StandIn()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers["Content-Length"])
            form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            stand_in.requests.append(Seen("POST", self.path, dict(self.headers), form))
            payload = json.dumps(stand_in.body).encode()
            self.send_response(stand_in.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield stand_in
    server.shutdown()
    server.server_close()


@pytest.fixture
def phone(db_url: str, tmp_path: Path, twilio_api: StandIn) -> Iterator[Phone]:
    made = make_phone(db_url, tmp_path, twilio_api_url=twilio_api.url)
    yield made
    made.client.close()
    made.app.engine.dispose()


def click_to_call(phone: Phone, contact_id: int, htmx: bool = True) -> Any:
    browser = phone.client.__class__(phone.client.app)
    assert sign_in(browser, "rita").status_code == 303
    token = csrf_of(browser.get("/settings").text)
    headers = {"HX-Request": "true"} if htmx else {}
    return browser.post(
        f"/contacts/{contact_id}/call",
        data={"csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )


def test_click_to_call_sends_exactly_this_request_to_twilio(
    phone: Phone, twilio_api: StandIn
) -> None:
    alice = phone.add_contact(phone="(212) 555-0142")

    answer = click_to_call(phone, alice)

    assert answer.status_code == 200 and "Calling +1 212-555-0142" in answer.text
    [request] = twilio_api.requests
    assert request.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Calls.json"
    expected_auth = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected_auth}"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = {name: values[0] for name, values in request.form.items()}
    twiml = form.pop("Twiml")
    assert form == {
        "To": "+12125550142",
        "From": CALLER_NUMBER,
        "MachineDetection": "DetectMessageEnd",
        "StatusCallback": f"{PUBLIC_BASE}/webhooks/twilio/status",
        "StatusCallbackMethod": "POST",
        "StatusCallbackEvent": "completed",
    }
    dial = ElementTree.fromstring(twiml).find("Dial")
    assert dial is not None and dial.text == REP_PHONE and dial.get("callerId") == CALLER_NUMBER


def test_the_status_callback_of_a_clicked_call_logs_its_outcome_for_the_rep(
    phone: Phone, twilio_api: StandIn
) -> None:
    alice = phone.add_contact()
    click_to_call(phone, alice)
    sid = twilio_api.body["sid"]

    params = {"CallSid": sid, "CallStatus": "no-answer", "CallDuration": "0"}
    path = "/webhooks/twilio/status"
    answer = phone.client.post(path, data=params, headers=signed_twilio(PUBLIC_BASE + path, params))

    assert answer.json()["logged"] == "no_answer"
    history = phone.api("rita", "GET", f"/contacts/{alice}/touches")
    items = history["items"] if "items" in history else history
    assert [(t["outcome"], t["user"], t["phone"]) for t in items] == [
        ("no_answer", "rita", "+12125550142")
    ]


def test_a_refusal_from_twilio_is_shown_and_no_call_is_stored(
    phone: Phone, twilio_api: StandIn
) -> None:
    twilio_api.status, twilio_api.body = 400, {"message": "The 'To' number is not valid."}
    alice = phone.add_contact()
    answer = click_to_call(phone, alice)
    assert "Twilio refused the call (400): The &#39;To&#39; number is not valid." in answer.text
    with phone.app.uow_factory()() as uow:
        assert uow.calls.get("twilio", "CA" + "f" * 32) is None


def test_another_reps_private_contact_cannot_be_called(phone: Phone, twilio_api: StandIn) -> None:
    private = phone.add_contact(owner="ravi")
    answer = click_to_call(phone, private, htmx=False)
    assert answer.status_code == 404
    assert twilio_api.requests == []


def test_a_do_not_contact_contact_is_never_dialled_r12(phone: Phone, twilio_api: StandIn) -> None:
    alice = phone.add_contact()
    phone.api("olivia", "POST", "/touches", json={
        "contact_id": alice, "channel": "call", "outcome": "do_not_contact",
        "at": "2026-03-02T15:00:00Z",
    })  # fmt: skip
    answer = click_to_call(phone, alice)
    assert "R12" in answer.text
    assert twilio_api.requests == []


def test_click_to_call_rings_the_reps_own_phone_set_on_settings(
    phone: Phone, twilio_api: StandIn
) -> None:
    alice = phone.add_contact(phone="(212) 555-0142")
    browser = phone.client.__class__(phone.client.app)
    assert sign_in(browser, "rita").status_code == 303
    token = csrf_of(browser.get("/settings").text)

    saved = browser.post("/settings/phone", data={"csrf_token": token, "phone": "612 555 0199"})
    refused = browser.post("/settings/phone", data={"csrf_token": token, "phone": "call me"})
    answer = click_to_call(phone, alice)

    assert saved.status_code == 200 and "Click-to-call rings +1 612-555-0199" in saved.text
    assert 'value="+1 612-555-0199"' in refused.text and "Phone not saved" in refused.text
    assert "your phone (+1 612-555-0199) rings" in answer.text
    [request] = twilio_api.requests
    dial = ElementTree.fromstring(request.form["Twiml"][0]).find("Dial")
    assert dial is not None and dial.text == "+16125550199"
