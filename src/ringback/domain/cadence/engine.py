"""The next action for one contact, from its follow-up state (R1–R14, R17).

`explain_next` returns the action (or None) with the full rule trace; `next_action`
returns just the action. Both are pure: `now` and every fact are parameters.

The order of reasoning: when is the next touch due and in which tier (rhythm.py);
which channel and template (channels.py); whether a call leaves a voicemail
(R6, R10); then the guardrails find the first allowed window (R4, R5, R12, R14),
trying another weekday for numbers that never answered (R17); finally the timing
model picks the moment inside the window.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import NamedTuple

from ringback.domain.cadence.action import REQUESTED_TIERS, Action, Explanation, VoicemailMode
from ringback.domain.cadence.channels import (
    choose_step,
    has_usable_email,
    is_unreachable,
    usable_phones,
    voicemail_choice,
    why_channel,
)
from ringback.domain.cadence.rhythm import Due, Tier, fresh_round, is_warm, next_due
from ringback.domain.cadence.spec import Cadence
from ringback.domain.caps import voicemail_instants
from ringback.domain.clock import describe_local, zone
from ringback.domain.guardrails import CALL_LIKE, SlotSearch, contact_zones, find_slot
from ringback.domain.model import Channel, Contact, FollowUpState, utc
from ringback.domain.policy import Intent, Policy
from ringback.domain.timing import (
    SpreadTiming,
    TimingModel,
    best_slot,
    plans_whole_days,
    unanswered_call_times,
)
from ringback.domain.trace import Decision, noted_by, refused_by, rules_of, set_by


@dataclass(frozen=True)
class _Context:
    cadence: Cadence
    contact: Contact
    state: FollowUpState
    policy: Policy
    timing: TimingModel


class _Choice(NamedTuple):
    channel: Channel
    template: str | None
    phone: str | None
    wait: timedelta | None
    why: str
    trace: tuple[Decision, ...]


def next_action(
    cadence: Cadence,
    contact: Contact,
    state: FollowUpState,
    policy: Policy,
    now: datetime,
    *,
    timing: TimingModel | None = None,
) -> Action | None:
    """The contact's next action at or after `now`, or None (stopped, missed, refused)."""
    return explain_next(cadence, contact, state, policy, now, timing=timing).action


def explain_next(
    cadence: Cadence,
    contact: Contact,
    state: FollowUpState,
    policy: Policy,
    now: datetime,
    *,
    timing: TimingModel | None = None,
) -> Explanation:
    """`next_action` with its rule trace (for `ringback why`)."""
    due = next_due(state, cadence, created_at=contact.created_at)
    if due is None:
        message = f"{contact.first_name} asked not to be contacted: never again, on any channel"
        return Explanation(None, None, (refused_by("R12", message),))
    view = fresh_round(state) if due.recycle else state
    ctx = _Context(cadence, contact, view, _effective(policy, cadence), timing or SpreadTiming())
    choice = _choose(ctx, due)
    opening = (set_by(due.rule, due.why),)
    if isinstance(choice, Decision):
        return Explanation(None, due, (*opening, choice))
    if choice.wait is not None and due.tier not in REQUESTED_TIERS and not due.recycle:
        due = next_due(state, cadence, created_at=contact.created_at, wait=choice.wait) or due
        opening = (set_by(due.rule, due.why),)
    explained = _schedule(ctx, due, choice, utc(now), (*opening, *choice.trace))
    if explained.action is None and _zones_never_overlap(ctx, choice):
        return _without_calls(ctx, due, utc(now), explained)
    return explained


def _zones_never_overlap(ctx: _Context, choice: _Choice) -> bool:
    return ctx.contact.timezone_ambiguous and choice.channel in CALL_LIKE


def _without_calls(ctx: _Context, due: Due, now: datetime, failed: Explanation) -> Explanation:
    """R5: calls to an unconfirmed multi-zone number found no overlap; try a channel
    that does not ring (email, letter) until the user confirms the time zone."""
    choice = _choose(ctx, due, exclude=CALL_LIKE)
    if isinstance(choice, Decision):
        return failed
    note = set_by("R5", "no calling time fits every zone of this number; using another channel")
    return _schedule(ctx, due, choice, now, (*failed.trace, note, *choice.trace))


