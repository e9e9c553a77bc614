"""The PBX webhook's JSON body: {event, from, to, call_id, at, outcome?}.

- `inbound_call`: someone (`from`) is calling us (`to`): screen pop and
  callback_received (R15, R12).
- `call_ended`: a call we made to `to` ended with `outcome` (connected, no_answer,
  busy, voicemail_left, voicemail_skipped, wrong_number, disconnected).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ringback.adapters.telephony.pbx.signature import Refused
from ringback.domain.model import Channel, Outcome, utc
from ringback.domain.touches import OUTCOMES_BY_CHANNEL

EVENTS = ("inbound_call", "call_ended")
CALL_OUTCOMES = OUTCOMES_BY_CHANNEL[Channel.CALL] - {Outcome.CALLBACK_RECEIVED}


@dataclass(frozen=True)
class PbxEvent:
    event: str
    caller: str
    called: str
    call_id: str
    at: datetime
    outcome: Outcome | None = None


def parse_event(body: bytes) -> PbxEvent:
    """The event, or Refused(400) naming the field at fault."""
    try:
        data = json.loads(body)
    except ValueError:
        raise Refused(400, "the body is not JSON") from None
    if not isinstance(data, dict):
        raise Refused(400, "the body must be a JSON object")
    event = _text(data, "event")
    if event not in EVENTS:
        raise Refused(400, f"event: {event!r} is not one of {', '.join(EVENTS)}")
    return PbxEvent(
        event=event,
        caller=_text(data, "from"),
        called=_text(data, "to"),
        call_id=_text(data, "call_id"),
        at=_instant(data),
        outcome=_outcome(data) if event == "call_ended" else None,
    )


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise Refused(400, f"{name}: a non-empty string is required")
    return value.strip()


def _instant(data: dict[str, Any]) -> datetime:
    text = _text(data, "at")
    try:
        return utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise Refused(400, f"at: {text!r} is not an ISO 8601 instant") from None


def _outcome(data: dict[str, Any]) -> Outcome:
    text = _text(data, "outcome")
    try:
        outcome = Outcome(text)
    except ValueError:
        outcome = None
    if outcome not in CALL_OUTCOMES:
        names = ", ".join(sorted(CALL_OUTCOMES))
        raise Refused(400, f"outcome: {text!r} is not a call outcome ({names})")
    assert outcome is not None
    return outcome
