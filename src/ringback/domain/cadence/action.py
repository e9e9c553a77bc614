"""What the engine proposes for one contact: the action and the rule trace behind it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ringback.domain.cadence.rhythm import Due, Tier
from ringback.domain.model import Channel
from ringback.domain.policy import Intent
from ringback.domain.trace import Decision, rules_of

# Tiers whose time the contact chose (R3, R4): only the hard bound limits them.
REQUESTED_TIERS = frozenset({Tier.APPOINTMENT, Tier.PROMISED})


class VoicemailMode(StrEnum):
    LEAVE = "leave"
    SKIP = "skip"


@dataclass(frozen=True)
class Action:
    """What to do next for one contact, when, and why. Instants are UTC."""

    contact_id: int | None
    channel: Channel
    window_start: datetime
    window_end: datetime
    suggested_at: datetime
    due_at: datetime
    timezone: str
    attempt: int
    tier: Tier
    on_voicemail: VoicemailMode | None
    template: str | None
    phone: str | None
    reason: str
    rules: tuple[str, ...]
    trace: tuple[Decision, ...]

    @property
    def window(self) -> tuple[datetime, datetime]:
        return self.window_start, self.window_end

    @property
    def intent(self) -> Intent:
        """What the guardrails judge for this action (see guardrails.check)."""
        return Intent(
            self.channel,
            leave_voicemail=self.on_voicemail is VoicemailMode.LEAVE,
            requested=self.tier in REQUESTED_TIERS,
        )

    def is_overdue(self, now: datetime) -> bool:
        return self.due_at < now


@dataclass(frozen=True)
class Explanation:
    """The next action (None when there is none) and every rule that shaped it."""

    action: Action | None
    due: Due | None
    trace: tuple[Decision, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        return rules_of(self.trace)
