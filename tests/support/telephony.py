"""Helpers for the telephony tests: signed webhooks, a live app server, an SSE reader.

signed_twilio(url, params)      -> headers with X-Twilio-Signature (the SDK's)
signed_pbx(body, at)            -> headers X-Ringback-Timestamp / -Signature
serve(web) as url               -> the app on uvicorn in a thread (tests/support/live_server.py)
SseReader(url, cookies)         -> reads /events in a thread; .wait_connected(),
                                   .next(timeout) -> (event, data) or None
"""

from __future__ import annotations

import json
import queue
import threading
import time
from datetime import datetime
from typing import Any

import httpx
from twilio.request_validator import RequestValidator

from ringback.adapters.telephony.pbx.signature import sign

TWILIO_TOKEN = "twilio-auth-token-0123456789abcdef"
TWILIO_SID = "AC" + "0" * 32
PBX_SECRET = "pbx-shared-secret-0123456789abcdef"
PUBLIC_BASE = "https://ringback.example.com"
REP_PHONE = "+12125550111"
CALLER_NUMBER = "+18005550100"


def twilio_settings() -> dict[str, Any]:
    return {
        "twilio_auth_token": TWILIO_TOKEN,
        "twilio_account_sid": TWILIO_SID,
        "twilio_caller_number": CALLER_NUMBER,
        "public_base_url": PUBLIC_BASE,
        "rep_phone": REP_PHONE,
        "pbx_shared_secret": PBX_SECRET,
    }


def signed_twilio(url: str, params: dict[str, str], token: str = TWILIO_TOKEN) -> dict[str, str]:
    """Headers Twilio would send for a POST of `params` to the public `url`."""
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, params)}


def voice_params(call_sid: str, caller: str) -> dict[str, str]:
    return {
        "CallSid": call_sid,
        "AccountSid": TWILIO_SID,
        "From": caller,
        "To": CALLER_NUMBER,
        "CallStatus": "ringing",
        "Direction": "inbound",
    }


def pbx_body(**fields: str) -> bytes:
    return json.dumps(fields).encode()


def signed_pbx(body: bytes, at: datetime, secret: str = PBX_SECRET) -> dict[str, str]:
    timestamp = str(int(at.timestamp()))
    return {
        "X-Ringback-Timestamp": timestamp,
        "X-Ringback-Signature": sign(secret, timestamp, body),
        "Content-Type": "application/json",
    }


def sign_in_cookies(base_url: str, who: str, password: str) -> httpx.Cookies:
    """A browser session's cookies for `who`, signed in through the login form."""
    import re

    with httpx.Client(base_url=base_url) as client:
        page = client.get("/login").text
        match = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert match
        form = {"username": who, "password": password, "csrf_token": match.group(1), "next": "/"}
        answer = client.post("/login", data=form)
        assert answer.status_code == 303, answer.text
        return client.cookies


class SseReader:
    """Reads `url` (text/event-stream) in a background thread until closed."""

    def __init__(self, url: str, cookies: httpx.Cookies) -> None:
        self.events: queue.Queue[tuple[str, dict[str, Any], float]] = queue.Queue()
        self._connected = threading.Event()
        self._client = httpx.Client(cookies=cookies, timeout=httpx.Timeout(5, read=None))
        self._url = url
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            with self._client.stream("GET", self._url) as response:
                assert response.headers["content-type"].startswith("text/event-stream")
                name = "message"
                for line in response.iter_lines():
                    if line.startswith(": connected"):
                        self._connected.set()
                    elif line.startswith("event: "):
                        name = line[len("event: ") :]
                    elif line.startswith("data: "):
                        data = json.loads(line[len("data: ") :])
                        self.events.put((name, data, time.perf_counter()))
                        name = "message"
        except (httpx.HTTPError, RuntimeError):
            return

    def wait_connected(self, timeout: float = 10) -> None:
        assert self._connected.wait(timeout), "the event stream did not open"

    def next(self, timeout: float) -> tuple[str, dict[str, Any]] | None:
        try:
            name, data, _ = self.events.get(timeout=timeout)
        except queue.Empty:
            return None
        return name, data

    def close(self) -> None:
        self._client.close()
