"""A short memory of checked API tokens, for the API's busiest route (POST /touches).

Looking a token up costs a read transaction and two queries per request, about an
eighth of logging a touch. A dialer logs touches many times a second with the same
token, so POST /api/v1/touches trusts a token it has checked for TRUST_SECONDS:
revoking a token, or deactivating, removing or changing the role of its user, takes
effect on that route within TRUST_SECONDS (at once on every other route). Entries
are keyed by the token's SHA-256 hash, never by the token itself; unknown tokens are
not remembered, so a new token works at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ringback.domain.access import User
from ringback.services.accounts import hash_token, user_for_token
from ringback.services.contacts import UowFactory

TRUST_SECONDS = 5.0
MAX_TOKENS = 1024


class TokenCache:
    """Users of recently checked tokens, each trusted for `ttl` seconds after its check."""

    def __init__(
        self,
        ttl: float = TRUST_SECONDS,
        size: int = MAX_TOKENS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._size = size
        self._clock = clock
        self._entries: dict[str, tuple[float, User]] = {}
        self._lock = threading.Lock()  # requests may check tokens in threads too

    def user(self, uow_factory: UowFactory, secret: str) -> User | None:
        """The token's active user (from memory if checked less than `ttl` ago), or None."""
        key = hash_token(secret)
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and now < entry[0]:
            return entry[1]
        user = user_for_token(uow_factory, secret)
        with self._lock:
            if user is None:
                self._entries.pop(key, None)
                return None
            if len(self._entries) >= self._size:
                self._entries.clear()  # bounded: many tokens at once only costs lookups
            self._entries[key] = (now + self._ttl, user)
        return user
