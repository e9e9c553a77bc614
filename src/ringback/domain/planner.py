"""A day's plan from many contacts' next actions (R14 capacity, R18 order).

Order of the day (R18): appointments due → promised call-backs → warm leads due →
cadence steps due (by score) → cold recycles. The plan holds at most `capacity`
items per day of the range (R14, per user); whatever does not fit, or that a
guardrail keeps out of the range, is reported in `deferred` with the rule and the
reason, and rolls forward to the next plan — nothing is dropped silently.

Cheap first, exact second: every item is ranked from its state alone (O(1) each,
`next_due`), and the full next action with its window is computed only for items
in rank order until the capacity is used up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import NamedTuple

from ringback.domain.cadence import (
    Action,
    Cadence,
    Due,
    Explanation,
    Tier,
    explain_next,
    next_due,
)
from ringback.domain.clock import Span
from ringback.domain.errors import InvalidField
from ringback.domain.model import Channel, Contact, FollowUpState, utc
from ringback.domain.policy import Policy
from ringback.domain.timing import ExplainsSlots, SpreadTiming, TimingModel, candidate_slots
from ringback.domain.trace import Decision, Effect, last_refusal

DAY = timedelta(days=1)
LOAD_STEP = timedelta(minutes=15)
LOAD_PENALTY = 0.4
FIXED_TIME_TIERS = frozenset({Tier.APPOINTMENT, Tier.PROMISED})
NOT_RANKED = "due, ranked below the work examined for this plan; rolls forward to the next plan"
STOPPED_BY = {"R11": "R11: missed (no working number or email)", "R12": "R12: do not contact"}
# Ranking hook (R11 lead score): within a tier, a higher value is worked first.
LeadRanker = Callable[[Contact, FollowUpState], float]


@dataclass(frozen=True)
class PlanItem:
    """One planned action; `action.suggested_at` is spread across the window."""

    contact_id: int | None
    name: str
    action: Action
    score: float
    overdue: bool
    lead_score: float | None = None  # R11: orders items within their tier (R18)

    def as_dict(self) -> dict[str, object]:
        """The public JSON shape of a plan item (ISO 8601 UTC instants)."""
        a = self.action
        return {
            "contact_id": self.contact_id,
            "name": self.name,
            "channel": str(a.channel),
            "window_start": a.window_start.isoformat(),
            "window_end": a.window_end.isoformat(),
            "suggested_at": a.suggested_at.isoformat(),
            "timezone": a.timezone,
            "attempt": a.attempt,
            "tier": str(a.tier),
            "on_voicemail": str(a.on_voicemail) if a.on_voicemail is not None else None,
            "template": a.template,
            "reason": a.reason,
            "rules": list(a.rules),
        }


@dataclass(frozen=True)
class Deferral:
    """Work that is due but not in this plan, with the rule and reason."""

    contact_id: int | None
    name: str
    rule: str
    reason: str
    due_at: datetime | None
    next_at: datetime | None = None


@dataclass(frozen=True)
class Plan:
    start: datetime
    end: datetime
    capacity: int
    items: tuple[PlanItem, ...]
    deferred: tuple[Deferral, ...] = ()
    stopped: dict[str, int] = field(default_factory=dict)
    not_ranked: int = 0  # due work a storage preselection left out (R18), rolls forward

    @property
    def deferred_counts(self) -> dict[str, int]:
        """How many items were deferred, by rule and reason (R18: never silently)."""
        counts = Counter(f"{d.rule}: {d.reason}" for d in self.deferred)
        if self.not_ranked:
            counts[f"R18: {NOT_RANKED}"] += self.not_ranked
        return dict(counts)


class _Candidate(NamedTuple):
    rank: tuple[int, float, datetime, int]
    contact: Contact
    state: FollowUpState
    cadence: Cadence
    due: Due
    lead: float | None


def build_plan(
    items: Iterable[tuple[Contact, FollowUpState]],
    cadence_for: Callable[[Contact], Cadence],
    policy: Policy,
    start: datetime,
    end: datetime,
    capacity: int | None = None,
    timing: TimingModel | None = None,
    lead: LeadRanker | None = None,
) -> Plan:
    """The ordered plan for [start, end) from (contact, state) pairs (R14, R18).

    `capacity` (default `policy.daily_capacity`) applies to each 24 hours from `start`;
    pass `start` at the user's local midnight so the days are theirs. `lead` (the R11
    lead score) orders contacts within the warm, cadence and cold tiers.
    """
    start, end = utc(start), utc(end)
    builder = _Builder(
        policy, start, end, capacity or policy.daily_capacity, timing or SpreadTiming()
    )
    candidates, stopped = _rank(items, cadence_for, end, lead)
    for candidate in sorted(candidates, key=lambda c: c.rank):
        builder.place(candidate)
    return builder.plan(stopped)


def _rank(
    items: Iterable[tuple[Contact, FollowUpState]],
    cadence_for: Callable[[Contact], Cadence],
    end: datetime,
    lead: LeadRanker | None = None,
) -> tuple[list[_Candidate], dict[str, int]]:
    """Cheap O(1) ranking of every item by R18 tier and due time; stopped ones counted."""
    candidates: list[_Candidate] = []
    stopped: Counter[str] = Counter()
    for contact, state in items:
        cadence = cadence_for(contact)
        due = next_due(state, cadence, created_at=contact.created_at)
        if due is None:
            stopped[STOPPED_BY["R12"]] += 1
        elif due.at < end:
            score = _lead(lead, contact, state, due)
            rank = (due.tier.rank, -(score or 0.0), due.at, contact.id or 0)
            candidates.append(_Candidate(rank, contact, state, cadence, due, score))
    return candidates, dict(stopped)


def _lead(
    lead: LeadRanker | None, contact: Contact, state: FollowUpState, due: Due
) -> float | None:
    """The lead score, for tiers ordered by it (fixed-time tiers keep their time order)."""
    if lead is None or due.tier in FIXED_TIME_TIERS:
        return None
    return lead(contact, state)


class _Builder:
    """Places candidates day by day within capacity, spreading suggested times."""

    def __init__(
        self, policy: Policy, start: datetime, end: datetime, capacity: int, timing: TimingModel
    ) -> None:
        self.policy, self.start, self.end = policy, start, end
        self.capacity, self.timing = capacity, timing
        self.days = max(1, -(-(end - start) // DAY))
        self.used: Counter[int] = Counter()
        self.load: Counter[datetime] = Counter()
        self.items: list[PlanItem] = []
        self.deferred: list[Deferral] = []
        self.stopped: Counter[str] = Counter()

    def place(self, candidate: _Candidate) -> None:
        """Plan `candidate` on the first day with room, or say why it is not planned."""
        if sum(self.used.values()) >= self.capacity * self.days:
            self._defer(candidate, "R14", self._full)
            return
        try:
            self._place_on_a_day(candidate)
        except InvalidField as bad:
            self._defer(candidate, "R5", f"cannot plan: {bad}")

    @property
    def _full(self) -> str:
        return f"daily capacity of {self.capacity} reached; rolls forward to the next plan"

    def _place_on_a_day(self, candidate: _Candidate) -> None:
        moment = self.start
        for _ in range(self.days):
            explained = self._explain(candidate, moment)
            action = explained.action
            if action is None:
                self._refused(candidate, explained.trace)
                return
            if action.window_start >= self.end:
                self._defer_action(candidate, action)
                return
            day = self._day_of(action.window_start)
            if self.used[day] < self.capacity:
                self._accept(candidate, action, day)
                return
            moment = self.start + (day + 1) * DAY
        self._defer(candidate, "R14", self._full)

    def _explain(self, candidate: _Candidate, moment: datetime) -> Explanation:
        return explain_next(
            candidate.cadence,
            candidate.contact,
            candidate.state,
            self.policy,
            moment,
            timing=self.timing,
        )

    def _day_of(self, at: datetime) -> int:
        return min(self.days - 1, max(0, (at - self.start) // DAY))

    def _accept(self, candidate: _Candidate, action: Action, day: int) -> None:
        window = self._clip(action, day)
        suggested, score = self._spread(candidate, action, window)
        self.used[day] += 1
        self.load[_bucket(suggested)] += 1
        planned = replace(
            action,
            window_start=window.start,
            window_end=window.end,
            suggested_at=suggested,
            reason=self._reason(candidate, action, suggested),
        )
        overdue = action.due_at < self.start
        self.items.append(
            PlanItem(
                candidate.contact.id,
                candidate.contact.full_name,
                planned,
                score,
                overdue,
                candidate.lead,
            )
        )

    def _reason(self, candidate: _Candidate, action: Action, suggested: datetime) -> str:
        """The why text, with the chosen slot's estimated answer rate when learned (R16)."""
        if action.tier in FIXED_TIME_TIERS or action.channel is not Channel.CALL:
            return action.reason
        if not isinstance(self.timing, ExplainsSlots):
            return action.reason
        note = self.timing.slot_note(candidate.contact, candidate.state, suggested)
        return f"{action.reason} {note}"

    def _clip(self, action: Action, day: int) -> Span:
        day_end = min(self.end, self.start + (day + 1) * DAY)
        return Span(action.window_start, min(action.window_end, day_end))

    def _spread(
        self, candidate: _Candidate, action: Action, window: Span
    ) -> tuple[datetime, float]:
        """The best slot for this contact, less a penalty for slots already busy."""
        if action.tier in FIXED_TIME_TIERS:
            return window.start, 1.0
        slots = candidate_slots(window)
        scores = self.timing.score_slots(candidate.contact, candidate.state, slots)
        adjusted = [
            s - LOAD_PENALTY * self.load[_bucket(t)] for s, t in zip(scores, slots, strict=True)
        ]
        best = max(range(len(slots)), key=lambda i: (adjusted[i], -i))
        return slots[best], scores[best]

    def _refused(self, candidate: _Candidate, trace: Iterable[Decision]) -> None:
        refusal = last_refusal(trace)
        if refusal is None:
            self._defer(candidate, "R18", "no action could be planned")
        elif refusal.rule in STOPPED_BY:
            self.stopped[STOPPED_BY[refusal.rule]] += 1
        else:
            self._defer(candidate, refusal.rule, refusal.message)

    def _defer_action(self, candidate: _Candidate, action: Action) -> None:
        rule, reason = _why_later(action)
        self._defer(candidate, rule, reason, next_at=action.window_start)

    def _defer(
        self, candidate: _Candidate, rule: str, reason: str, next_at: datetime | None = None
    ) -> None:
        contact = candidate.contact
        self.deferred.append(
            Deferral(contact.id, contact.full_name, rule, reason, candidate.due.at, next_at)
        )

    def plan(self, stopped: dict[str, int]) -> Plan:
        merged = Counter(stopped) + self.stopped
        ordered = tuple(sorted(self.items, key=_order))
        return Plan(
            self.start, self.end, self.capacity, ordered, tuple(self.deferred), dict(merged)
        )


def _why_later(action: Action) -> tuple[str, str]:
    """The guardrail that pushed an action past the plan: the last move, else R17."""
    moved = [d for d in action.trace if d.effect is Effect.MOVED]
    if moved:
        return moved[-1].rule, moved[-1].message
    weekday = [d for d in action.trace if d.rule == "R17"]
    if weekday:
        return "R17", weekday[-1].message
    return "R5", "the next allowed window opens after this plan"


def _bucket(at: datetime) -> datetime:
    return at - timedelta(minutes=at.minute % 15, seconds=at.second, microseconds=at.microsecond)


def _order(item: PlanItem) -> tuple[int, float, float, datetime]:
    """R18: tier first; fixed-time tiers by time, warm and cold by due, cadence by score.

    Within the warm, cadence and cold tiers the R11 lead score comes first, if any.
    """
    action = item.action
    lead = -(item.lead_score or 0.0)
    if action.tier in FIXED_TIME_TIERS:
        return (action.tier.rank, 0.0, 0.0, action.suggested_at)
    if action.tier is Tier.CADENCE:
        return (action.tier.rank, lead, -item.score, action.due_at)
    return (action.tier.rank, lead, 0.0, action.due_at)
