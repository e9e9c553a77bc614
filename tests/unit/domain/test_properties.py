"""Property tests: whatever the history, zone, policy and day, no planned item breaks a guardrail.

For random contacts (New York, Berlin, Bengaluru, Sydney, an unconfirmed two-zone
number), random histories of touches, random policies and plan days that include
DST changes in America/New_York, Europe/Berlin and Australia/Sydney and public
holidays, every planned item is checked against an independent oracle written
from PRODUCT.md: inside the local calling window (R4, R5), never outside
08:00–21:00 local, not on a public holiday (R5), never after do-not-contact (R12),
never over a cap (R14).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ringback.domain.cadence import DEFAULT_CADENCE, Action, Tier, VoicemailMode
from ringback.domain.hours import HARD_BOUND, WeeklyHours, from_preferences
from ringback.domain.model import (
    Channel,
    Contact,
    Direction,
    NextStepKind,
    Outcome,
    PreferredWindow,
    Touch,
    Weekday,
)
from ringback.domain.planner import build_plan
from ringback.domain.policy import Policy
from tests.unit.domain.personas import alice, bernd, coastal, fresh, history, priya

HOUR = timedelta(hours=1)
SPECIAL_DAYS = [
    date(2026, 3, 6),  # Friday before the US spring-forward
    date(2026, 3, 8),  # US spring forward
    date(2026, 3, 9),
    date(2026, 3, 27),  # Friday before the EU spring-forward
    date(2026, 3, 29),  # EU spring forward
    date(2026, 4, 3),  # Good Friday (DE, AU), Sydney DST ends on the 5th
    date(2026, 10, 2),  # Sydney spring forward on the 4th
    date(2026, 10, 23),  # EU fall back on the 25th
    date(2026, 10, 30),  # US fall back on 1 Nov
    date(2026, 11, 26),  # Thanksgiving
    date(2026, 1, 5),  # Epiphany in Bavaria on the 6th
    date(2026, 1, 26),  # Republic Day (IN), Australia Day (AU)
    date(2026, 12, 24),
]
CALL_OUTCOMES = [
    Outcome.NO_ANSWER,
    Outcome.BUSY,
    Outcome.VOICEMAIL_LEFT,
    Outcome.VOICEMAIL_SKIPPED,
    Outcome.WRONG_NUMBER,
    Outcome.DISCONNECTED,
    Outcome.CONNECTED,
    Outcome.CALLBACK_RECEIVED,
    Outcome.CALL_LATER,
    Outcome.MEETING_BOOKED,
    Outcome.NOT_INTERESTED,
    Outcome.DO_NOT_CONTACT,
]
COMMON = [Outcome.NO_ANSWER, Outcome.VOICEMAIL_LEFT, Outcome.VOICEMAIL_SKIPPED, Outcome.BUSY]
COMBOS = [(Channel.CALL, o) for o in CALL_OUTCOMES + COMMON * 3] + [
    (Channel.EMAIL, Outcome.SENT),
    (Channel.EMAIL, Outcome.BOUNCED),
    (Channel.EMAIL, Outcome.REPLIED),
    (Channel.LETTER, Outcome.MAILED),
    (Channel.SMS, Outcome.SENT),
]
INBOUND = frozenset({Outcome.CALLBACK_RECEIVED, Outcome.REPLIED, Outcome.INBOUND_EMAIL})
NOT_A_TOUCH = INBOUND | {Outcome.BOUNCED}


def sydney(**changes: object) -> Contact:
    contact = bernd(
        full_name="Sam Lee",
        first_name="Sam",
        country="AU",
        subdivision="NSW",
        timezone="Australia/Sydney",
        timezone_candidates=("Australia/Sydney",),
        id=6,
    )
    return replace(contact, **changes)  # type: ignore[arg-type]


PERSONAS = [alice, bernd, priya, coastal, sydney]


@st.composite
def preferred_windows(draw: st.DrawFn) -> tuple[PreferredWindow, ...]:
    count = draw(st.integers(0, 2))
    windows = []
    for _ in range(count):
        days = draw(st.lists(st.sampled_from(list(Weekday)), min_size=1, max_size=3, unique=True))
        start = draw(st.integers(6, 20))
        length = draw(st.integers(1, 6))
        windows.append(PreferredWindow(tuple(days), time(start), time(min(23, start + length))))
    return tuple(windows)


@st.composite
def contacts(draw: st.DrawFn, number: int) -> Contact:
    base = draw(st.sampled_from(PERSONAS))()
    return replace(
        base,
        id=number,
        personal=draw(st.booleans()),
        email_first=draw(st.booleans()) and base.email_first,
        email=base.email if draw(st.booleans()) else None,
        address=base.address if draw(st.booleans()) else None,
        preferred_windows=draw(preferred_windows()),
    )


@st.composite
def policies(draw: st.DrawFn, tight: bool = False) -> Policy:
    wide = draw(st.booleans())
    hours = WeeklyHours.every(range(7), time(6), time(23)) if wide else Policy().business_hours
    return Policy(
        business_hours=hours,
        max_calls_per_week=draw(st.integers(1, 3 if tight else 7)),
        max_touches_per_week=draw(st.integers(1, 4 if tight else 10)),
        voicemail_gap=timedelta(days=draw(st.integers(1, 5))),
        collections=draw(st.booleans()),
        search_days=14,
    )


@st.composite
def touches(
    draw: st.DrawFn,
    contact: Contact,
    start: datetime,
    days_back: int = 30,
    combos: list[tuple[Channel, Outcome]] = COMBOS,
) -> list[Touch]:
    assert contact.id is not None
    raw = draw(
        st.lists(
            st.tuples(
                st.integers(1, 24 * days_back), st.sampled_from(combos), st.integers(-48, 96)
            ),
            max_size=12,
        )
    )
    result = []
    for hours_before, (channel, outcome), next_offset in sorted(raw, key=lambda r: -r[0]):
        at = start - hours_before * HOUR
        direction = Direction.INBOUND if outcome in INBOUND else Direction.OUTBOUND
        next_at, kind = _next_step(outcome, at, start + next_offset * HOUR)
        result.append(
            Touch(contact.id, channel, outcome, at, direction, next_at=next_at, next_kind=kind)
        )
    return result


def _next_step(
    outcome: Outcome, at: datetime, wanted: datetime
) -> tuple[datetime | None, NextStepKind | None]:
    later = max(wanted, at + HOUR)
    if outcome is Outcome.CALL_LATER:
        return later, NextStepKind.CALL_BACK
    if outcome is Outcome.MEETING_BOOKED:
        return later, NextStepKind.APPOINTMENT
    if outcome is Outcome.CONNECTED:
        return None, NextStepKind.NONE
    return None, None


@dataclass
class Case:
    contact: Contact
    touches: list[Touch]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Case], Policy, datetime, int]:
    day = draw(st.sampled_from(SPECIAL_DAYS))
    start = datetime.combine(day, time(0), UTC) + draw(st.integers(0, 47)) * HOUR
    cases = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        contact = draw(contacts(number))
        cases.append(Case(contact, draw(touches(contact, start))))
    return cases, draw(policies()), start, draw(st.integers(1, 3))


@st.composite
def dense_scenarios(draw: st.DrawFn) -> tuple[list[Case], Policy, datetime, int]:
    """R14: many recent touches (wrong numbers make the next one due at once), tight caps."""
    start = (
        datetime.combine(draw(st.sampled_from(SPECIAL_DAYS)), time(0), UTC)
        + draw(st.integers(0, 47)) * HOUR
    )
    contact = draw(contacts(1))
    recent = draw(touches(contact, start, days_back=7, combos=DENSE))
    return [Case(contact, recent)], draw(policies(tight=True)), start, draw(st.integers(1, 3))


DENSE = [
    (Channel.CALL, Outcome.NO_ANSWER),
    (Channel.CALL, Outcome.VOICEMAIL_LEFT),
    (Channel.CALL, Outcome.WRONG_NUMBER),
    (Channel.CALL, Outcome.CALL_LATER),
    (Channel.CALL, Outcome.CONNECTED),
    (Channel.EMAIL, Outcome.SENT),
    (Channel.SMS, Outcome.SENT),
]
HOLIDAYS = [
    (alice, date(2026, 11, 26)),
    (alice, date(2026, 12, 25)),
    (coastal, date(2026, 7, 3)),
    (bernd, date(2026, 1, 6)),
    (bernd, date(2026, 4, 3)),
    (priya, date(2026, 1, 26)),
    (sydney, date(2026, 1, 26)),
    (sydney, date(2026, 4, 6)),
]


@st.composite
def holiday_scenarios(draw: st.DrawFn) -> tuple[list[Case], Policy, datetime, int]:
    """R5: a contact due on (or just before) a public holiday of their country."""
    persona, holiday = draw(st.sampled_from(HOLIDAYS))
    contact = _as(persona(), draw(contacts(1)))
    start = datetime.combine(holiday, time(0), UTC) + draw(st.integers(-30, 20)) * HOUR
    return [Case(contact, [])], draw(policies()), start, draw(st.integers(1, 2))


def _as(persona: Contact, drawn: Contact) -> Contact:
    """`drawn`'s random traits on `persona`'s number, zone and country."""
    return replace(
        drawn,
        country=persona.country,
        subdivision=persona.subdivision,
        timezone=persona.timezone,
        timezone_candidates=persona.timezone_candidates,
        phones=persona.phones,
        email_first=persona.email_first,
    )


EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@EXAMPLES
@given(scenarios())
def test_no_planned_item_ever_breaks_a_guardrail(
    scenario: tuple[list[Case], Policy, datetime, int],
) -> None:
    _assert_plan_keeps_every_guardrail(*scenario)


@EXAMPLES
@given(dense_scenarios())
def test_r14_no_planned_item_goes_over_a_cap_even_after_a_busy_week(
    scenario: tuple[list[Case], Policy, datetime, int],
) -> None:
    _assert_plan_keeps_every_guardrail(*scenario)


@EXAMPLES
@given(holiday_scenarios())
def test_r5_no_planned_item_falls_on_a_public_holiday(
    scenario: tuple[list[Case], Policy, datetime, int],
) -> None:
    _assert_plan_keeps_every_guardrail(*scenario)


def _assert_plan_keeps_every_guardrail(
    cases: list[Case], policy: Policy, start: datetime, days: int
) -> None:
    items = [
        (c.contact, history(c.contact, c.touches, state=fresh(c.contact, start - 24 * 40 * HOUR)))
        for c in cases
    ]
    plan = build_plan(items, lambda _: DEFAULT_CADENCE, policy, start, start + days * 24 * HOUR)
    by_id = {c.contact.id: c for c in cases}
    for item in plan.items:
        case = by_id[item.contact_id]
        action = item.action
        assert start <= action.window_start <= action.suggested_at < action.window_end
        _assert_not_after_do_not_contact(case)
        _assert_inside_local_windows(case.contact, policy, action)
        _assert_under_caps(case.touches, policy, action)


def _assert_not_after_do_not_contact(case: Case) -> None:
    assert all(t.outcome is not Outcome.DO_NOT_CONTACT for t in case.touches), "R12"


def _zones(contact: Contact, action: Action) -> list[str]:
    ringing = action.channel in (Channel.CALL, Channel.SMS, Channel.VOICEMAIL)
    if ringing and contact.timezone_ambiguous:
        return list(contact.timezone_candidates)
    return [contact.timezone]


def _assert_inside_local_windows(contact: Contact, policy: Policy, action: Action) -> None:
    requested = action.tier in (Tier.APPOINTMENT, Tier.PROMISED)
    for zone_name in _zones(contact, action):
        moment = action.suggested_at.astimezone(ZoneInfo(zone_name))
        assert time(8) <= moment.time() < time(21), f"R5 hard bound in {zone_name}: {moment}"
        if not requested:
            assert _allowed_hours(contact, policy).contains(moment.weekday(), moment.time()), (
                f"R4/R5 {moment}"
            )
            assert not _is_holiday(contact, moment.date()), f"R5 holiday {moment.date()}"


def _allowed_hours(contact: Contact, policy: Policy) -> WeeklyHours:
    base = policy.personal_hours if contact.personal else policy.business_hours
    legal = base.intersect(HARD_BOUND)
    narrowed = legal.intersect(from_preferences(contact.preferred_windows))
    return legal if narrowed.is_empty else narrowed


def _is_holiday(contact: Contact, day: date) -> bool:
    assert contact.country is not None
    try:
        calendar = holidays.country_holidays(
            contact.country, subdiv=contact.subdivision, years=day.year
        )
    except NotImplementedError:
        calendar = holidays.country_holidays(contact.country, years=day.year)
    return day in calendar


def _assert_under_caps(history_touches: list[Touch], policy: Policy, action: Action) -> None:
    at = action.suggested_at
    ours = [
        t
        for t in history_touches
        if t.outcome not in NOT_A_TOUCH and t.direction is Direction.OUTBOUND
    ]
    week = [t for t in ours if at - timedelta(days=7) < t.at <= at]
    assert len(week) < policy.max_touches_per_week, "R14 weekly cap"
    if action.channel is Channel.CALL:
        calls = [t for t in week if t.channel in (Channel.CALL, Channel.VOICEMAIL)]
        assert len(calls) < policy.max_calls_per_week, "R14 call cap"
        _assert_collections_quiet(history_touches, policy, action)
    if action.on_voicemail is VoicemailMode.LEAVE:
        left = [t.at for t in ours if t.outcome is Outcome.VOICEMAIL_LEFT]
        assert all(abs(at - v) >= policy.voicemail_gap for v in left), "R14 voicemail gap"


def _assert_collections_quiet(history_touches: list[Touch], policy: Policy, action: Action) -> None:
    if not policy.collections or action.tier in (Tier.APPOINTMENT, Tier.PROMISED):
        return
    spoken = {
        Outcome.CONNECTED,
        Outcome.CALLBACK_RECEIVED,
        Outcome.CALL_LATER,
        Outcome.MEETING_BOOKED,
        Outcome.NOT_INTERESTED,
    }
    talks = [t.at for t in history_touches if t.outcome in spoken]
    assert all(action.suggested_at >= t + policy.collections_quiet for t in talks), (
        "R14 collections"
    )
