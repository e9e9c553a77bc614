"""Signed tokens for links that work without signing in (issue 6), with itsdangerous.

An unsubscribe link names the contact and the address it was sent to; a calendar
feed link names the user and the feed's generation, so rotating the feed (a new
generation) turns every older link off. Each kind has its own salt: a token made
for one cannot be used as the other. Tampered tokens are refused (InvalidField).
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from ringback.domain.errors import InvalidField

_UNSUBSCRIBE = "ringback.unsubscribe"
_FEED = "ringback.calendar-feed"


def unsubscribe_token(secret: str, contact_id: int, email: str) -> str:
    return URLSafeSerializer(secret, salt=_UNSUBSCRIBE).dumps([contact_id, email])


def read_unsubscribe_token(secret: str, token: str) -> tuple[int, str]:
    """(contact id, email) of a genuine token; InvalidField("token") otherwise."""
    data = _loads(secret, _UNSUBSCRIBE, token)
    match data:
        case [int() as contact_id, str() as email]:
            return contact_id, email
    raise _bad_token()


def feed_token(secret: str, user: str, generation: int) -> str:
    return URLSafeSerializer(secret, salt=_FEED).dumps([user, generation])


def read_feed_token(secret: str, token: str) -> tuple[str, int]:
    """(user name, generation) of a genuine token; InvalidField("token") otherwise."""
    data = _loads(secret, _FEED, token)
    match data:
        case [str() as user, int() as generation]:
            return user, generation
    raise _bad_token()


def _loads(secret: str, salt: str, token: str) -> Any:
    try:
        return URLSafeSerializer(secret, salt=salt).loads(token)
    except BadData:
        raise _bad_token() from None


def _bad_token() -> InvalidField:
    return InvalidField("token", "this link is not valid (it may have been altered)")
