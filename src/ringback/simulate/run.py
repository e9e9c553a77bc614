"""Play a population through the engine day by day, with a simulated clock.

Each day the domain planner (build_plan: cadence, guardrails, capacity, timing)
plans the day for everyone not yet reached; each planned touch then happens at its
suggested instant and the hidden behaviour of the person decides the outcome. The
state advances through the same function that logs a real touch (domain/state.py
`advance`). Every touch is checked again, independently, against the guardrails at
the instant it happened (guardrails.check): a refusal counts as a violation.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from ringback.domain.answer_rates import (
    AnswerRates,
    Cell,
    ContactEvidence,
    Tally,
    cell_of,
    contact_evidence,
    is_answered,
)
from ringback.domain.cadence import Action, VoicemailMode
from ringback.domain.clock import local, zone
from ringback.domain.guardrails import check
from ringback.domain.model import Channel, Direction, FollowUpState, Outcome, Touch
from ringback.domain.planner import build_plan
from ringback.domain.policy import Policy
from ringback.domain.state import advance
from ringback.domain.timing import LearnedTiming, TimingModel
from ringback.simulate.policies import SimPolicy
from ringback.simulate.population import Person, make_people
from ringback.simulate.spec import PopulationSpec

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
RESPONSES = frozenset({Outcome.CONNECTED, Outcome.CALLBACK_RECEIVED, Outcome.REPLIED})


@dataclass
class Result:
    """What one policy achieved; `reached_by_day[d]` counts contacts reached by day d's end."""

    policy: str
    population: int
    touches: int = 0
    connects: int = 0
    violations: int = 0
    first_connect_days: dict[int, float] = field(default_factory=dict)
    touches_to_reach: dict[int, int] = field(default_factory=dict)
    reached_by_day: list[int] = field(default_factory=list)
    violation_notes: list[str] = field(default_factory=list)

    @property
    def reached(self) -> int:
        return len(self.first_connect_days)

    def summary(self) -> dict[str, object]:
        reached = self.reached
        days = sorted(self.first_connect_days.values())
        return {
            "policy": self.policy,
            "contacts": self.population,
            "touches": self.touches,
            "connects": self.connects,
            "connects_per_touch": round(self.connects / self.touches, 4) if self.touches else 0.0,
            "share_reached": round(reached / self.population, 4) if self.population else 0.0,
            "median_days_to_first_connect": round(days[len(days) // 2], 2) if days else None,
            "touches_per_reached_contact": (
                round(sum(self.touches_to_reach.values()) / reached, 2) if reached else None
            ),
            "guardrail_violations": self.violations,
        }


def team_midnight(spec: PopulationSpec, day: int) -> datetime:
    """Midnight of the team's `day`-th day, in UTC: plans cover the team's days."""
    first = date.fromisoformat(spec.start) + timedelta(days=day)
    return datetime.combine(first, time(0), zone(spec.team_timezone)).astimezone(UTC)


@dataclass
class _Pending:
    at: datetime
    person: Person
    touch: Touch


class _Run:
    def __init__(self, spec: PopulationSpec, policy: SimPolicy, seed: int, rules: Policy) -> None:
        self.spec, self.policy, self.rules = spec, policy, rules
        self.world = random.Random(seed)  # the people's behaviour
        self.people = make_people(spec, random.Random(seed))
        self.draws = random.Random(seed + 1)  # the planner's Thompson draws
        self.states = {p.contact.id or 0: FollowUpState(p.contact.id or 0) for p in self.people}
        self.start = team_midnight(spec, 0)
        for state in self.states.values():
            state.next_due_at = self.start
        self.result = Result(policy.name, len(self.people))
        self.counts: dict[Cell, Tally] = {}
        self.calls: dict[int, list[Touch]] = {}
        self.evidence: dict[int, ContactEvidence] = {}
        self.pending: list[_Pending] = []
        self.attempts: dict[int, int] = {}

    def day(self, number: int) -> None:
        start = team_midnight(self.spec, number)
        self._deliver(until=start)
        active = [
            (p.contact, self.states[p.contact.id or 0]) for p in self.people if self._active(p)
        ]
        by_id = {p.contact.id: p for p in self.people}
        plan = build_plan(
            active,
            lambda _: self.policy.cadence,
            self.rules,
            start,
            start + DAY,
            self.spec.capacity,
            self._timing(),
        )
        for item in plan.items:
            self._perform(by_id[item.contact_id], item.action)
        self._deliver(until=start + DAY)
        self.result.reached_by_day.append(self.result.reached)

    def _active(self, person: Person) -> bool:
        contact_id = person.contact.id or 0
        if contact_id in self.result.first_connect_days:
            return False
        limit = self.policy.give_up_after
        return limit is None or self.attempts.get(contact_id, 0) < limit

    def _timing(self) -> TimingModel | None:
        if not self.policy.learns:
            return self.policy.timing()
        rates = AnswerRates(self.counts)
        if not rates.has_evidence:
            return None
        return LearnedTiming(rates, self.draws, self.evidence)

    def _perform(self, person: Person, action: Action) -> None:
        contact_id = person.contact.id or 0
        state = self.states[contact_id]
        at = action.suggested_at
        verdict = check(action.intent, person.contact, state, self.rules, at)
        if not verdict.allowed:
            self.result.violations += 1
            self.result.violation_notes.append(
                f"{contact_id} {at}: {verdict.rule} {verdict.message}"
            )
        touch = Touch(contact_id, action.channel, self._outcome(person, action), at)
        self.result.touches += 1
        self.attempts[contact_id] = self.attempts.get(contact_id, 0) + 1
        self._log(person, touch)

    def _outcome(self, person: Person, action: Action) -> Outcome:
        wall = local(action.suggested_at, person.contact.timezone)
        if action.channel is Channel.CALL:
            if self.world.random() < person.answer_chance(wall.weekday(), wall.hour):
                return Outcome.CONNECTED
            if action.on_voicemail is VoicemailMode.LEAVE:
                self._maybe_call_back(person, action.suggested_at)
                return Outcome.VOICEMAIL_LEFT
            return Outcome.VOICEMAIL_SKIPPED if self.world.random() < 0.5 else Outcome.NO_ANSWER
        if action.channel is Channel.EMAIL:
            rate = person.segment.email_reply * (2 if person.contact.email_first else 1)
            self._maybe_reply(person, action.suggested_at, rate, Channel.EMAIL, hours=(1, 30))
            return Outcome.SENT
        if action.channel is Channel.LETTER:
            rate = person.segment.letter_reply
            self._maybe_reply(person, action.suggested_at, rate, Channel.LETTER, hours=(96, 240))
            return Outcome.MAILED
        return Outcome.SENT

    def _maybe_call_back(self, person: Person, at: datetime) -> None:
        segment = person.segment
        if self.world.random() < segment.voicemail_listen * segment.callback:
            when = at + self.world.uniform(0.5, 30) * HOUR
            touch = Touch(
                person.contact.id or 0,
                Channel.CALL,
                Outcome.CALLBACK_RECEIVED,
                when,
                Direction.INBOUND,
            )
            self.pending.append(_Pending(when, person, touch))

    def _maybe_reply(
        self,
        person: Person,
        at: datetime,
        rate: float,
        channel: Channel,
        hours: tuple[float, float],
    ) -> None:
        if self.world.random() < rate:
            when = at + self.world.uniform(*hours) * HOUR
            touch = Touch(person.contact.id or 0, channel, Outcome.REPLIED, when, Direction.INBOUND)
            self.pending.append(_Pending(when, person, touch))

    def _deliver(self, until: datetime) -> None:
        due = sorted((p for p in self.pending if p.at < until), key=lambda p: p.at)
        self.pending = [p for p in self.pending if p.at >= until]
        for event in due:
            if (event.person.contact.id or 0) not in self.result.first_connect_days:
                self._log(event.person, event.touch)

    def _log(self, person: Person, touch: Touch) -> None:
        contact_id = touch.contact_id
        self.states[contact_id] = advance(
            self.states[contact_id], touch, self.policy.cadence, contact=person.contact
        )
        if touch.outcome in RESPONSES:
            self.result.connects += 1
            days = (touch.at - self.start) / DAY
            self.result.first_connect_days.setdefault(contact_id, days)
            self.result.touches_to_reach.setdefault(contact_id, self.attempts.get(contact_id, 0))
        answered = is_answered(touch)
        if answered is None or not self.policy.learns:
            return
        cell = cell_of(touch.at, person.contact.timezone, person.contact.segment)
        self.counts[cell] = self.counts.get(cell, Tally()) + Tally(int(answered), 1)
        own = self.calls.setdefault(contact_id, [])
        own.append(touch)
        self.evidence[contact_id] = contact_evidence(own, person.contact.timezone)


def simulate(
    spec: PopulationSpec,
    policies: Sequence[SimPolicy],
    days: int,
    seed: int = 1,
    on_day: Callable[[str, int], None] | None = None,
    rules: Policy | None = None,
) -> list[Result]:
    """Run every policy on the same population (same seed) for `days` days."""
    rules = rules or Policy(daily_capacity=spec.capacity)
    results = []
    for policy in policies:
        run = _Run(spec, policy, seed, rules)
        for number in range(days):
            run.day(number)
            if on_day is not None:
                on_day(policy.name, number + 1)
        results.append(run.result)
    return results
