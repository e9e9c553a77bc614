"""Two concrete times to offer for a call (R9, R10), chosen from the contact's clock.

An email that sets a call proposes two slots. Both lie inside the contact's calling
window as the planner sees it — their stated preferences (R4) within the business
or personal hours of their zone (R5), never on a public holiday of their country
and subdivision, and inside the overlap of every zone an unconfirmed number may
ring in — and both are free in the user's calendar: no overlap with a busy span
(an appointment), widened by a buffer on each side. They start at least `lead`
after now, on a grid of the contact's wall clock (:00 and :30 by default), and lie
on two different days where the search range allows, the second in another part
of the day than the first (a morning and an afternoon), so one of them is likely
to suit.

Pure: "now" and the busy spans are passed in. Times are UTC; `ProposedSlot`
shows them in the contact's zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from ringback.domain.clock import Span, WindowProfile, day_windows, days_from, zone
from ringback.domain.guardrails import Intent, profile_for
from ringback.domain.model import Channel, Contact, utc
from ringback.domain.policy import Policy
from ringback.domain.trace import Decision, noted_by, refused_by, set_by

DEFAULT_DURATION = timedelta(minutes=15)
DEFAULT_LEAD = timedelta(hours=24)
DEFAULT_BUFFER = timedelta(minutes=15)
DEFAULT_STEP = timedelta(minutes=30)
# Two slots on the same day (only when no second day has room) keep this far apart.
SAME_DAY_GAP = timedelta(hours=2)


class DayPart(StrEnum):
    """Parts of the contact's day; the second slot prefers another part than the first."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"

    @classmethod
    def of(cls, wall: time) -> DayPart:
        if wall < time(12):
            return cls.MORNING
        return cls.AFTERNOON if wall < time(17) else cls.EVENING


# Within a part, the first free start at or after this hour reads best ("10:00",
# not the minute the window opens); earlier starts are taken when nothing later is free.
_SETTLED = {DayPart.MORNING: time(10), DayPart.AFTERNOON: time(14), DayPart.EVENING: time(18)}
_OTHER_PARTS = {
    DayPart.MORNING: (DayPart.AFTERNOON, DayPart.EVENING, DayPart.MORNING),
    DayPart.AFTERNOON: (DayPart.MORNING, DayPart.EVENING, DayPart.AFTERNOON),
    DayPart.EVENING: (DayPart.MORNING, DayPart.AFTERNOON, DayPart.EVENING),
}


@dataclass(frozen=True)
class ProposedSlot:
    """A call of [start, end) in UTC, shown in the contact's zone `timezone`."""

    start: datetime
    end: datetime
    timezone: str

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(zone(self.timezone))

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(zone(self.timezone))

    @property
    def day(self) -> date:
        return self.local_start.date()

    @property
    def part(self) -> DayPart:
        return DayPart.of(self.local_start.time())


@dataclass(frozen=True)
class SlotOptions:
    """How long the call is, how soon it may be, how much room around busy spans."""

    duration: timedelta = DEFAULT_DURATION
    lead: timedelta = DEFAULT_LEAD
    buffer: timedelta = DEFAULT_BUFFER
    step: timedelta = DEFAULT_STEP
    count: int = 2

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0) or self.step <= timedelta(0):
            raise ValueError("duration and step must be positive")
        if self.lead < timedelta(0) or self.buffer < timedelta(0):
            raise ValueError("lead and buffer must not be negative")
        if self.count < 1:
            raise ValueError("count must be at least 1")


DEFAULT_OPTIONS = SlotOptions()


@dataclass(frozen=True)
class SlotProposal:
    """The slots found (at most `options.count`, possibly none) and why, rule by rule."""

    slots: tuple[ProposedSlot, ...]
    timezone: str
    trace: tuple[Decision, ...]


@dataclass(frozen=True)
class _Day:
    day: date
    starts: tuple[datetime, ...]  # free starts, UTC, ascending


def propose_slots(
    contact: Contact,
    policy: Policy,
    busy: Iterable[Span],
    now: datetime,
    options: SlotOptions = DEFAULT_OPTIONS,
) -> SlotProposal:
    """Up to `options.count` call slots for `contact`, free of `busy` (R4, R5, R9)."""
    profile, notes = profile_for(contact, policy, Intent(Channel.CALL))
    not_before = utc(now) + options.lead
    until = not_before + timedelta(days=policy.search_days)
    blocked = _widen(busy, options.buffer)
    trace = list(notes)
    free_days: list[_Day] = []
    for found in _free_days(profile, blocked, not_before, until, options, trace):
        free_days.append(found)
        if len(free_days) >= options.count:
            break
    slots = _choose(free_days, profile.anchor, options)
    trace.extend(_outcome(profile, slots, options, not_before, until))
    return SlotProposal(slots, profile.anchor, tuple(dict.fromkeys(trace)))


def _widen(busy: Iterable[Span], buffer: timedelta) -> tuple[Span, ...]:
    return tuple(sorted(Span(utc(b.start) - buffer, utc(b.end) + buffer) for b in busy))


