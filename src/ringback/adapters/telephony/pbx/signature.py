"""Signing recipe of the PBX webhook, the same on both sides:

    signed   = timestamp + "." + raw body          (timestamp: Unix seconds, as sent)
    X-Ringback-Timestamp: <timestamp>
    X-Ringback-Signature: hex(HMAC-SHA256(shared secret, signed))

A request is refused when the signature does not match (constant-time compare) or
when its timestamp is more than MAX_AGE away from now: a captured request cannot be
replayed later. Duplicates inside the window are refused by call_id + event.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

TIMESTAMP_HEADER = "X-Ringback-Timestamp"
SIGNATURE_HEADER = "X-Ringback-Signature"
MAX_AGE = timedelta(minutes=5)


@dataclass(frozen=True)
class Refused(Exception):
    """Why a webhook was not accepted; `status` is 403 (not signed by us) or 400."""

    status: int
    reason: str


def sign(secret: str, timestamp: str, body: bytes) -> str:
    signed = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: datetime
) -> None:
    """Raise Refused unless the request is signed with `secret` and recent."""
    if not timestamp or not signature:
        raise Refused(403, f"the {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers are required")
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise Refused(403, f"{SIGNATURE_HEADER} does not match the body and timestamp")
    try:
        sent = float(timestamp)
    except ValueError:
        raise Refused(400, f"{TIMESTAMP_HEADER} must be Unix seconds") from None
    if abs(now.timestamp() - sent) > MAX_AGE.total_seconds():
        raise Refused(400, "the request is older than 5 minutes (or from the future): replay?")