def _effective(policy: Policy, cadence: Cadence) -> Policy:
    """The cadence's own calling windows, when it sets them, replace the policy's."""
    return replace(
        policy,
        business_hours=cadence.business_hours or policy.business_hours,
        personal_hours=cadence.personal_hours or policy.personal_hours,
    )


def _choose(
    ctx: _Context, due: Due, exclude: frozenset[Channel] = frozenset()
) -> _Choice | Decision:
    """The channel and template, or the refusal saying why there is none (R11)."""
    if due.tier in REQUESTED_TIERS:
        return _booked_choice(ctx, due, exclude)
    step_choice = choose_step(ctx.cadence, ctx.contact, ctx.state, exclude)
    step = step_choice.step
    if step is None:
        return _no_step(ctx, step_choice.trace)
    phone = _first_phone(ctx) if step.channel in (Channel.CALL, Channel.SMS) else None
    _, why = why_channel(step, ctx.cadence, ctx.contact, ctx.state)
    return _Choice(step.channel, step.template, phone, step.wait, why, step_choice.trace)


def _booked_choice(ctx: _Context, due: Due, exclude: frozenset[Channel]) -> _Choice | Decision:
    kind = "appointment" if due.tier is Tier.APPOINTMENT else "promised"
    if Channel.CALL not in exclude and usable_phones(ctx.contact, ctx.state):
        return _Choice(Channel.CALL, f"call.{kind}", _first_phone(ctx), None, due.why, ())
    if has_usable_email(ctx.contact, ctx.state):
        note = noted_by("R12", "no call possible now; reaching out by email instead")
        return _Choice(Channel.EMAIL, f"email.{kind}", None, None, due.why, (note,))
    return _missed(ctx)


def _no_step(ctx: _Context, notes: tuple[Decision, ...]) -> Decision:
    if is_unreachable(ctx.contact, ctx.state):
        return _missed(ctx)
    name, key = ctx.contact.first_name, ctx.cadence.key
    details = "; ".join(n.message for n in notes) or "no step's conditions hold"
    return refused_by("R1", f"no step of cadence '{key}' applies to {name} now ({details})")


def _missed(ctx: _Context) -> Decision:
    name = ctx.contact.first_name
    return refused_by(
        "R11",
        f"{name} is missed: no working number and no deliverable email; "
        "add a new number or address to resume",
    )


def _first_phone(ctx: _Context) -> str | None:
    phones = usable_phones(ctx.contact, ctx.state)
    return phones[0].e164 if phones else None


def _schedule(
    ctx: _Context, due: Due, choice: _Choice, now: datetime, trace: tuple[Decision, ...]
) -> Explanation:
    requested = due.tier in REQUESTED_TIERS
    not_before = max(now, due.at if requested else _due_from(ctx, due.at))
    search, voicemail, more = _search_with_voicemail(ctx, choice.channel, requested, not_before)
    trace = (*trace, *more, *search.trace)
    if search.span is None:
        return Explanation(None, due, trace)
    if voicemail is VoicemailMode.LEAVE and not (ctx.contact.reason or "").strip():
        trace = (*trace, _NO_REASON)
    action = _action(ctx, due, choice, search, voicemail, trace)
    return Explanation(action, due, trace)


def _due_from(ctx: _Context, due_at: datetime) -> datetime:
    """R16: a model that picks the best hour of the day sees the whole local day the
    work falls due, not just the hours after the last touch's time of day; the
    guardrails (R5, R14) still judge every instant of it."""
    if not plans_whole_days(ctx.timing):
        return due_at
    wall = due_at.astimezone(zone(ctx.contact.timezone))
    midnight = wall.replace(hour=0, minute=0, second=0, microsecond=0)
    return utc(midnight)


_NO_REASON = noted_by("R7", "record why you are calling: a voicemail needs a reason")


