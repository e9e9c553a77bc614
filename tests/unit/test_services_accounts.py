"""Accounts on in-memory fakes: users, signing in with a rate limit, API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ringback.domain.access import LoginPolicy, Role
from ringback.domain.errors import InvalidField, NotFound
from ringback.services import accounts
from ringback.services.accounts import BadCredentials, LoginThrottled
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
POLICY = LoginPolicy(max_failures=5, window=timedelta(minutes=15))


class PlainPasswords:
    """A stand-in for argon2 in unit tests: fast, and visibly not a real hash."""

    def hash(self, password: str) -> str:
        return "plain:" + password

    def verify(self, password: str, hashed: str) -> bool:
        return hashed == "plain:" + password


@pytest.fixture
def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    accounts.add_user(lambda: uow, "Rita", Role.REP, PASSWORD, PlainPasswords(), NOW)
    return uow


def sign_in(uow: FakeUnitOfWork, password: str, at: datetime = NOW, name: str = "rita") -> str:
    user = accounts.sign_in(lambda: uow, name, password, "10.0.0.1", PlainPasswords(), POLICY, at)
    return user.name


def test_a_user_signs_in_with_the_right_password_and_any_letter_case(uow: FakeUnitOfWork) -> None:
    assert sign_in(uow, PASSWORD, name=" RITA ") == "rita"


@pytest.mark.parametrize(("name", "password"), [("rita", "wrong password"), ("nobody", PASSWORD)])
def test_a_wrong_password_and_an_unknown_name_get_the_same_refusal(
    uow: FakeUnitOfWork, name: str, password: str
) -> None:
    with pytest.raises(BadCredentials, match="wrong user name or password"):
        sign_in(uow, password, name=name)


def test_after_five_failures_even_the_right_password_is_refused(uow: FakeUnitOfWork) -> None:
    for minute in range(5):
        with pytest.raises(BadCredentials):
            sign_in(uow, "wrong password", NOW + timedelta(minutes=minute))
    with pytest.raises(LoginThrottled):
        sign_in(uow, PASSWORD, NOW + timedelta(minutes=5))


def test_the_lockout_ends_when_the_failures_leave_the_window(uow: FakeUnitOfWork) -> None:
    for _ in range(5):
        with pytest.raises(BadCredentials):
            sign_in(uow, "wrong password")
    assert sign_in(uow, PASSWORD, NOW + timedelta(minutes=16)) == "rita"


def test_a_success_forgets_earlier_failures(uow: FakeUnitOfWork) -> None:
    for _ in range(4):
        with pytest.raises(BadCredentials):
            sign_in(uow, "wrong password")
    sign_in(uow, PASSWORD)
    for _ in range(4):
        with pytest.raises(BadCredentials):
            sign_in(uow, "wrong password")
    assert sign_in(uow, PASSWORD) == "rita"


def test_a_user_without_password_cannot_sign_in(uow: FakeUnitOfWork) -> None:
    accounts.add_user(lambda: uow, "dialer", Role.REP, None, PlainPasswords(), NOW)
    with pytest.raises(BadCredentials):
        sign_in(uow, "", name="dialer")


def test_user_names_are_unique(uow: FakeUnitOfWork) -> None:
    with pytest.raises(InvalidField, match="already exists"):
        accounts.add_user(lambda: uow, "rita", Role.ADMIN, PASSWORD, PlainPasswords(), NOW)


def test_a_token_is_shown_once_and_only_its_hash_is_stored(uow: FakeUnitOfWork) -> None:
    made = accounts.create_token(lambda: uow, "rita", "dialer", NOW)
    assert made.secret.startswith("rb_")
    assert made.secret not in repr(uow.committed.tokens)
    user = accounts.user_for_token(lambda: uow, made.secret)
    assert user is not None and user.name == "rita"


def test_a_revoked_or_made_up_token_finds_nobody(uow: FakeUnitOfWork) -> None:
    made = accounts.create_token(lambda: uow, "rita", "dialer", NOW)
    assert made.token.id is not None
    accounts.revoke_token(lambda: uow, made.token.id)
    assert accounts.user_for_token(lambda: uow, made.secret) is None
    assert accounts.user_for_token(lambda: uow, "rb_made-up") is None
    with pytest.raises(NotFound):
        accounts.create_token(lambda: uow, "nobody", "x", NOW)


def test_a_new_password_ends_older_sessions(uow: FakeUnitOfWork) -> None:
    user = uow.committed.users[1]
    stamp = accounts.session_stamp(user)
    assert accounts.user_for_session(lambda: uow, 1, stamp) is not None
    accounts.set_password(lambda: uow, "rita", "another long password", PlainPasswords())
    assert accounts.user_for_session(lambda: uow, 1, stamp) is None
