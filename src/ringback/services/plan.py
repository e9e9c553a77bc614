"""The day's plan, the rule trace for one contact, and stated preferences (R4, R14, R18).

`plan_range` reads only what the planner needs: the booked work (R3, R4) plus, per
status, the earliest-due states up to a few times the capacity — each one indexed
range query on (status, next_due_at) — and counts the rest per status from the
same index. Whatever was not read is reported as rolled forward (R14, R18: nothing
is dropped silently). If guardrails leave the capacity unfilled, it reads more, a
bounded number of times and only while that still adds items (a weekend stops it).

Unless a timing model is passed in, the calls logged since the last plan are folded
into the answer counts first, and the slots are picked by the learned model (R16)
once any call was counted (services/timing.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ringback.domain.access import in_plan_of
from ringback.domain.answer_rates import Cell, Tally
from ringback.domain.cadence import Explanation, explain_next
from ringback.domain.model import Contact, FollowUpState, PreferredWindow, Status, utc
from ringback.domain.planner import DAY, LeadRanker, Plan, build_plan
from ringback.domain.policy import Policy
from ringback.domain.state import reassess
from ringback.domain.timing import TimingModel
from ringback.services.cadences import CadenceFor, stored_cadence_for
from ringback.services.contacts import UowFactory, find_contact
from ringback.services.ports import UnitOfWork
from ringback.services.scoring import plan_ranker
from ringback.services.team_settings import stored_policy
from ringback.services.timing import (
    PLAN_FOLD,
    learned_timing,
    plan_seed,
    refresh_answer_counts,
)

# Statuses that can still act; do-not-contact and missed ones have no due time (R11, R12).
PLANNABLE = (Status.NEW, Status.ACTIVE, Status.WARM, Status.COLD, Status.NOT_INTERESTED)
OVERSAMPLE = 2  # candidates read per status, as a multiple of the range's capacity
GROWTH = 4
MAX_ROUNDS = 2  # one wider read when guardrails refused much of the first (a weekend)
JUST_BEFORE = timedelta(microseconds=1)


@dataclass(frozen=True)
class Candidates:
    pairs: list[tuple[Contact, FollowUpState]]
    not_read: int


def plan_range(
    uow_factory: UowFactory,
    start: datetime,
    end: datetime,
    capacity: int | None = None,
    user: str | None = None,
    policy: Policy | None = None,
    *,
    cadence_for: CadenceFor | None = None,
    timing: TimingModel | None = None,
    lead: LeadRanker | None = None,
) -> Plan:
    """The ordered plan for [start, end) within `capacity` per day (R14, R18).

    `user` plans what that user works (domain/access.py `in_plan_of`: the team's
    contacts and their own, less call-backs reserved for someone else); None plans
    every contact. Without `cadence_for`, contacts follow the stored cadences, and
    without `policy` the team's stored settings apply (each read once for the plan).
    Without `lead`, the cached R11 lead score orders contacts within a tier, if fitted.
    """
    start, end = utc(start), utc(end)
    if cadence_for is None or policy is None or lead is None:
        with uow_factory() as uow:
            cadence_for = cadence_for or stored_cadence_for(uow)
            policy = policy or stored_policy(uow)
            lead = lead or plan_ranker(uow)
    per_day = capacity or policy.daily_capacity
    wanted = per_day * max(1, -(-(end - start) // DAY))
    limit, planned = wanted * OVERSAMPLE, -1
    counts = refresh_answer_counts(uow_factory, most=PLAN_FOLD) if timing is None else {}
    for _ in range(MAX_ROUNDS):
        found = load_candidates(uow_factory, end, limit, user)
        model = timing or _learned(uow_factory, counts, found, plan_seed(start, user))
        plan = build_plan(found.pairs, cadence_for, policy, start, end, per_day, model, lead)
        plan = replace(plan, not_ranked=found.not_read)
        if _enough(plan, found, wanted, planned):
            break
        limit, planned = limit * GROWTH, len(plan.items)
    return plan


def _learned(
    uow_factory: UowFactory, counts: dict[Cell, Tally], found: Candidates, seed: int
) -> TimingModel | None:
    """R16: the learned model when calls were counted; None leaves the planner spreading."""
    if not counts:
        return None
    contacts = [contact for contact, state in found.pairs if state.last_call_at is not None]
    return learned_timing(uow_factory, counts, contacts, random.Random(seed))


def _enough(plan: Plan, found: Candidates, wanted: int, planned_before: int) -> bool:
    """Stop reading: all read, capacity filled, or reading more stopped adding items."""
    placed = len(plan.items)
    return found.not_read == 0 or placed >= wanted or placed == 0 or placed <= planned_before


def load_candidates(
    uow_factory: UowFactory, end: datetime, limit: int, user: str | None = None
) -> Candidates:
    """Booked states, and per status the `limit` earliest due before `end`, with contacts."""
    until = end - JUST_BEFORE
    with uow_factory() as uow:
        states = {s.contact_id: s for s in uow.states.booked(until)}
        for status in PLANNABLE:
            for state in uow.states.due(until, statuses=[status], limit=limit):
                states.setdefault(state.contact_id, state)
        counts = uow.states.count_due(until)
        contacts = uow.contacts.get_many(list(states))
    total = sum(counts.get(s, 0) for s in PLANNABLE)
    pairs = [
        (contacts[i], state)
        for i, state in states.items()
        if i in contacts and _works_on(user, contacts[i], state)
    ]
    return Candidates(pairs, max(0, total - len(states)))


def _works_on(user: str | None, contact: Contact, state: FollowUpState) -> bool:
    return user is None or in_plan_of(user, contact.owner, state.booked_for)


@dataclass(frozen=True)
class Why:
    contact: Contact
    state: FollowUpState
    explanation: Explanation
    at: datetime


def why(
    uow_factory: UowFactory,
    ref: str,
    at: datetime,
    default_region: str,
    policy: Policy | None = None,
    *,
    cadence_for: CadenceFor | None = None,
) -> Why:
    """The rule trace of a contact's next action as of `at`: what set it, moved it, refused it."""
    with uow_factory() as uow:
        contact = find_contact(uow, ref, default_region)
        return _why(uow, contact, at, policy, cadence_for)


