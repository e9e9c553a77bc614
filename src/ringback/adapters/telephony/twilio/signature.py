"""Twilio's X-Twilio-Signature on form-encoded webhooks.

The signature is base64(HMAC-SHA1(auth token, URL + every POST parameter's name and
value, sorted by name)). Twilio signs the URL it was configured with; it may or may
not include the default port (443/80), so both spellings are accepted, as the
SDK's RequestValidator does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

Params = Iterable[tuple[str, str]]


def twilio_signature(auth_token: str, url: str, params: Params) -> str:
    # Repeated values of one name count once, as Twilio's own validator has it.
    payload = url + "".join(name + value for name, value in sorted(set(params)))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def is_valid_signature(auth_token: str, url: str, params: Params, signature: str | None) -> bool:
    """Does `signature` sign this URL and these form parameters? Constant-time compare."""
    if not signature or not auth_token:
        return False
    pairs = list(params)
    return any(
        hmac.compare_digest(twilio_signature(auth_token, candidate, pairs), signature)
        for candidate in _port_variants(url)
    )


_DEFAULT_PORTS = {"https": 443, "http": 80}


def _port_variants(url: str) -> list[str]:
    """`url` as given, then with the scheme's default port removed or added."""
    parts = urlsplit(url)
    default = _DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname or ""
    if parts.port is not None and parts.port == default:
        other = host
    elif parts.port is None and default is not None:
        other = f"{host}:{default}"
    else:
        return [url]
    if parts.username or parts.password:
        credentials = parts.netloc.rpartition("@")[0]
        other = f"{credentials}@{other}"
    return [url, urlunsplit((parts.scheme, other, parts.path, parts.query, parts.fragment))]
