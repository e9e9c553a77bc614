"""The REST API under /api/v1 (docs/api.md). Handlers are thin: parse, call a
service with the acting user, answer with the views.py shape of the result."""

from __future__ import annotations

from fastapi import APIRouter

from ringback.web.api.appointments import router as appointments_router
from ringback.web.api.contacts import router as contacts_router
from ringback.web.api.mail import router as mail_router
from ringback.web.api.plan import router as plan_router
from ringback.web.api.touches import router as touches_router

PREFIX = "/api/v1"

router = APIRouter(prefix=PREFIX)
# Routes are matched in order, each costing a few µs: the busiest one first (issue 4).
router.include_router(touches_router)
router.include_router(contacts_router)
router.include_router(plan_router)
router.include_router(appointments_router)
router.include_router(mail_router)