def _free_days(
    profile: WindowProfile,
    blocked: Sequence[Span],
    not_before: datetime,
    until: datetime,
    options: SlotOptions,
    trace: list[Decision],
) -> Iterator[_Day]:
    """Days (anchor-local) with at least one free start, in order; closed days noted."""
    for day in days_from(profile, not_before, until):
        windows = day_windows(profile, day)
        if windows.note is not None and not windows.spans:
            trace.append(windows.note)
        starts = [
            start
            for span in windows.spans
            for start in _grid(span, not_before, until, profile.anchor, options)
        ]
        free = tuple(s for s in starts if not _clashes(s, s + options.duration, blocked))
        if len(free) < len(starts):
            trace.append(_busy_note(options.buffer))
        if free:
            yield _Day(day, free)


def _grid(
    span: Span, not_before: datetime, until: datetime, anchor: str, options: SlotOptions
) -> Iterator[datetime]:
    """Starts in `span` on the local wall-clock grid whose whole call fits in the span."""
    start = _align(max(span.start, not_before), anchor, options.step)
    while start + options.duration <= span.end and start < until:
        yield start
        start += options.step


def _align(at: datetime, anchor: str, step: timedelta) -> datetime:
    """`at` moved forward to the next multiple of `step` on the local wall clock."""
    wall = at.astimezone(zone(anchor))
    since_midnight = wall - wall.replace(hour=0, minute=0, second=0, microsecond=0)
    remainder = since_midnight % step
    return at if not remainder else at + (step - remainder)


def _clashes(start: datetime, end: datetime, blocked: Sequence[Span]) -> bool:
    return any(b.start < end and start < b.end for b in blocked)


def _choose(days: Sequence[_Day], anchor: str, options: SlotOptions) -> tuple[ProposedSlot, ...]:
    """The first slot on the first free day; each next one on the next free day, in
    another part of the day where possible; same-day fallbacks kept well apart."""
    if not days:
        return ()
    first_start = days[0].starts[0]
    first = _slot(_settled(days[0].starts, (_part(first_start, anchor),), anchor), anchor, options)
    chosen = [first]
    for later in days[1:]:
        if len(chosen) >= options.count:
            break
        order = _OTHER_PARTS[chosen[-1].part]
        chosen.append(_slot(_settled(later.starts, order, anchor), anchor, options))
    if len(chosen) < options.count:
        chosen.extend(_same_day(days[-1], chosen, anchor, options))
    return tuple(sorted(chosen, key=lambda s: s.start))


def _same_day(
    day: _Day, chosen: list[ProposedSlot], anchor: str, options: SlotOptions
) -> list[ProposedSlot]:
    extra: list[ProposedSlot] = []
    for _ in range(options.count - len(chosen)):
        taken = [*chosen, *extra]
        apart = [s for s in day.starts if all(_far(s, t, options.duration) for t in taken)]
        if not apart:
            break
        order = _OTHER_PARTS[taken[-1].part]
        extra.append(_slot(_settled(tuple(apart), order, anchor), anchor, options))
    return extra


def _far(start: datetime, other: ProposedSlot, duration: timedelta) -> bool:
    return start >= other.end + SAME_DAY_GAP or start + duration + SAME_DAY_GAP <= other.start


def _part(at: datetime, anchor: str) -> DayPart:
    return DayPart.of(at.astimezone(zone(anchor)).time())


def _settled(starts: Sequence[datetime], parts: Sequence[DayPart], anchor: str) -> datetime:
    """In the first of `parts` that has a free start: the first at or after the part's
    settled hour, else its earliest. Any start at all when no part has one."""
    for part in parts:
        inside = [s for s in starts if _part(s, anchor) is part]
        if inside:
            settled = _SETTLED[part]
            late = (s for s in inside if s.astimezone(zone(anchor)).time() >= settled)
            return next(late, inside[0])
    return starts[0]


def _slot(start: datetime, anchor: str, options: SlotOptions) -> ProposedSlot:
    return ProposedSlot(start, start + options.duration, anchor)


def _busy_note(buffer: timedelta) -> Decision:
    minutes = int(buffer.total_seconds() // 60)
    return noted_by("R9", f"times that overlap your appointments (± {minutes} min) are left out")


def _outcome(
    profile: WindowProfile,
    slots: Sequence[ProposedSlot],
    options: SlotOptions,
    not_before: datetime,
    until: datetime,
) -> list[Decision]:
    days = (until - not_before).days
    where = f"({profile.anchor}, calling window {profile.hours})"
    if not slots:
        return [refused_by("R5", f"no free time in the {days} days searched {where}")]
    shown = " and ".join(_describe(s) for s in slots)
    decisions = [set_by("R9", f"proposed {shown} {where}")]
    if len(slots) < options.count:
        decisions.append(
            noted_by("R9", f"only {len(slots)} free time(s) in the {days} days searched")
        )
    elif len({s.day for s in slots}) < len(slots):
        decisions.append(noted_by("R9", "only one day had room, so both times are on it"))
    return decisions


def _describe(slot: ProposedSlot) -> str:
    moment = slot.local_start
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"
