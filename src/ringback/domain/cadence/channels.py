"""Which channel next, and whether a call leaves a voicemail (R6, R9, R10, R11, R12).

Steps are tried in order and the first whose conditions hold wins. Whatever a
user-edited cadence says, the engine also refuses a step it cannot carry out: no
call without a working number, no email to a bounced address (R12), no letter
without a postal address, and no call to an email-first contact once two calls in
a row went without a message (R6, R10).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ringback.domain.cadence.spec import Cadence, Condition, Step
from ringback.domain.model import Channel, Contact, FollowUpState, Phone
from ringback.domain.trace import Decision, noted_by, set_by

# Logged on a wrong number when the touch did not say which number was dialled: it
# marks the first number still thought good (the one the engine proposed).
UNKNOWN_NUMBER = "unknown"


def usable_phones(contact: Contact, state: FollowUpState) -> tuple[Phone, ...]:
    """The contact's numbers not marked wrong or disconnected, in their order (R12)."""
    bad = set(state.bad_numbers)
    good = [phone for phone in contact.phones if phone.e164 not in bad]
    return tuple(good[state.bad_numbers.count(UNKNOWN_NUMBER) :])


def has_usable_email(contact: Contact, state: FollowUpState) -> bool:
    """An address is known, did not bounce (R11) and was not unsubscribed (R12)."""
    return bool(contact.email) and not state.email_bounced and not state.email_opted_out


def is_email_first(contact: Contact, cadence: Cadence) -> bool:
    """R10: marked email-first, prefers email, or in an email-first cadence (segment)."""
    return cadence.email_first or contact.email_first or contact.preferred_channel is Channel.EMAIL


def is_unreachable(contact: Contact, state: FollowUpState) -> bool:
    """R11 missed: no working number and no deliverable email."""
    return not usable_phones(contact, state) and not has_usable_email(contact, state)


_Test = Callable[[Contact, FollowUpState, Cadence], bool]
_CONDITIONS: dict[Condition, _Test] = {
    Condition.FIRST_ATTEMPT: lambda c, s, k: s.attempts == 0 and s.never_answered,
    Condition.EMAIL_FIRST: lambda c, s, k: is_email_first(c, k),
    Condition.NOT_EMAIL_FIRST: lambda c, s, k: not is_email_first(c, k),
    Condition.HAS_PHONE: lambda c, s, k: bool(usable_phones(c, s)),
    Condition.HAS_EMAIL: lambda c, s, k: has_usable_email(c, s),
    Condition.HAS_ADDRESS: lambda c, s, k: bool(c.address),
    Condition.VOICEMAILS_BELOW_LIMIT: lambda c, s, k: (
        s.voicemails_unanswered < k.voicemails_before_email
    ),
    Condition.VOICEMAILS_AT_LIMIT: lambda c, s, k: (
        s.voicemails_unanswered >= k.voicemails_before_email
    ),
    Condition.EMAILS_BELOW_LIMIT: lambda c, s, k: s.emails_unanswered < k.emails_before_letter,
    Condition.EMAILS_AT_LIMIT: lambda c, s, k: s.emails_unanswered >= k.emails_before_letter,
    Condition.NO_LETTER_YET: lambda c, s, k: s.letters_unanswered == 0,
    Condition.SILENT_CALLS_BELOW_LIMIT: lambda c, s, k: (
        s.silent_calls_in_row < k.max_silent_calls_in_row
    ),
    Condition.BUSINESS: lambda c, s, k: not c.personal,
    Condition.PERSONAL: lambda c, s, k: c.personal,
}


def holds(condition: Condition, contact: Contact, state: FollowUpState, cadence: Cadence) -> bool:
    return _CONDITIONS[condition](contact, state, cadence)


class StepChoice(NamedTuple):
    step: Step | None
    trace: tuple[Decision, ...]


