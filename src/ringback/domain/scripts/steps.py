"""Which message a contact's next step needs, and what the script can promise (R6–R10).

Pure: the contact's state, its next action and its history are parameters.

- A call's script is a voicemail: the first one while no voicemail is unanswered,
  a shorter follow-up after that (R7, R8).
- An email is the kind its cadence step names (`email.set_call` proposes two
  slots, R9), else a first email while none is unanswered, else a follow-up.
- "When I will try again" (R7) is the next action the engine would plan if this
  message went out now: the touch is simulated and the engine asked again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ringback.domain.cadence import Action, Cadence, VoicemailMode, explain_next
from ringback.domain.errors import InvalidField
from ringback.domain.model import Channel, Contact, Direction, FollowUpState, Outcome, Touch
from ringback.domain.policy import Policy
from ringback.domain.scripts.templates import KIND_OF_KEY, StepKind
from ringback.domain.state import advance

CALL_CHANNELS = frozenset({Channel.CALL, Channel.VOICEMAIL})
_SENT = {
    Channel.CALL: Outcome.VOICEMAIL_LEFT,
    Channel.EMAIL: Outcome.SENT,
    Channel.LETTER: Outcome.MAILED,
}


def step_for(action: Action, state: FollowUpState) -> StepKind:
    """The message kind of `action` (InvalidField for a channel without scripts)."""
    if action.channel in CALL_CHANNELS:
        if state.voicemails_unanswered == 0:
            return StepKind.FIRST_VOICEMAIL
        return StepKind.FOLLOWUP_VOICEMAIL
    if action.channel is Channel.LETTER:
        return StepKind.LETTER
    if action.channel is Channel.EMAIL:
        named = KIND_OF_KEY.get(action.template or "")
        if named is not None and named.is_email:
            return named
        return StepKind.EMAIL_FIRST if state.emails_unanswered == 0 else StepKind.EMAIL_FOLLOWUP
    raise InvalidField("step", f"there is no script for a {action.channel} step; choose --step")


def note_for(
    step: StepKind, action: Action | None, contact: Contact, email_first: bool
) -> str | None:
    """A plain-language caveat for using this script with the planned action."""
    if not step.is_voicemail or action is None:
        return None
    if email_first:
        return f"R10: {contact.first_name} prefers email; calls to them leave no voicemail."
    if action.channel in CALL_CHANNELS and action.on_voicemail is VoicemailMode.SKIP:
        return (
            "R6: if voicemail answers on this call, leave no message; this script is for "
            "the next call that leaves one."
        )
    return None


def last_outbound_at(touches: Iterable[Touch], channels: frozenset[Channel]) -> datetime | None:
    """When we last reached out on one of `channels` (calls: answered or not)."""
    times = [t.at for t in touches if t.direction is Direction.OUTBOUND and t.channel in channels]
    return max(times, default=None)


def next_try(
    step: StepKind,
    cadence: Cadence,
    contact: Contact,
    state: FollowUpState,
    policy: Policy,
    now: datetime,
) -> Action | None:
    """The action the engine would plan next if this step's message went out `now`."""
    assert contact.id is not None
    channel = step.channel
    sent = Touch(contact.id, channel, _SENT[channel], now, Direction.OUTBOUND)
    after = advance(state, sent, cadence, contact=contact)
    return explain_next(cadence, contact, after, policy, now).action
