"""The app factory: `create_app(App) -> FastAPI`.

    from ringback.bootstrap import App
    from ringback.web.app import create_app
    web = create_app(App(Settings(database_url=...)))   # tests: TestClient(web)

Nothing connects to the database here; `ringback serve` runs `ensure_schema` first.
Layout: api/ (JSON under /api/v1, OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs), pages/ (HTML), templates/, static/ (served at /static: CSS, HTMX 2).
Adding a page: a router in pages/, included in pages/__init__.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp

from ringback import __version__
from ringback.bootstrap import App
from ringback.web import errors, webhooks
from ringback.web.api import PREFIX
from ringback.web.api import router as api_router
from ringback.web.api.schemas import TouchCreate
from ringback.web.api.touches import post_touches
from ringback.web.direct import DirectRoutes
from ringback.web.imports import ImportJobs
from ringback.web.pages import router as pages_router
from ringback.web.public import router as public_router
from ringback.web.security import SESSION_COOKIE, SESSION_MAX_AGE
from ringback.web.security_headers import SecurityHeaders
from ringback.web.simulations import SimRuns
from ringback.web.templating import STATIC_PREFIX, page_error


def create_app(app: App | None = None) -> FastAPI:
    ringback = app or App()
    web = FastAPI(
        title="Ringback",
        version=__version__,
        summary="Follow-up engine: whom to call next, when, and with what words.",
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
        lifespan=lambda _: _lifespan(ringback),
    )
    web.state.ringback = ringback
    web.state.import_jobs = ImportJobs(ringback.settings.data_dir / "imports")
    web.state.sim_runs = SimRuns()
    web.add_middleware(
        SessionMiddleware,
        secret_key=ringback.session_secret(),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=ringback.settings.secure_cookies,
    )
    web.add_middleware(SecurityHeaders)
    _route_touches_directly(web)
    static = StaticFiles(packages=[("ringback.web", "static")])
    web.mount(STATIC_PREFIX.rstrip("/"), static, name="static")
    web.include_router(api_router)
    web.include_router(pages_router)
    web.include_router(public_router)
    web.include_router(webhooks.router)
    errors.install(web, page_error)
    webhooks.install(web)
    web.openapi = lambda: _openapi(web)  # type: ignore[method-assign]
    return web


@asynccontextmanager
async def _lifespan(ringback: App) -> AsyncIterator[None]:
    yield
    if "events" in vars(ringback):  # the broker was started: stop listening
        await ringback.events.close()


def _route_touches_directly(web: FastAPI) -> None:
    """POST /api/v1/touches answered in front of the middleware stack (web/direct.py).

    The same handler as the documented API route, which takes nothing but the request
    and answers itself; errors go through the same exception handlers. The API route
    stays for the OpenAPI schema and for other methods' 405.
    """
    build_stack = web.build_middleware_stack

    def with_direct_routes() -> ASGIApp:
        return DirectRoutes(build_stack(), web, {("POST", f"{PREFIX}/touches"): post_touches})

    web.build_middleware_stack = with_direct_routes  # type: ignore[method-assign]


def _openapi(web: FastAPI) -> dict[str, Any]:
    """FastAPI's schema plus the models only named in hand-written bodies (touches)."""
    if web.openapi_schema is None:
        schema = get_openapi(
            title=web.title,
            version=web.version,
            summary=web.summary,
            routes=web.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        extra = TouchCreate.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in extra.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault("TouchCreate", extra)
        web.openapi_schema = schema
    return web.openapi_schema