def choose_step(
    cadence: Cadence,
    contact: Contact,
    state: FollowUpState,
    exclude: frozenset[Channel] = frozenset(),
) -> StepChoice:
    """The first step of `cadence` whose conditions hold and that can be carried out,
    skipping steps on `exclude` channels."""
    notes: list[Decision] = []
    for step in cadence.steps:
        if step.channel in exclude or not all(holds(c, contact, state, cadence) for c in step.when):
            continue
        refusal = _cannot_carry_out(step, cadence, contact, state)
        if refusal is None:
            return StepChoice(step, (*notes, _step_chosen(step, cadence, contact, state)))
        if refusal not in notes:
            notes.append(refusal)
    return StepChoice(None, tuple(notes))


def _cannot_carry_out(
    step: Step, cadence: Cadence, contact: Contact, state: FollowUpState
) -> Decision | None:
    channel = step.channel
    if channel in (Channel.CALL, Channel.SMS) and not usable_phones(contact, state):
        return noted_by("R12", "no working number (all marked wrong or disconnected, or none)")
    if channel is Channel.EMAIL and not has_usable_email(contact, state):
        return noted_by(
            "R12", "no deliverable email address (none known, it bounced, or they unsubscribed)"
        )
    if channel is Channel.LETTER and not contact.address:
        return noted_by("R9", "no postal address for a mailed note")
    silent_limit = state.silent_calls_in_row >= cadence.max_silent_calls_in_row
    if channel is Channel.CALL and is_email_first(contact, cadence) and silent_limit:
        return noted_by(
            "R10",
            "email-first contacts get no voicemail, and two calls in a row went "
            "without a message (R6), so no call now",
        )
    return None


def _step_chosen(step: Step, cadence: Cadence, contact: Contact, state: FollowUpState) -> Decision:
    rule, why = why_channel(step, cadence, contact, state)
    return set_by(rule, f"{step.channel} ({step.template}): {why}")


def why_channel(
    step: Step, cadence: Cadence, contact: Contact, state: FollowUpState
) -> tuple[str, str]:
    """The rule behind a chosen step and the reason in plain words."""
    name, channel = contact.first_name, step.channel
    if Condition.EMAIL_FIRST in step.when and channel is Channel.CALL:
        return "R10", "after emails, propose a call (and leave no voicemail)"
    if Condition.EMAIL_FIRST in step.when:
        return "R10", f"{name} prefers email: email first, then a proposed call"
    if channel is Channel.LETTER:
        return "R9", f"{state.emails_unanswered} emails went unanswered; a short mailed note"
    voicemails = state.voicemails_unanswered
    if channel is Channel.EMAIL and voicemails >= cadence.voicemails_before_email:
        return "R9", f"{voicemails} voicemails with no response; changing channel to email"
    if channel is Channel.EMAIL:
        return "R1", "email is the channel that can reach them now"
    if Condition.FIRST_ATTEMPT in step.when:
        return "R1", "a first call; one unanswered attempt never ends a follow-up"
    return "R1", f"a follow-up {channel}"


class VoicemailChoice(NamedTuple):
    """Whether a call leaves a voicemail; `forced` when R6 demands one."""

    leave: bool
    forced: bool
    decision: Decision


def voicemail_choice(
    cadence: Cadence, contact: Contact, state: FollowUpState, *, requested: bool = False
) -> VoicemailChoice:
    """R6 voicemail discipline and R10 email-first, for the next call."""
    if is_email_first(contact, cadence):
        return VoicemailChoice(False, False, set_by("R10", "email-first: leave no voicemail"))
    if state.silent_calls_in_row >= cadence.max_silent_calls_in_row:
        count = state.silent_calls_in_row
        message = f"{count} unanswered calls in a row went without a message; leave one now"
        return VoicemailChoice(True, True, set_by("R6", message))
    if _first_business_call(cadence, contact, state) and not requested:
        message = "first call to a business contact: if unanswered, leave no message"
        return VoicemailChoice(False, False, set_by("R6", message))
    return VoicemailChoice(True, False, set_by("R6", "if unanswered, leave a short voicemail"))


def _first_business_call(cadence: Cadence, contact: Contact, state: FollowUpState) -> bool:
    return (
        cadence.silent_first_call
        and not contact.personal
        and state.never_answered
        and state.calls_unanswered_in_row == 0
    )
