"""Server-rendered pages (Jinja2 + HTMX). Every route of `router` is CSRF-checked on
unsafe methods (deps.CsrfChecked); a page that needs a user takes `PageUser`.

today (the plan), touches (logging, the next-step dialog), contacts (list, page,
edit, windows, do-not-contact), appointments (book, cancel, .ics), imports,
settings, analytics, simulate (the cadence simulator); scripts (the script panel)
and templates (the editor with live linting); letters (the letter PDFs, R9); calls
(live pushes: /events, click-to-call); auth signs in and out. Pages call services,
never the database.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ringback.web.deps import check_csrf
from ringback.web.pages.analytics import router as analytics_router
from ringback.web.pages.appointments import router as appointments_router
from ringback.web.pages.auth import router as auth_router
from ringback.web.pages.calls import router as calls_router
from ringback.web.pages.contacts import router as contacts_router
from ringback.web.pages.imports import router as imports_router
from ringback.web.pages.letters import router as letters_router
from ringback.web.pages.mail import router as mail_router
from ringback.web.pages.scripts import router as scripts_router
from ringback.web.pages.settings import router as settings_router
from ringback.web.pages.simulate import router as simulate_router
from ringback.web.pages.templates import router as templates_router
from ringback.web.pages.today import router as today_router
from ringback.web.pages.touches import router as touches_router

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
for part in (
    auth_router,
    today_router,
    touches_router,
    contacts_router,
    appointments_router,
    imports_router,
    settings_router,
    scripts_router,
    letters_router,
    templates_router,
    mail_router,
    analytics_router,
    calls_router,
    simulate_router,
):
    router.include_router(part)
