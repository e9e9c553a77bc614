"""Server-rendered pages (Jinja2 + HTMX). Every route of `router` is CSRF-checked on
unsafe methods (deps.CsrfChecked); a page that needs a user takes `PageUser`."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ringback.web.deps import check_csrf
from ringback.web.pages.auth import router as auth_router
from ringback.web.pages.today import router as today_router

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
router.include_router(auth_router)
router.include_router(today_router)
