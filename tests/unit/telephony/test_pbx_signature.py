"""The PBX webhook's HMAC-SHA256 signature and its 5-minute replay window."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from ringback.adapters.telephony.pbx.events import parse_event
from ringback.adapters.telephony.pbx.signature import Refused, sign, verify
from ringback.domain.model import Outcome

SECRET = "pbx-shared-secret-0123456789"
NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
BODY = json.dumps(
    {
        "event": "inbound_call",
        "from": "+12125550142",
        "to": "+18005550100",
        "call_id": "abc-1",
        "at": "2026-03-03T15:00:00Z",
    }
).encode()


def stamp(at: datetime) -> str:
    return str(int(at.timestamp()))


def test_the_signature_is_hex_hmac_sha256_of_timestamp_dot_body() -> None:
    timestamp = stamp(NOW)
    by_hand = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + BODY, hashlib.sha256)
    assert sign(SECRET, timestamp, BODY) == by_hand.hexdigest()


def test_a_fresh_signed_request_is_accepted() -> None:
    timestamp = stamp(NOW - timedelta(minutes=4))
    verify(SECRET, timestamp, sign(SECRET, timestamp, BODY), BODY, NOW)


@pytest.mark.parametrize(
    ("timestamp", "signature", "body", "status"),
    [
        (stamp(NOW), sign("wrong secret", stamp(NOW), BODY), BODY, 403),
        (stamp(NOW), sign(SECRET, stamp(NOW), BODY), BODY.replace(b"abc-1", b"abc-2"), 403),
        (stamp(NOW - timedelta(seconds=1)), sign(SECRET, stamp(NOW), BODY), BODY, 403),
        (None, sign(SECRET, stamp(NOW), BODY), BODY, 403),
        (stamp(NOW), None, BODY, 403),
        (stamp(NOW - timedelta(minutes=6)), None, BODY, 403),
    ],
)
def test_forged_or_tampered_requests_are_refused(
    timestamp: str | None, signature: str | None, body: bytes, status: int
) -> None:
    with pytest.raises(Refused) as refused:
        verify(SECRET, timestamp, signature, body, NOW)
    assert refused.value.status == status


@pytest.mark.parametrize("age", [timedelta(minutes=5, seconds=1), -timedelta(minutes=6)])
def test_requests_signed_more_than_five_minutes_away_are_replays(age: timedelta) -> None:
    timestamp = stamp(NOW - age)
    with pytest.raises(Refused, match="older than 5 minutes") as refused:
        verify(SECRET, timestamp, sign(SECRET, timestamp, BODY), BODY, NOW)
    assert refused.value.status == 400


def test_an_event_is_read_with_its_instant() -> None:
    event = parse_event(BODY)
    assert (event.event, event.caller, event.call_id) == ("inbound_call", "+12125550142", "abc-1")
    assert event.at == NOW and event.outcome is None


def test_a_call_end_needs_a_call_outcome() -> None:
    ended = json.loads(BODY) | {"event": "call_ended", "outcome": "voicemail_left"}
    assert parse_event(json.dumps(ended).encode()).outcome is Outcome.VOICEMAIL_LEFT
    with pytest.raises(Refused, match="outcome: 'replied' is not a call outcome"):
        parse_event(json.dumps(ended | {"outcome": "replied"}).encode())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not JSON"),
        (b"[]", "JSON object"),
        (json.dumps(json.loads(BODY) | {"event": "hello"}).encode(), "event: 'hello'"),
        (json.dumps(json.loads(BODY) | {"call_id": ""}).encode(), "call_id"),
        (json.dumps(json.loads(BODY) | {"at": "yesterday"}).encode(), "at: 'yesterday'"),
    ],
)
def test_bad_bodies_are_refused_naming_the_field(body: bytes, message: str) -> None:
    with pytest.raises(Refused, match=message) as refused:
        parse_event(body)
    assert refused.value.status == 400
