"""The script for a contact's next step: voicemail, email or letter (R6–R10, R13, R19).

`script_for` is what the CLI's `ringback script` and the web's script panel call:
it loads the contact, its state, history, cadence and the template catalogue in
one read, asks the engine for the next action, and composes and lints the message
for it. Nothing is written. The result's `script.template` ("key:variant") is what
the touch should record when the message is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ringback.domain.cadence import Action, Cadence, explain_next
from ringback.domain.cadence.channels import is_email_first
from ringback.domain.errors import InvalidField, RuleRefusal
from ringback.domain.model import Channel, Contact, FollowUpState, Touch, utc
from ringback.domain.policy import Policy
from ringback.domain.scripts import (
    DEFAULT_AUDIENCE,
    DEFAULT_FLAGGED_PHRASES,
    DEFAULT_KEYS,
    Catalogue,
    Facts,
    MessageTemplate,
    Script,
    StepKind,
    TemplateRef,
    check_slug,
    facts_for,
    parse_ref,
    prepare,
)
from ringback.domain.scripts.steps import (
    CALL_CHANNELS,
    last_outbound_at,
    next_try,
    note_for,
    step_for,
)
from ringback.domain.sender import Sender
from ringback.services.cadences import stored_cadence_for
from ringback.services.contacts import UowFactory
from ringback.services.slots import CallProposal, propose_call_times
from ringback.services.team_settings import stored_policy
from ringback.services.templates import stored_catalogue

AUDIENCE_FIELD = "audience"  # a contact's custom field choosing its templates
HISTORY = 50  # recent touches read for "I called last Tuesday" (R8)


@dataclass(frozen=True)
class ContactScript:
    contact: Contact
    script: Script
    action: Action | None  # the planned next action the step came from (None: none)
    note: str | None = None  # a caveat, e.g. R6 "leave no message on this call"
    proposal: CallProposal | None = None  # the times an email_slots message proposes (R9)


def script_for(
    uow_factory: UowFactory,
    contact_id: int,
    step: StepKind | None,
    now: datetime,
    user: Sender,
    *,
    template: TemplateRef | str | None = None,
    slots: Sequence[datetime] | None = None,
    calendar_user: str | None = None,
    audience: str = DEFAULT_AUDIENCE,
    phrases: Sequence[str] = DEFAULT_FLAGGED_PHRASES,
) -> ContactScript:
    """The rendered, linted script for the contact's next step as of `now`.

    `step` None: derived from the next action (a call → first or follow-up voicemail
    by the voicemails left; an email → the kind its cadence step names; a letter).
    `template` ("key" or "key:variant") overrides the catalogue's choice; `slots`
    are the proposed call times of an `email_slots` message (R9) — None: proposed by
    `propose_call_times`, inside the contact's window, off holidays and free in
    `calendar_user`'s appointments (R5, R9, R10); `audience` is used unless the
    contact's custom field `audience` names another. NotFound for an unknown contact
    or template; InvalidField when there is no step to script.
    """
    now = utc(now)
    ref = parse_ref(template) if isinstance(template, str) else template
    found = _load(uow_factory, contact_id, now)
    contact, state, action = found.contact, found.state, found.action
    if step is None:
        if action is None:
            raise InvalidField("step", f"{contact.full_name} has no next action; choose a step")
        step = step_for(action, state)
    chosen = audience_of(contact, audience)
    step_key = action.template if action is not None and _same_channel(action, step) else None
    message = found.catalogue.for_step(step, chosen, contact.id, ref=ref, step_key=step_key)
    first = None
    if step is StepKind.FOLLOWUP_VOICEMAIL:
        first = found.catalogue.for_step(StepKind.FIRST_VOICEMAIL, chosen, contact.id)
    writing = _Writing(user, now, slots, calendar_user, phrases)
    return _render(uow_factory, found, message, first, writing)


def preview_template(
    uow_factory: UowFactory,
    contact_id: int,
    template: MessageTemplate,
    now: datetime,
    user: Sender,
    *,
    calendar_user: str | None = None,
    phrases: Sequence[str] = DEFAULT_FLAGGED_PHRASES,
) -> ContactScript:
    """`template` (perhaps not stored yet) rendered and linted for one real contact —
    the template editor's preview. A slots email proposes its times itself (R9)."""
    now = utc(now)
    found = _load(uow_factory, contact_id, now)
    first = None
    if template.step is StepKind.FOLLOWUP_VOICEMAIL:
        variants = found.catalogue.variants(
            DEFAULT_KEYS[StepKind.FIRST_VOICEMAIL], template.audience
        )
        first = variants[0] if variants else None
    writing = _Writing(user, now, None, calendar_user, phrases)
    return _render(uow_factory, found, template, first, writing)


