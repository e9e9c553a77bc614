"""The team's settings on in-memory fakes: stored policy and region (R5, R14), and the
one-line weekly hours of the Settings page."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from ringback.domain.access import Actor, Role
from ringback.domain.errors import InvalidField, NotPermitted
from ringback.domain.hours import BUSINESS_HOURS, PERSONAL_HOURS, DayRange, WeeklyHours
from ringback.domain.model import Contact
from ringback.domain.parsing import hours_text, parse_hours_text
from ringback.domain.phone import parse_phone
from ringback.domain.policy import DEFAULT_POLICY, Policy, policy_from_dict, policy_to_dict
from ringback.services.contacts import add_contact
from ringback.services.plan import plan_range
from ringback.services.team_settings import load_team_settings, save_team_settings
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # Tuesday, 10:00 in New York
OLIVIA = Actor("olivia", Role.OWNER)
RITA = Actor("rita", Role.REP)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def test_nothing_stored_means_the_product_defaults(uow: FakeUnitOfWork) -> None:
    settings = load_team_settings(lambda: uow)
    assert settings.policy == DEFAULT_POLICY
    assert settings.region("US") == "US"


def test_an_owner_saves_the_policy_and_region_and_they_read_back(uow: FakeUnitOfWork) -> None:
    data = policy_to_dict(Policy(daily_capacity=12, voicemail_gap=timedelta(days=4)))

    save_team_settings(lambda: uow, OLIVIA, data, "gb", NOW)

    settings = load_team_settings(lambda: uow)
    assert settings.policy.daily_capacity == 12
    assert settings.policy.voicemail_gap == timedelta(days=4)
    assert settings.region("US") == "GB"


def test_a_rep_may_not_change_the_settings(uow: FakeUnitOfWork) -> None:
    with pytest.raises(NotPermitted):
        save_team_settings(lambda: uow, RITA, {}, None, NOW)


@pytest.mark.parametrize(
    ("data", "region", "field"),
    [
        ({"daily_capacity": 0}, None, "daily_capacity"),
        ({"coffee_breaks": 3}, None, "coffee_breaks"),
        ({}, "Narnia", "default_region"),
    ],
)
def test_a_bad_setting_is_refused_and_nothing_is_stored(
    uow: FakeUnitOfWork, data: dict[str, object], region: str | None, field: str
) -> None:
    with pytest.raises(InvalidField) as refused:
        save_team_settings(lambda: uow, OLIVIA, data, region, NOW)
    assert refused.value.field == field
    assert load_team_settings(lambda: uow).policy == DEFAULT_POLICY


def test_the_plan_follows_the_stored_capacity_r14(uow: FakeUnitOfWork) -> None:
    for index in range(4):
        phone = parse_phone(f"+1 212 555 01{index:02d}", "US")
        person = Contact(f"Person {index}", "Person", phones=(phone,), timezone="America/New_York")
        add_contact(lambda: uow, person, NOW - timedelta(days=1))
    save_team_settings(lambda: uow, OLIVIA, {"daily_capacity": 3}, None, NOW)

    day = datetime(2026, 3, 3, tzinfo=UTC)
    plan = plan_range(lambda: uow, day, day + timedelta(days=1))

    assert plan.capacity == 3 and len(plan.items) == 3


def test_the_policy_survives_a_round_trip_through_plain_data() -> None:
    policy = Policy(
        business_hours=WeeklyHours.every(range(4), time(8, 30), time(16)),
        skip_holidays=False,
        collections=True,
        daily_capacity=80,
    )
    assert policy_from_dict(policy_to_dict(policy)) == policy


@pytest.mark.parametrize("hours", [BUSINESS_HOURS, PERSONAL_HOURS])
def test_weekly_hours_read_back_from_their_one_line_text(hours: WeeklyHours) -> None:
    assert parse_hours_text(hours_text(hours), "hours") == hours


def test_hours_text_groups_days_that_share_their_hours() -> None:
    hours = WeeklyHours.of(
        [*(DayRange(d, time(9), time(12)) for d in (0, 1, 2, 4)), DayRange(5, time(10), time(14))]
    )
    assert hours_text(hours) == "mon-wed,fri 09:00-12:00; sat 10:00-14:00"
    assert parse_hours_text("Mon-Wed, Fri 9:00 - 12:00\nsat 10:00-14:00", "h") == hours


@pytest.mark.parametrize("text", ["", "weekdays 9-5", "mon-fri 17:00-09:00", "fun 09:00-10:00"])
def test_unreadable_hours_name_the_field(text: str) -> None:
    with pytest.raises(InvalidField) as refused:
        parse_hours_text(text, "business_hours")
    assert refused.value.field.startswith("business_hours")
