"""How one touch changes a contact's follow-up state (R1–R4, R6, R9, R11, R12, R14).

Pure and O(1): the new state depends only on the old state, the touch and the
cadence, so logging a touch never replays history. Field meanings:

- `attempts`: our touches since the contact last responded (the plan's attempt
  number is attempts + 1; R11 cold after `cold_after_attempts`). Wrong numbers
  and bounces are not attempts.
- `calls_unanswered_in_row`: unanswered calls since the last response (R6).
- `silent_calls_in_row`: unanswered calls since we last left any message —
  voicemail, email, letter or text (R6, R10).
- `voicemails_unanswered`, `emails_unanswered`, `letters_unanswered`: since the
  last response (R9).
- `recent`: our own touches of the last 7 days, for the caps (R14).
- `promised_at` / `appointment_at`: the next step the contact set (R3, R4).
- `booked_for`: the user a USERONLY next step is reserved for (None: anyone on the
  team may take it); cleared once nothing is booked any more.
- `next_due_at`: when the next action becomes due — exact when `contact` is
  passed, otherwise a lower bound (the planner's index; never later than the truth).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from ringback.domain.cadence.channels import UNKNOWN_NUMBER, choose_step, is_unreachable
from ringback.domain.cadence.rhythm import fresh_round, is_warm, next_due
from ringback.domain.cadence.spec import DEFAULT_CADENCE, Cadence
from ringback.domain.model import (
    RESPONSE_OUTCOMES,
    UNANSWERED_CALL_OUTCOMES,
    CallbackScope,
    Channel,
    Contact,
    Direction,
    FollowUpState,
    NextStepKind,
    Outcome,
    RecentTouch,
    Status,
    Touch,
    utc,
)

RECENT_WINDOW = timedelta(days=7)
BOOKED_GRACE = timedelta(hours=1)
INBOUND_OUTCOMES = frozenset({Outcome.CALLBACK_RECEIVED, Outcome.INBOUND_EMAIL, Outcome.REPLIED})
BAD_NUMBER_OUTCOMES = frozenset({Outcome.WRONG_NUMBER, Outcome.DISCONNECTED})
SPOKEN_CHANNELS = frozenset({Channel.CALL, Channel.MEETING, Channel.VOICEMAIL})
CONVERSATION_OUTCOMES = frozenset(
    {
        Outcome.CONNECTED,
        Outcome.CALLBACK_RECEIVED,
        Outcome.CALL_LATER,
        Outcome.MEETING_BOOKED,
        Outcome.NOT_INTERESTED,
        Outcome.DO_NOT_CONTACT,
    }
)
RECYCLED_STATUSES = frozenset({Status.COLD, Status.NOT_INTERESTED, Status.MISSED})


def advance(
    state: FollowUpState,
    touch: Touch,
    cadence: Cadence = DEFAULT_CADENCE,
    *,
    contact: Contact | None = None,
) -> FollowUpState:
    """The state after `touch`. Pass `contact` for an exact `next_due_at` and R11 missed."""
    at = utc(touch.at)
    new = replace(
        state, last_touch_at=_later(state.last_touch_at, at), recent=_recent(state, touch, at)
    )
    if state.status is Status.DO_NOT_CONTACT:
        return new
    _apply(new, touch, at, cadence)
    if new.promised_at is None and new.appointment_at is None:
        new.booked_for = None
    return _with_due(new, cadence, contact)


def reassess(
    state: FollowUpState, contact: Contact, cadence: Cadence = DEFAULT_CADENCE
) -> FollowUpState:
    """Recompute status (missed or not, R11) and `next_due_at` after the contact or its
    cadence changed, e.g. a new number for a missed contact."""
    if state.status is Status.DO_NOT_CONTACT:
        return replace(state, next_due_at=None)
    revived = state.status is Status.MISSED and not is_unreachable(contact, state)
    new = replace(state, status=Status.ACTIVE) if revived else replace(state)
    return _with_due(new, cadence, contact)


def _apply(new: FollowUpState, touch: Touch, at: datetime, cadence: Cadence) -> None:
    _clear_booked_done(new, touch, at)
    outcome = touch.outcome
    if outcome is Outcome.DO_NOT_CONTACT:
        _do_not_contact(new, touch, at)
    elif outcome is Outcome.UNSUBSCRIBED:
        new.email_opted_out = True  # R12 for email only: other channels carry on
    elif outcome in cadence.stop_on:
        _not_interested(new, touch, at)
    elif _is_response(touch):
        _respond(new, touch, at, cadence)
    elif outcome in BAD_NUMBER_OUTCOMES:
        _bad_number(new, touch, at)
    elif outcome is Outcome.BOUNCED:
        new.email_bounced = True
        new.emails_unanswered = max(0, new.emails_unanswered - 1)
    else:
        _attempt(new, touch, at, cadence)


def _is_response(touch: Touch) -> bool:
    return touch.outcome in RESPONSE_OUTCOMES or touch.direction is Direction.INBOUND


def _do_not_contact(new: FollowUpState, touch: Touch, at: datetime) -> None:
    """R12: never again, on any channel, from this moment."""
    _note_conversation(new, touch, at)
    new.status = Status.DO_NOT_CONTACT
    new.promised_at = new.appointment_at = None


def _not_interested(new: FollowUpState, touch: Touch, at: datetime) -> None:
    """R12: thank them, stop; the next round starts after the cool-down (R11)."""
    _note_conversation(new, touch, at)
    _reset_round(new)
    new.status = Status.NOT_INTERESTED
    new.never_answered = False
    new.promised_at = new.appointment_at = None


def _respond(new: FollowUpState, touch: Touch, at: datetime, cadence: Cadence) -> None:
    """R12: a call-back, a reply or a booked meeting pauses every channel at once;
    the cadence restarts from the response (R2) unless they set a next step (R3, R4)."""
    _note_conversation(new, touch, at)
    new.never_answered = False
    new.last_response_at = _later(new.last_response_at, at)
    new.status = Status.WARM
    if touch.outcome in cadence.pause_on or touch.outcome not in RESPONSE_OUTCOMES:
        _reset_round(new)
        new.promised_at = None
    _set_booked(new, touch)


def _bad_number(new: FollowUpState, touch: Touch, at: datetime) -> None:
    """R12: a wrong or disconnected number; the next attempt uses another way at once."""
    new.bad_numbers = (*new.bad_numbers, touch.phone or UNKNOWN_NUMBER)
    new.last_outbound_at = _later(new.last_outbound_at, at)
    if new.status is Status.NEW:
        new.status = Status.ACTIVE


def _attempt(new: FollowUpState, touch: Touch, at: datetime, cadence: Cadence) -> None:
    """One of our touches that got no response (yet): R1, R6, R9, R11."""
    if new.status in RECYCLED_STATUSES:
        _reset_round(new)
    new.status = _status_after_attempt(new, cadence, at)
    new.attempts += 1
    new.last_outbound_at = _later(new.last_outbound_at, at)
    _count_channel(new, touch, at)
    if new.attempts >= cadence.cold_after_attempts:
        new.status = Status.COLD
    _set_booked(new, touch)


def _status_after_attempt(new: FollowUpState, cadence: Cadence, at: datetime) -> Status:
    if new.status is Status.WARM and is_warm(new, cadence, at):
        return Status.WARM
    return Status.ACTIVE


def _count_channel(new: FollowUpState, touch: Touch, at: datetime) -> None:
    channel, outcome = touch.channel, touch.outcome
    if channel is Channel.CALL:
        new.last_call_at = _later(new.last_call_at, at)
        if outcome in UNANSWERED_CALL_OUTCOMES:
            new.calls_unanswered_in_row += 1
    if outcome is Outcome.VOICEMAIL_LEFT or channel is Channel.VOICEMAIL:
        new.voicemails_unanswered += 1
        new.last_voicemail_at = _later(new.last_voicemail_at, at)
        new.silent_calls_in_row = 0
    elif channel is Channel.CALL:
        new.silent_calls_in_row += 1
    elif channel in (Channel.EMAIL, Channel.LETTER, Channel.SMS):
        new.silent_calls_in_row = 0
    if channel is Channel.EMAIL:
        new.emails_unanswered += 1
    elif channel is Channel.LETTER:
        new.letters_unanswered += 1


def _reset_round(new: FollowUpState) -> None:
    reset = fresh_round(new)
    new.attempts = reset.attempts
    new.calls_unanswered_in_row = reset.calls_unanswered_in_row
    new.silent_calls_in_row = reset.silent_calls_in_row
    new.voicemails_unanswered = reset.voicemails_unanswered
    new.emails_unanswered = reset.emails_unanswered
    new.letters_unanswered = reset.letters_unanswered


def _note_conversation(new: FollowUpState, touch: Touch, at: datetime) -> None:
    spoken = touch.channel in SPOKEN_CHANNELS or touch.outcome is Outcome.CALLBACK_RECEIVED
    if spoken and touch.outcome in CONVERSATION_OUTCOMES:
        new.last_conversation_at = _later(new.last_conversation_at, at)


def _clear_booked_done(new: FollowUpState, touch: Touch, at: datetime) -> None:
    """A touch at (or just before) an appointment or promised time fulfils it."""
    if touch.outcome in (Outcome.BOUNCED, Outcome.UNSUBSCRIBED):
        return
    if new.appointment_at is not None and at >= new.appointment_at - BOOKED_GRACE:
        new.appointment_at = None
    if new.promised_at is not None and at >= new.promised_at - BOOKED_GRACE:
        new.promised_at = None


def _set_booked(new: FollowUpState, touch: Touch) -> None:
    """R3/R4: the next step a conversation ended with."""
    if touch.next_at is None:
        return
    kind = touch.next_kind
    if kind is NextStepKind.NONE:
        return
    if kind is NextStepKind.APPOINTMENT or touch.outcome is Outcome.MEETING_BOOKED:
        new.appointment_at = utc(touch.next_at)
    else:
        new.promised_at = utc(touch.next_at)
    new.booked_for = touch.user if touch.next_scope is CallbackScope.USERONLY else None


def _recent(state: FollowUpState, touch: Touch, at: datetime) -> tuple[RecentTouch, ...]:
    """Our touches of the last 7 days (R14 caps); inbound events are not ours."""
    newest = _later(state.last_touch_at, at)
    kept = tuple(r for r in state.recent if newest - r.at < RECENT_WINDOW)
    ours = touch.direction is Direction.OUTBOUND and touch.outcome not in INBOUND_OUTCOMES
    if not ours or newest - at >= RECENT_WINDOW:
        return kept
    return tuple(sorted((*kept, RecentTouch(at, touch.channel, touch.outcome)), key=lambda r: r.at))


def _with_due(new: FollowUpState, cadence: Cadence, contact: Contact | None) -> FollowUpState:
    if contact is not None and is_unreachable(contact, new):
        new.status = Status.MISSED
        new.next_due_at = None
        return new
    new.next_due_at = due_instant(new, cadence, contact)
    return new


def due_instant(
    state: FollowUpState, cadence: Cadence, contact: Contact | None = None
) -> datetime | None:
    """When the next action becomes due: exact with `contact`, else a lower bound."""
    if contact is not None:
        return _exact_due(state, cadence, contact)
    waits = {step.wait for step in cadence.steps if step.wait is not None}
    dues = [next_due(state, cadence, wait=w) for w in (None, *waits)]
    instants = [d.at for d in dues if d is not None]
    return min(instants) if instants else None


def _exact_due(state: FollowUpState, cadence: Cadence, contact: Contact) -> datetime | None:
    due = next_due(state, cadence, created_at=contact.created_at)
    if due is None or due.recycle or due.rule in ("R3", "R4"):
        return due.at if due is not None else None
    step = choose_step(cadence, contact, state).step
    if step is None or step.wait is None:
        return due.at
    exact = next_due(state, cadence, created_at=contact.created_at, wait=step.wait)
    return exact.at if exact is not None else due.at


def _later(first: datetime | None, second: datetime) -> datetime:
    return second if first is None or second > first else first
