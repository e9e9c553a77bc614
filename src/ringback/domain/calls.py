"""Phone calls as a telephony provider reports them (issue 6).

A call is kept by its provider's id (Twilio's CallSid, a PBX's call_id) so that
retried and duplicated callbacks change nothing the second time; its outcome, once
known, is logged as a touch (external id `<provider>:<call id>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ringback.domain.model import Direction, Outcome


@dataclass
class Call:
    call_id: str
    provider: str  # "twilio" or "pbx"
    direction: Direction
    from_number: str
    to_number: str
    status: str
    created_at: datetime
    updated_at: datetime
    contact_id: int | None = None
    user: str | None = None
    outcome: Outcome | None = None

    @property
    def touch_external_id(self) -> str:
        return touch_external_id(self.provider, self.call_id)


def touch_external_id(provider: str, call_id: str) -> str:
    return f"{provider}:{call_id}"
