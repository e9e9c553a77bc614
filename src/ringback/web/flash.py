"""One-time messages shown on the next page ("Logged: no answer for Alice"), kept in
the signed session cookie between a form's POST and the page it redirects to."""

from __future__ import annotations

from typing import Literal

from fastapi import Request

_KEY = "flash"
Kind = Literal["ok", "error"]


def flash(request: Request, message: str, kind: Kind = "ok") -> None:
    pending = request.session.get(_KEY)
    queue = pending if isinstance(pending, list) else []
    request.session[_KEY] = [*queue[-4:], [kind, message]]


def take_flashes(request: Request) -> list[tuple[str, str]]:
    """The pending messages as (kind, text), removed from the session."""
    if _KEY not in request.session:
        return []
    pending = request.session.pop(_KEY)
    if not isinstance(pending, list):
        return []
    return [(str(kind), str(text)) for kind, text in pending]
