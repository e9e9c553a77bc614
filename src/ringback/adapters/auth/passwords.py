"""Password hashing with argon2id through pwdlib (ARCHITECTURE.md, auth)."""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher


class Argon2Passwords:
    """The PasswordHasher port (services/ports.py): argon2id, pwdlib's default costs.

    Tests may pass lower costs to run fast; hashes record their own parameters, so
    each verifies whatever costs made it.
    """

    def __init__(self, *, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 4):
        hasher = Argon2Hasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
        self._hash = PasswordHash((hasher,))

    def hash(self, password: str) -> str:
        return self._hash.hash(password)

    def verify(self, password: str, hashed: str) -> bool:
        try:
            return self._hash.verify(password, hashed)
        except Exception:  # an unreadable stored hash is a failed sign-in, not a crash
            return False
