"""The address a webhook was sent to, as the sender saw it (signatures cover it).

Behind a reverse proxy the app sees its own address (http://127.0.0.1:8000/...), not
the public one the provider signed. Either a fixed `public_base_url` setting says
what it is, or, when the proxy is trusted, its X-Forwarded-Proto/Host headers do.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit


def public_url(
    seen_url: str,
    headers: Mapping[str, str],
    *,
    base_url: str | None = None,
    trust_forwarded: bool = False,
) -> str:
    """`seen_url` (what the app received) rewritten to the public address."""
    parts = urlsplit(seen_url)
    if base_url:
        base = urlsplit(base_url)
        path = base.path.rstrip("/") + parts.path
        return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))
    if trust_forwarded:
        scheme = _first(headers.get("x-forwarded-proto")) or parts.scheme
        host = _first(headers.get("x-forwarded-host")) or parts.netloc
        return urlunsplit((scheme, host, parts.path, parts.query, ""))
    return seen_url


def _first(value: str | None) -> str | None:
    """The first of a comma-separated header (the hop closest to the client)."""
    if not value:
        return None
    return value.split(",")[0].strip() or None
