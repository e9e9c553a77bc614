"""Checks on a touch before it joins the history (R3, R4, R12; PRODUCT.md §7)."""

from __future__ import annotations

from ringback.domain.errors import InvalidField, RuleRefusal
from ringback.domain.model import (
    OUTCOMES_NEEDING_TIME,
    Channel,
    FollowUpState,
    NextStepKind,
    Outcome,
    Status,
    Touch,
)

CONVERSATION_RESULTS = frozenset(
    {Outcome.NOT_INTERESTED, Outcome.CALL_LATER, Outcome.MEETING_BOOKED, Outcome.DO_NOT_CONTACT}
)
_CALL = frozenset(
    {
        Outcome.CONNECTED,
        Outcome.NO_ANSWER,
        Outcome.BUSY,
        Outcome.VOICEMAIL_LEFT,
        Outcome.VOICEMAIL_SKIPPED,
        Outcome.WRONG_NUMBER,
        Outcome.DISCONNECTED,
        Outcome.CALLBACK_RECEIVED,
    }
)
OUTCOMES_BY_CHANNEL: dict[Channel, frozenset[Outcome]] = {
    Channel.CALL: _CALL,
    Channel.VOICEMAIL: frozenset({Outcome.VOICEMAIL_LEFT, Outcome.CALLBACK_RECEIVED}),
    Channel.EMAIL: frozenset(
        {
            Outcome.SENT,
            Outcome.BOUNCED,
            Outcome.REPLIED,
            Outcome.INBOUND_EMAIL,
            Outcome.UNSUBSCRIBED,
        }
    ),
    Channel.LETTER: frozenset({Outcome.MAILED, Outcome.REPLIED}),
    Channel.SMS: frozenset({Outcome.SENT, Outcome.REPLIED, Outcome.WRONG_NUMBER}),
    Channel.MEETING: frozenset({Outcome.CONNECTED}),
}


def check_touch(touch: Touch, state: FollowUpState) -> None:
    """Raise InvalidField or RuleRefusal when `touch` must not be logged.

    Call with the next step already completed by `implied_next_kind`.
    """
    _check_outcome_fits_channel(touch)
    _check_next_step(touch)
    if touch.direction == "outbound" and state.status is Status.DO_NOT_CONTACT:
        raise RuleRefusal(
            "R12", "this contact asked not to be contacted; no outbound touch may be logged"
        )


def _check_outcome_fits_channel(touch: Touch) -> None:
    allowed = OUTCOMES_BY_CHANNEL[touch.channel] | CONVERSATION_RESULTS
    if touch.outcome not in allowed:
        names = ", ".join(sorted(allowed))
        raise InvalidField(
            "outcome", f"{touch.outcome} is not an outcome of {touch.channel}: {names}"
        )


def _check_next_step(touch: Touch) -> None:
    if touch.outcome in OUTCOMES_NEEDING_TIME and touch.next_at is None:
        raise InvalidField("next_at", f"{touch.outcome} needs the time it refers to (R4)")
    if touch.outcome is Outcome.CONNECTED and touch.next_kind is None:
        raise RuleRefusal(
            "R3",
            "a connected conversation needs a next step: an appointment, a call-back, or none",
            field="next_kind",
        )
    needs_time = touch.next_kind in (NextStepKind.APPOINTMENT, NextStepKind.CALL_BACK)
    if needs_time and touch.next_at is None:
        raise InvalidField("next_at", f"a next step of kind {touch.next_kind} needs a time (R3)")
    if touch.next_at is not None and touch.next_at <= touch.at:
        raise InvalidField("next_at", "the next step must come after the touch itself")


def implied_next_kind(touch: Touch) -> NextStepKind | None:
    """The next step an outcome implies when the user gave none explicitly."""
    if touch.next_kind is not None:
        return touch.next_kind
    if touch.outcome is Outcome.MEETING_BOOKED:
        return NextStepKind.APPOINTMENT
    if touch.outcome is Outcome.CALL_LATER or touch.next_at is not None:
        return NextStepKind.CALL_BACK
    return None
