"""Who may see and change what: users, roles, contact ownership and booked call-backs.

Pure: no I/O. This module is the one place the visibility rule lives; the API, the
pages and the planner all ask it, so "a rep never sees another rep's private
contacts" holds everywhere at once.

Ownership model
- A contact's `owner` is a user name, or None: the contact belongs to the team
  (the shared lead pool). A contact owned by a user is private to that user.
- Owners and admins see and change every contact. A rep sees and changes the team's
  contacts and their own; anyone else's private contact does not exist for them
  (the API answers 404, not 403, so its existence does not leak either).
- A booked next step (a promised call-back or an appointment) is ANYONE on the team
  or USERONLY (reserved for the user who booked it), as in team dialers. A USERONLY
  step keeps the contact out of every other rep's plan until it is done, and a
  USERONLY appointment is hidden from other reps.
- A rep may give a contact to the team or to themselves, never to another user;
  owners and admins may give it to anyone.

`contact_filter` is the rule itself; `can_see_contact` and the database queries
(through `OwnerFilter`) both derive from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from ringback.domain.errors import InvalidField, NotPermitted
from ringback.domain.model import CallbackScope

# The word that means "no owner: the whole team" in filters and forms. No user may
# take it as a name, so `owner=team` is never ambiguous.
TEAM = "team"
RESERVED_NAMES = frozenset({TEAM, "none", "me"})
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")


class Role(StrEnum):
    OWNER = "owner"  # the account's owner: everything, including managing admins
    ADMIN = "admin"  # every contact; manages reps
    REP = "rep"  # the team's contacts and their own


@dataclass(frozen=True)
class Actor:
    """Someone acting: a signed-in user or the holder of an API token."""

    name: str
    role: Role

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.OWNER, Role.ADMIN)


@dataclass(frozen=True)
class OwnerFilter:
    """Which owners' contacts a query may return.

    `owners is None`: every contact. Otherwise only contacts whose owner is in
    `owners`, where None stands for the team (no owner).
    """

    owners: frozenset[str | None] | None

    def allows(self, owner: str | None) -> bool:
        return self.owners is None or owner in self.owners


def contact_filter(actor: Actor) -> OwnerFilter:
    """THE visibility rule: owners and admins see all; a rep, the team's and their own."""
    if actor.sees_everything:
        return OwnerFilter(None)
    return OwnerFilter(frozenset({None, actor.name}))


def can_see_contact(actor: Actor, owner: str | None) -> bool:
    """May `actor` see (and so change) a contact owned by `owner`?"""
    return contact_filter(actor).allows(owner)


def can_see_appointment(
    actor: Actor, contact_owner: str | None, booked_by: str | None, scope: CallbackScope
) -> bool:
    """A visible contact's appointment, unless it is another user's USERONLY one."""
    if not can_see_contact(actor, contact_owner):
        return False
    return actor.sees_everything or _open_to(actor.name, booked_by, scope)


def in_plan_of(user: str, contact_owner: str | None, booked_for: str | None) -> bool:
    """Does a contact belong in `user`'s own plan (what a rep works)?

    Their visible contacts, except those whose booked step is reserved for another.
    """
    visible = can_see_contact(Actor(user, Role.REP), contact_owner)
    return visible and booked_for in (None, user)


def hears_screen_pop(user: str, contact_owner: str | None) -> bool:
    """R15: a call from a user's own contact pops up for that user only; a call from
    a team contact (or an unknown number) pops up for every rep who is signed in."""
    return contact_owner is None or contact_owner == user


def _open_to(name: str, booked_by: str | None, scope: CallbackScope) -> bool:
    return scope is CallbackScope.ANYONE or booked_by in (None, name)


def may_assign(actor: Actor, owner: str | None) -> bool:
    """May `actor` give a contact to `owner` (None: the team)?"""
    return actor.sees_everything or owner in (None, actor.name)


def may_manage_users(actor: Actor, role: Role) -> bool:
    """The owner manages everyone; an admin manages reps and admins; a rep, nobody."""
    if actor.role is Role.OWNER:
        return True
    return actor.role is Role.ADMIN and role is not Role.OWNER


def check_active_change(
    actor: Actor | None, target: User, active: bool, active_owners: int
) -> None:
    """Refuse (NotPermitted) switching `target` on or off when `actor` may not manage
    them, when it is the actor themselves going off, or when it would leave the team
    with no active owner. `actor` None: the machine's operator (the command line)."""
    if actor is not None and not may_manage_users(actor, target.role):
        who = f"{'an' if actor.role.value[0] in 'aeiou' else 'a'} {actor.role.value}"
        raise NotPermitted(f"{who} cannot change the {target.role.value} {target.name}")
    if active or not target.active:
        return
    if actor is not None and actor.name == target.name:
        raise NotPermitted("you cannot deactivate yourself; another owner or admin can")
    if target.role is Role.OWNER and active_owners <= 1:
        raise NotPermitted(f"{target.name} is the last active owner: make another owner first")


def parse_username(text: str, field: str = "name") -> str:
    """A user name as stored: lower case letters, digits and . _ @ -, up to 64."""
    name = text.strip().casefold()
    if name in RESERVED_NAMES:
        raise InvalidField(field, f"{name!r} is reserved; choose another name")
    if not _USERNAME.fullmatch(name):
        raise InvalidField(
            field, f"{text.strip()!r} is not a user name (letters, digits, . _ @ -; up to 64)"
        )
    return name


def parse_role(text: str, field: str = "role") -> Role:
    try:
        return Role(text.strip().casefold())
    except ValueError:
        names = ", ".join(role.value for role in Role)
        raise InvalidField(field, f"{text!r} is unknown; use one of: {names}") from None


# --- signing in --------------------------------------------------------------------

MIN_PASSWORD_LENGTH = 10


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidField(field, f"needs at least {MIN_PASSWORD_LENGTH} characters")


@dataclass(frozen=True)
class LoginPolicy:
    """At most `max_failures` failed sign-ins per user name and address per `window`."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)

    def counting_since(self, now: datetime) -> datetime:
        return now - self.window

    def locked_out(self, recent_failures: int) -> bool:
        return recent_failures >= self.max_failures


# --- accounts ----------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class User:
    """A person who signs in (pages) or holds API tokens. `name` is what contacts'
    `owner` and touches' `user` hold."""

    name: str
    role: Role
    password_hash: str | None = None  # None: no password; API tokens only
    active: bool = True
    created_at: datetime = _EPOCH
    id: int | None = None
    phone: str | None = None  # E.164: the phone that rings for them (click-to-call)

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role)


@dataclass(frozen=True)
class ApiToken:
    """A bearer token for the API; only a hash of its secret is stored."""

    user_id: int
    name: str
    token_hash: str
    created_at: datetime
    id: int | None = None
