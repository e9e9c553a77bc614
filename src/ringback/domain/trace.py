"""The rule trace: why the engine did what it did, one entry per rule that acted.

Every decision the follow-up engine takes — setting the next action, moving it,
refusing it, or noting something the user should know — is a `Decision` carrying
the rule ID from PRODUCT.md §4 and a plain-language sentence. `ringback why`
prints them; plan items keep the rule IDs that shaped them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Effect(StrEnum):
    SET = "set"  # the rule chose the action, its time or its channel
    MOVED = "moved"  # a guardrail pushed the action later
    REFUSED = "refused"  # a guardrail refused the action outright
    NOTED = "noted"  # worth knowing; changed nothing


@dataclass(frozen=True)
class Decision:
    """One step of the trace: which rule acted, how, and why in plain words."""

    rule: str
    effect: Effect
    message: str

    def __str__(self) -> str:
        return f"{self.rule} {self.effect}: {self.message}"


def set_by(rule: str, message: str) -> Decision:
    return Decision(rule, Effect.SET, message)


def moved_by(rule: str, message: str) -> Decision:
    return Decision(rule, Effect.MOVED, message)


def refused_by(rule: str, message: str) -> Decision:
    return Decision(rule, Effect.REFUSED, message)


def noted_by(rule: str, message: str) -> Decision:
    return Decision(rule, Effect.NOTED, message)


def rules_of(trace: Iterable[Decision]) -> tuple[str, ...]:
    """The rule IDs that acted (not merely noted), in first-seen order, each once."""
    acted = (d.rule for d in trace if d.effect is not Effect.NOTED)
    return tuple(dict.fromkeys(acted))


def last_refusal(trace: Iterable[Decision]) -> Decision | None:
    refusals = [d for d in trace if d.effect is Effect.REFUSED]
    return refusals[-1] if refusals else None