@dataclass(frozen=True)
class _Writing:
    """Who writes, when, and the slots (None: proposed) and phrases to lint with."""

    user: Sender
    now: datetime
    slots: Sequence[datetime] | None
    calendar_user: str | None
    phrases: Sequence[str]


def _render(
    uow_factory: UowFactory,
    found: _Loaded,
    message: MessageTemplate,
    first: MessageTemplate | None,
    writing: _Writing,
) -> ContactScript:
    contact, action, step, now = found.contact, found.action, message.step, writing.now
    proposal, refusal = None, None
    if writing.slots is None and step is StepKind.EMAIL_SLOTS:
        proposal, refusal = _propose(uow_factory, contact.id or 0, now, writing.calendar_user)
    slots = writing.slots if writing.slots is not None else _starts(proposal)
    facts = _facts(found, step, writing.user, now, slots)
    script = prepare(message, facts, phrases=writing.phrases, first=first)
    note = refusal or note_for(step, action, contact, is_email_first(contact, found.cadence))
    return ContactScript(contact, script, action, note, proposal)


def _propose(
    uow_factory: UowFactory, contact_id: int, now: datetime, user: str | None
) -> tuple[CallProposal | None, str | None]:
    """Two call times for the email (R9), or why there are none (R5, R12) as a note."""
    try:
        return propose_call_times(uow_factory, contact_id, now, user), None
    except RuleRefusal as refused:
        return None, f"No call times to propose ({refused.rule}): {refused.message}"


def _starts(proposal: CallProposal | None) -> list[datetime]:
    return [slot.start for slot in proposal.proposal.slots] if proposal else []


@dataclass(frozen=True)
class _Loaded:
    contact: Contact
    state: FollowUpState
    cadence: Cadence
    policy: Policy
    history: list[Touch]
    catalogue: Catalogue
    action: Action | None


def _load(uow_factory: UowFactory, contact_id: int, now: datetime) -> _Loaded:
    """Everything a script needs, read in one unit of work, and the next action."""
    with uow_factory() as uow:
        contact = uow.contacts.get(contact_id)
        state = uow.states.get(contact_id)
        cadence = stored_cadence_for(uow)(contact)
        policy = stored_policy(uow)
        history = uow.touches.for_contact(contact_id, limit=HISTORY)
        catalogue = stored_catalogue(uow)
    action = explain_next(cadence, contact, state, policy, now).action
    return _Loaded(contact, state, cadence, policy, history, catalogue, action)


def _facts(
    found: _Loaded, step: StepKind, user: Sender, now: datetime, slots: Sequence[datetime]
) -> Facts:
    """The contact's facts; "when I'll try again" is the engine's plan after this message."""
    following = next_try(step, found.cadence, found.contact, found.state, found.policy, now)
    return facts_for(
        found.contact,
        user,
        now,
        last_call_at=last_outbound_at(found.history, CALL_CHANNELS) or found.state.last_call_at,
        last_email_at=last_outbound_at(found.history, frozenset({Channel.EMAIL})),
        next_try_at=following.suggested_at if following is not None else None,
        next_try_channel=str(following.channel) if following is not None else None,
        slots=[utc(s) for s in slots],
    )


def audience_of(contact: Contact, default: str) -> str:
    """The contact's custom field `audience` when set, else `default`."""
    own = contact.fields.get(AUDIENCE_FIELD, "").strip()
    return check_slug(own, AUDIENCE_FIELD) if own else default


def _same_channel(action: Action, step: StepKind) -> bool:
    if step.is_voicemail:
        return action.channel in CALL_CHANNELS
    return action.channel is step.channel
