"""Who sees and changes what (domain/access.py): roles, ownership, booked call-backs.

Personas: olivia owns the account, adam is an admin, rita and ravi are reps.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ringback.domain.access import (
    TEAM,
    Actor,
    LoginPolicy,
    Role,
    User,
    can_see_appointment,
    can_see_contact,
    check_active_change,
    check_password_strength,
    contact_filter,
    in_plan_of,
    may_assign,
    may_manage_users,
    parse_role,
    parse_username,
)
from ringback.domain.errors import InvalidField, NotPermitted
from ringback.domain.model import CallbackScope

OLIVIA = Actor("olivia", Role.OWNER)
ADAM = Actor("adam", Role.ADMIN)
RITA = Actor("rita", Role.REP)
RAVI = Actor("ravi", Role.REP)
USERONLY, ANYONE = CallbackScope.USERONLY, CallbackScope.ANYONE


@pytest.mark.parametrize("actor", [OLIVIA, ADAM])
def test_owners_and_admins_see_every_contact(actor: Actor) -> None:
    for owner in (None, "rita", "ravi", "someone-unknown"):
        assert can_see_contact(actor, owner)
    assert contact_filter(actor).owners is None


def test_a_rep_sees_the_teams_contacts_and_their_own() -> None:
    assert can_see_contact(RITA, None)
    assert can_see_contact(RITA, "rita")


def test_a_rep_never_sees_another_reps_private_contact() -> None:
    assert not can_see_contact(RITA, "ravi")
    assert not can_see_contact(RAVI, "rita")
    assert not can_see_contact(RITA, "olivia")


def test_the_query_filter_and_the_check_are_one_rule() -> None:
    owners = (None, "rita", "ravi", "olivia")
    for actor in (OLIVIA, ADAM, RITA, RAVI):
        rule = contact_filter(actor)
        assert [rule.allows(o) for o in owners] == [can_see_contact(actor, o) for o in owners]


def test_an_anyone_appointment_is_visible_to_every_rep_who_sees_the_contact() -> None:
    assert can_see_appointment(RAVI, None, "rita", ANYONE)
    assert not can_see_appointment(RAVI, "rita", "rita", ANYONE)  # the contact is private


def test_a_useronly_appointment_is_hidden_from_other_reps_but_not_from_admins() -> None:
    assert can_see_appointment(RITA, None, "rita", USERONLY)
    assert not can_see_appointment(RAVI, None, "rita", USERONLY)
    assert can_see_appointment(ADAM, None, "rita", USERONLY)


def test_a_useronly_call_back_keeps_the_contact_out_of_other_reps_plans() -> None:
    assert in_plan_of("rita", None, booked_for="rita")
    assert not in_plan_of("ravi", None, booked_for="rita")
    assert in_plan_of("ravi", None, booked_for=None)


def test_a_plan_never_holds_another_reps_private_contact() -> None:
    assert in_plan_of("rita", "rita", None)
    assert not in_plan_of("ravi", "rita", None)


def test_a_rep_may_give_a_contact_to_the_team_or_themselves_only() -> None:
    assert may_assign(RITA, None)
    assert may_assign(RITA, "rita")
    assert not may_assign(RITA, "ravi")
    assert may_assign(ADAM, "ravi") and may_assign(OLIVIA, "adam")


@pytest.mark.parametrize(
    ("actor", "target", "active", "owners", "refusal"),
    [
        (ADAM, User("rita", Role.REP), False, 1, None),
        (ADAM, User("rita", Role.REP, active=False), True, 1, None),
        (RITA, User("ravi", Role.REP), False, 1, "a rep cannot change the rep ravi"),
        (ADAM, User("olivia", Role.OWNER), False, 2, "an admin cannot change the owner olivia"),
        (ADAM, User("adam", Role.ADMIN), False, 1, "cannot deactivate yourself"),
        (OLIVIA, User("owen", Role.OWNER), False, 1, "last active owner"),
        (OLIVIA, User("owen", Role.OWNER), False, 2, None),
        (None, User("olivia", Role.OWNER), False, 1, "last active owner"),
        (None, User("olivia", Role.OWNER), True, 0, None),
    ],
)
def test_who_may_switch_a_user_off_and_on(
    actor: Actor | None, target: User, active: bool, owners: int, refusal: str | None
) -> None:
    if refusal is None:
        check_active_change(actor, target, active, owners)
        return
    with pytest.raises(NotPermitted, match=refusal):
        check_active_change(actor, target, active, owners)


def test_who_manages_whom() -> None:
    assert may_manage_users(OLIVIA, Role.OWNER)
    assert may_manage_users(ADAM, Role.REP) and may_manage_users(ADAM, Role.ADMIN)
    assert not may_manage_users(ADAM, Role.OWNER)
    assert not may_manage_users(RITA, Role.REP)


@pytest.mark.parametrize(
    ("text", "name"), [("Rita", "rita"), (" ravi.k@example.com ", "ravi.k@example.com")]
)
def test_user_names_are_stored_in_lower_case(text: str, name: str) -> None:
    assert parse_username(text) == name


@pytest.mark.parametrize("text", ["", "has space", "-dash", "x" * 65, TEAM, "Team", "me"])
def test_bad_or_reserved_user_names_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidField) as refused:
        parse_username(text)
    assert refused.value.field == "name"


def test_an_unknown_role_is_refused_listing_the_roles() -> None:
    assert parse_role(" Admin ") is Role.ADMIN
    with pytest.raises(InvalidField, match="owner, admin, rep"):
        parse_role("boss")


def test_a_short_password_is_refused() -> None:
    with pytest.raises(InvalidField, match="at least 10"):
        check_password_strength("short")
    check_password_strength("long enough pass")


def test_the_login_policy_locks_out_at_the_limit_within_the_window() -> None:
    policy = LoginPolicy(max_failures=5, window=timedelta(minutes=15))
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert not policy.locked_out(4)
    assert policy.locked_out(5)
    assert policy.counting_since(now) == now - timedelta(minutes=15)
