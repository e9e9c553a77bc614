"""Accounts: users and their roles, signing in with a rate limit, API tokens.

Who may see what is decided in domain/access.py; this module only stores users
and checks credentials. API tokens are random secrets shown once; only their
SHA-256 is stored (they are long and random, so a slow hash adds nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from ringback.domain.access import (
    Actor,
    ApiToken,
    LoginPolicy,
    Role,
    User,
    check_active_change,
    check_password_strength,
    parse_username,
)
from ringback.domain.errors import NotFound, RingbackError
from ringback.domain.phone import parse_phone
from ringback.services.contacts import UowFactory
from ringback.services.ports import PasswordHasher

TOKEN_PREFIX = "rb_"


class BadCredentials(RingbackError):
    """Unknown user, wrong password, or a deactivated user: the same answer for all."""

    def __init__(self) -> None:
        super().__init__("wrong user name or password")


class LoginThrottled(RingbackError):
    """Too many failed sign-ins for this user name from this address."""

    def __init__(self, policy: LoginPolicy) -> None:
        minutes = int(policy.window.total_seconds() // 60)
        super().__init__(f"too many failed sign-ins; try again in up to {minutes} minutes")
        self.retry_after = int(policy.window.total_seconds())


def add_user(
    uow_factory: UowFactory,
    name: str,
    role: Role,
    password: str | None,
    hasher: PasswordHasher,
    now: datetime,
    phone: str | None = None,
    region: str = "US",
) -> User:
    """Store a new user; without a password they can only use API tokens. `phone`:
    theirs for click-to-call, in any format (`region` for numbers without +country)."""
    user_name = parse_username(name)
    if password is not None:
        check_password_strength(password)
    own_phone = _parsed_phone(phone, region)
    hashed = hasher.hash(password) if password is not None else None
    with uow_factory() as uow:
        user = User(user_name, role, password_hash=hashed, created_at=now, phone=own_phone)
        user = uow.users.add(user)
        uow.commit()
    return user


def set_password(uow_factory: UowFactory, name: str, password: str, hasher: PasswordHasher) -> User:
    """A new password; sessions signed in with the old one end (see session_stamp)."""
    check_password_strength(password)
    with uow_factory() as uow:
        user = _by_name(uow.users.by_name(name.strip().casefold()), name)
        changed = replace(user, password_hash=hasher.hash(password))
        uow.users.update(changed)
        uow.commit()
    return changed


def set_phone(uow_factory: UowFactory, name: str, raw: str | None, region: str) -> User:
    """The phone click-to-call rings for this user, in any format (`region` for numbers
    without +country); None or blank removes it (the `rep_phone` setting then rings).

    InvalidField("phone") when it is not a phone number; NotFound for no such user.
    """
    phone = _parsed_phone(raw, region)
    with uow_factory() as uow:
        user = _by_name(uow.users.by_name(name.strip().casefold()), name)
        changed = replace(user, phone=phone)
        uow.users.update(changed)
        uow.commit()
    return changed


def set_active(
    uow_factory: UowFactory, name: str, active: bool, actor: Actor | None = None
) -> User:
    """Switch a user on or off. Off, they cannot sign in, their sessions end and their
    API tokens stop working (within TokenCache's few seconds on POST /touches); their
    contacts, touches and tokens are kept, so switching them on again restores all.

    NotPermitted as check_active_change decides; NotFound for no such user.
    """
    with uow_factory() as uow:
        user = _by_name(uow.users.by_name(name.strip().casefold()), name)
        owners = sum(1 for u in uow.users.list() if u.role is Role.OWNER and u.active)
        check_active_change(actor, user, active, owners)
        changed = replace(user, active=active)
        uow.users.update(changed)
        uow.commit()
    return changed


def _parsed_phone(raw: str | None, region: str) -> str | None:
    """E.164 of `raw`; None for none or blank; InvalidField("phone") for no number."""
    return parse_phone(raw, region, field="phone").e164 if raw and raw.strip() else None


def own_phone(uow_factory: UowFactory, name: str) -> str | None:
    """The own phone of the active user named `name`; None without one (or no such user)."""
    with uow_factory() as uow:
        user = uow.users.by_name(name)
    return user.phone if user is not None and user.active else None


def list_users(uow_factory: UowFactory) -> list[User]:
    with uow_factory() as uow:
        return uow.users.list()


def get_user(uow_factory: UowFactory, user_id: int) -> User:
    with uow_factory() as uow:
        return uow.users.get(user_id)


def _by_name(user: User | None, name: str) -> User:
    if user is None:
        raise NotFound(f"no user named {name.strip()!r}")
    return user


# --- signing in --------------------------------------------------------------------


def sign_in(
    uow_factory: UowFactory,
    name: str,
    password: str,
    address: str,
    hasher: PasswordHasher,
    policy: LoginPolicy,
    now: datetime,
) -> User:
    """The user whose name and password these are, or BadCredentials.

    After `policy.max_failures` failures for this name from this address within
    `policy.window`, every attempt is refused with LoginThrottled — even a right
    password — until the oldest failure leaves the window.
    """
    key = name.strip().casefold()
    with uow_factory() as uow:
        failures = uow.login_failures.count_since(key, address, policy.counting_since(now))
        if policy.locked_out(failures):
            raise LoginThrottled(policy)
        user = uow.users.by_name(key)
        if not _password_matches(user, password, hasher):
            uow.login_failures.clear(key, address, before=policy.counting_since(now))
            uow.login_failures.add(key, address, now)
            uow.commit()
            raise BadCredentials()
        uow.login_failures.clear(key, address)
        uow.commit()
    assert user is not None
    return user


def _password_matches(user: User | None, password: str, hasher: PasswordHasher) -> bool:
    if user is None or user.password_hash is None:
        hasher.hash(password)  # as slow as a check: no telling unknown names by timing
        return False
    return hasher.verify(password, user.password_hash) and user.active


def session_stamp(user: User) -> str:
    """Kept in the session cookie: a new password (or none) ends older sessions."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def user_for_session(uow_factory: UowFactory, user_id: int, stamp: str) -> User | None:
    """The signed-in user, or None when they were removed, deactivated or changed password."""
    with uow_factory() as uow:
        try:
            user = uow.users.get(user_id)
        except NotFound:
            return None
    if not user.active or not hmac.compare_digest(session_stamp(user), stamp):
        return None
    return user


# --- API tokens --------------------------------------------------------------------


@dataclass(frozen=True)
class NewToken:
    secret: str  # shown once, never stored
    token: ApiToken


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(uow_factory: UowFactory, user_name: str, name: str, now: datetime) -> NewToken:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow_factory() as uow:
        user = _by_name(uow.users.by_name(user_name.strip().casefold()), user_name)
        assert user.id is not None
        token = uow.tokens.add(ApiToken(user.id, name.strip(), hash_token(secret), now))
        uow.commit()
    return NewToken(secret, token)


def user_for_token(uow_factory: UowFactory, secret: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    with uow_factory() as uow:
        token = uow.tokens.by_hash(hash_token(secret))
        if token is None:
            return None
        user = uow.users.get(token.user_id)
    return user if user.active else None


def list_tokens(uow_factory: UowFactory, user_name: str) -> list[ApiToken]:
    with uow_factory() as uow:
        user = _by_name(uow.users.by_name(user_name.strip().casefold()), user_name)
        assert user.id is not None
        return uow.tokens.for_user(user.id)


def revoke_token(uow_factory: UowFactory, token_id: int) -> None:
    with uow_factory() as uow:
        uow.tokens.delete(token_id)
        uow.commit()
