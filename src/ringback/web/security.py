"""Sessions and cross-site request forgery (CSRF) protection.

Sessions: Starlette's SessionMiddleware keeps a small dict in a cookie signed with
itsdangerous (HttpOnly, SameSite=Lax; Secure with `secure_cookies`). It holds:

- `uid`, `stamp`: the signed-in user and session_stamp(user), so changing the
  password (or removing or deactivating the user) ends their sessions;
- `csrf`: a random token bound to this session, made on first use.

CSRF: every unsafe request (POST, PUT, PATCH, DELETE) that relies on the session
cookie must echo the session's token, in the `csrf_token` form field or the
`X-CSRF-Token` header (the base template makes HTMX send the header). Requests
with an `Authorization: Bearer` token are exempt: browsers never add that header
by themselves, so a forged cross-site request cannot carry one.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from ringback.domain.access import User
from ringback.services.accounts import session_stamp, user_for_session
from ringback.services.contacts import UowFactory

SESSION_COOKIE = "ringback_session"
SESSION_MAX_AGE = 14 * 24 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_UID, _STAMP, _CSRF = "uid", "stamp", "csrf"


def is_unsafe(request: Request) -> bool:
    return request.method not in SAFE_METHODS


def has_bearer(request: Request) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.casefold() == "bearer" and bool(token.strip())


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use (templates put it in every form)."""
    token = request.session.get(_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[_CSRF] = token
    return token


def csrf_matches(request: Request, submitted: str | None) -> bool:
    expected = request.session.get(_CSRF)
    if not isinstance(expected, str) or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


def start_session(request: Request, user: User) -> None:
    """After a successful sign-in: a fresh session (and CSRF token) for `user`."""
    request.session.clear()
    request.session.update({_UID: user.id, _STAMP: session_stamp(user)})
    csrf_token(request)


def end_session(request: Request) -> None:
    request.session.clear()


def session_user(request: Request, uow_factory: UowFactory) -> User | None:
    """The user this request's session cookie signs in, if still valid."""
    user_id, stamp = request.session.get(_UID), request.session.get(_STAMP)
    if not isinstance(user_id, int) or not isinstance(stamp, str):
        return None
    return user_for_session(uow_factory, user_id, stamp)


def client_address(request: Request) -> str:
    """The client's address (behind a proxy, uvicorn's --proxy-headers sets it)."""
    return request.client.host if request.client else "unknown"