def _search_with_voicemail(
    ctx: _Context, channel: Channel, requested: bool, not_before: datetime
) -> tuple[SlotSearch, VoicemailMode | None, tuple[Decision, ...]]:
    """Search the slot; a call leaves a voicemail per R6/R10 unless R14's voicemail
    gap would delay it and skipping the message is allowed, then it leaves none."""
    if channel is not Channel.CALL:
        return _search(ctx, Intent(channel, requested=requested), not_before), None, ()
    choice = voicemail_choice(ctx.cadence, ctx.contact, ctx.state, requested=requested)
    leave = _search(ctx, Intent(channel, choice.leave, requested), not_before)
    mode = VoicemailMode.LEAVE if choice.leave else VoicemailMode.SKIP
    if not choice.leave or choice.forced or not _gap_may_bind(ctx, not_before):
        return leave, mode, (choice.decision,)
    skip = _search(ctx, Intent(channel, False, requested), not_before)
    if skip.span is not None and (leave.span is None or skip.span.start < leave.span.start):
        days = ctx.policy.voicemail_gap.days
        note = set_by(
            "R14", f"a voicemail went out less than {days} days ago; this call leaves none"
        )
        return skip, VoicemailMode.SKIP, (note,)
    return leave, mode, (choice.decision,)


def _gap_may_bind(ctx: _Context, not_before: datetime) -> bool:
    gap = ctx.policy.voicemail_gap
    return any(v > not_before - gap for v in voicemail_instants(ctx.state))


def _search(ctx: _Context, intent: Intent, not_before: datetime) -> SlotSearch:
    """find_slot, first on weekdays other than earlier unanswered calls' (R17)."""
    avoid = _silent_weekdays(ctx, intent)
    if avoid:
        found = _find(ctx, intent, not_before, avoid)
        if found.span is not None:
            return replace(found, trace=(*found.trace, _r17_note(avoid)))
        anyway = _find(ctx, intent, not_before, frozenset())
        return replace(anyway, trace=(*anyway.trace, _R17_NO_OTHER_DAY))
    return _find(ctx, intent, not_before, frozenset())


_R17_NO_OTHER_DAY = noted_by("R17", "no other weekday is open, so the same weekday is tried")


def _find(ctx: _Context, intent: Intent, not_before: datetime, avoid: frozenset[int]) -> SlotSearch:
    return find_slot(
        ctx.contact,
        ctx.state,
        ctx.policy,
        intent,
        not_before,
        avoid_weekdays=avoid,
        default_zone=ctx.cadence.timezone,
    )


def _silent_weekdays(ctx: _Context, intent: Intent) -> frozenset[int]:
    """R17: local weekdays of earlier unanswered calls to a number that never answered."""
    if intent.channel is not Channel.CALL or intent.requested or not ctx.state.never_answered:
        return frozenset()
    anchor = contact_zones(ctx.contact, intent, ctx.cadence.timezone)[0]
    times = unanswered_call_times(ctx.state)
    return frozenset(t.astimezone(zone(anchor)).weekday() for t in times)


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _r17_note(avoid: frozenset[int]) -> Decision:
    days = ", ".join(_DAYS[d] for d in sorted(avoid))
    return set_by("R17", f"never answered: trying another weekday than before ({days})")


def _action(
    ctx: _Context,
    due: Due,
    choice: _Choice,
    search: SlotSearch,
    voicemail: VoicemailMode | None,
    trace: tuple[Decision, ...],
) -> Action:
    span = search.span
    assert span is not None
    requested = due.tier in REQUESTED_TIERS
    suggested = span.start if requested else best_slot(ctx.timing, ctx.contact, ctx.state, span)[0]
    tier = due.tier
    if tier in (Tier.WARM, Tier.CADENCE):
        tier = Tier.WARM if is_warm(ctx.state, ctx.cadence, span.start) else Tier.CADENCE
    attempt = ctx.state.attempts + 1
    return Action(
        contact_id=ctx.contact.id,
        channel=choice.channel,
        window_start=span.start,
        window_end=span.end,
        suggested_at=suggested,
        due_at=due.at,
        timezone=search.zone,
        attempt=attempt,
        tier=tier,
        on_voicemail=voicemail,
        template=choice.template,
        phone=choice.phone,
        reason=_reason(ctx, due, choice, attempt, search.zone),
        rules=rules_of(trace),
        trace=trace,
    )


def _reason(ctx: _Context, due: Due, choice: _Choice, attempt: int, zone_name: str) -> str:
    """The plain 'why now' sentence shown beside the action."""
    when = f"{describe_local(due.at, zone_name)} their time"
    if due.tier is Tier.APPOINTMENT:
        return f"Appointment booked for {when} (R3)."
    if due.tier is Tier.PROMISED:
        return f"{ctx.contact.first_name} asked to be called back from {when} (R4)."
    return f"Attempt #{attempt}: {due.why}; {choice.why}."
