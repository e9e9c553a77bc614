"""Webhooks from telephony providers, under /webhooks (issue 6).

No session and no CSRF token: each request is authenticated by its signature
instead (Twilio's X-Twilio-Signature, the PBX's HMAC). A forged, tampered or
replayed request is refused with a JSON reason and changes nothing.

    POST /webhooks/twilio/voice    a call to your Twilio number: screen pop, TwiML
    POST /webhooks/twilio/status   a click-to-call call's status: its outcome logged
    POST /webhooks/pbx             a PBX's signed JSON event
"""

from __future__ import annotations

from fastapi import APIRouter

from ringback.web.webhooks.common import install
from ringback.web.webhooks.pbx import router as pbx_router
from ringback.web.webhooks.twilio import router as twilio_router

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
router.include_router(twilio_router)
router.include_router(pbx_router)

__all__ = ["install", "router"]
