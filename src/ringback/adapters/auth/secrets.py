"""The session-signing key kept in the data directory when none is configured."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_BYTES = 48


def load_or_create_secret(path: Path) -> str:
    """The key stored at `path`; created (readable by its owner only) when missing."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _read(path)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secrets.token_urlsafe(SECRET_BYTES) + "\n")
    return _read(path)


def _read(path: Path) -> str:
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < 32:
        raise ValueError(f"{path} holds no usable key; delete it to make a new one")
    return secret