def why_contact(
    uow_factory: UowFactory,
    contact_id: int,
    at: datetime,
    policy: Policy | None = None,
    *,
    cadence_for: CadenceFor | None = None,
) -> Why:
    """`why` for the contact with this id (NotFound when there is none)."""
    with uow_factory() as uow:
        return _why(uow, uow.contacts.get(contact_id), at, policy, cadence_for)


def _why(
    uow: UnitOfWork,
    contact: Contact,
    at: datetime,
    policy: Policy | None,
    cadence_for: CadenceFor | None,
) -> Why:
    """Without `policy`, the team's stored settings (R5, R14)."""
    assert contact.id is not None
    state = uow.states.get(contact.id)
    cadence = (cadence_for or stored_cadence_for(uow))(contact)
    explanation = explain_next(cadence, contact, state, policy or stored_policy(uow), utc(at))
    return Why(contact, state, explanation, utc(at))


def set_preferences(
    uow_factory: UowFactory,
    ref: str,
    windows: Sequence[PreferredWindow],
    default_region: str,
    *,
    cadence_for: CadenceFor | None = None,
) -> tuple[Contact, FollowUpState]:
    """Store the contact's stated windows (R4; empty clears them) and reassess its state."""
    with uow_factory() as uow:
        contact = find_contact(uow, ref, default_region)
        updated = replace(contact, preferred_windows=tuple(windows))
        uow.contacts.update(updated)
        state = _reassessed(uow, updated, cadence_for or stored_cadence_for(uow))
        uow.commit()
    return updated, state


def _reassessed(uow: UnitOfWork, contact: Contact, cadence_for: CadenceFor) -> FollowUpState:
    assert contact.id is not None
    state = reassess(uow.states.get(contact.id), contact, cadence_for(contact))
    uow.states.save(state)
    return state
