"""What a touch tells about a contact's engagement: reached, engaged, won (R11, R12).

The lead score (R11) learns from these labels and the analytics funnel counts them,
so both read the same definitions.
"""

from __future__ import annotations

from ringback.domain.model import RESPONSE_OUTCOMES, Channel, Direction, Outcome, Touch

# R11 warm: engaged — a conversation, a reply, a call-back, interest shown.
ENGAGED_OUTCOMES = RESPONSE_OUTCOMES
# The person heard us and answered, even with a "no".
REACHED_OUTCOMES = ENGAGED_OUTCOMES | {Outcome.NOT_INTERESTED, Outcome.DO_NOT_CONTACT}
# A call answered by the person, for connect rates (R16 heatmap).
ANSWERED_CALL_OUTCOMES = frozenset(
    {
        Outcome.CONNECTED,
        Outcome.CALL_LATER,
        Outcome.MEETING_BOOKED,
        Outcome.NOT_INTERESTED,
        Outcome.DO_NOT_CONTACT,
    }
)
WON_OUTCOMES = frozenset({Outcome.MEETING_BOOKED})
# Outcomes that end a lead as a "no" (R12): the negative label of the lead score.
REFUSAL_OUTCOMES = frozenset({Outcome.NOT_INTERESTED, Outcome.DO_NOT_CONTACT})
# Inbound answers to a message: what a template variant's call-back rate counts.
CALLBACK_OUTCOMES = frozenset({Outcome.CALLBACK_RECEIVED, Outcome.REPLIED, Outcome.INBOUND_EMAIL})


def is_attempt(touch: Touch) -> bool:
    """An outbound attempt of ours (a meeting is not an attempt)."""
    return touch.direction is Direction.OUTBOUND and touch.channel is not Channel.MEETING


def is_outbound_call(touch: Touch) -> bool:
    return touch.direction is Direction.OUTBOUND and touch.channel is Channel.CALL
