"""FastAPI dependencies, as `Annotated` aliases; tests override the functions.

- `AppDep`: the bootstrap App (settings, engine); `UowFactoryDep`: units of work;
  `ReadUowFactoryDep`: units of work that only read (on SQLite never queued behind
  writers: credentials are checked with these).
- `Now`: the current instant (override `get_now` to freeze time); `now_of(request)`
  is the same for a handler without dependencies.
- `ApiUser` / `ApiActor`: who calls the API — a bearer token (`Authorization:
  Bearer rb_…`), else the session cookie, in which case unsafe methods need the
  `X-CSRF-Token` header (web/security.py). Neither: 401. `authenticate` is the
  same check for a handler to call itself (POST /touches does, with the logging).
- `PageUser`: the signed-in user of a page; none sends the browser to /login.
- `TeamSettingsDep`: the team's stored settings (policy, default region).
- `CsrfChecked`: for page routers — every unsafe request must carry the session's
  CSRF token (form field or header); the pages router applies it to all routes.
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import FormData

from ringback.bootstrap import App
from ringback.domain.access import Actor, User
from ringback.services.accounts import user_for_token
from ringback.services.contacts import UowFactory
from ringback.services.team_settings import TeamSettings, load_team_settings
from ringback.web.errors import CsrfFailed, LoginRequired, NotAuthenticated
from ringback.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    csrf_matches,
    is_unsafe,
    session_user,
)
from ringback.web.token_cache import TokenCache

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token from `ringback token create USER`.",
)


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` one in the
# thread pool, a hand-over that costs more than the function itself.


async def get_app(request: Request) -> App:
    app: App = request.app.state.ringback
    return app


AppDep = Annotated[App, Depends(get_app)]


async def get_uow_factory(app: AppDep) -> UowFactory:
    return app.uow_factory()


UowFactoryDep = Annotated[UowFactory, Depends(get_uow_factory)]


async def get_read_uow_factory(app: AppDep) -> UowFactory:
    return app.read_uow_factory()


# Units of work that only read: checking credentials never queues behind writers.
ReadUowFactoryDep = Annotated[UowFactory, Depends(get_read_uow_factory)]


async def get_now() -> datetime:
    return datetime.now(UTC)


Now = Annotated[datetime, Depends(get_now)]


async def now_of(request: Request) -> datetime:
    """What `Now` resolves to (an override of `get_now` included), for a handler that
    takes no dependencies: solving even one costs FastAPI more than the handler's own
    parsing (POST /touches)."""
    provider = request.app.dependency_overrides.get(get_now, get_now)
    now = provider()
    found: datetime = await now if inspect.isawaitable(now) else now
    return found


# The bearer token, if any (no I/O); it also declares the API's security scheme.
ApiCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


def get_api_user(
    request: Request, uow_factory: ReadUowFactoryDep, credentials: ApiCredentials
) -> User:
    return authenticate(request, uow_factory, credentials)


def authenticate(
    request: Request,
    uow_factory: UowFactory,
    credentials: HTTPAuthorizationCredentials | None,
    tokens: TokenCache | None = None,
) -> User:
    """The API's caller, by bearer token or else session cookie (with its CSRF token).

    What `ApiUser` resolves to; a handler may call it itself (no extra trip to a thread).
    With `tokens`, a token checked a moment ago is trusted again (web/token_cache.py).
    """
    if credentials is not None:
        secret = credentials.credentials
        user = tokens.user(uow_factory, secret) if tokens else user_for_token(uow_factory, secret)
        if user is None:
            raise NotAuthenticated("the API token is unknown or was revoked")
        return user
    user = session_user(request, uow_factory)
    if user is None:
        raise NotAuthenticated("send an API token: Authorization: Bearer <token>")
    if is_unsafe(request) and not csrf_matches(request, request.headers.get(CSRF_HEADER)):
        raise CsrfFailed(f"a signed-in browser must send the {CSRF_HEADER} header")
    return user


ApiUser = Annotated[User, Depends(get_api_user)]


async def get_api_actor(user: ApiUser) -> Actor:
    return user.actor


ApiActor = Annotated[Actor, Depends(get_api_actor)]


def get_page_user(request: Request, uow_factory: ReadUowFactoryDep) -> User:
    user = session_user(request, uow_factory)
    if user is None:
        raise LoginRequired()
    return user


PageUser = Annotated[User, Depends(get_page_user)]


def get_team_settings(uow_factory: UowFactoryDep) -> TeamSettings:
    return load_team_settings(uow_factory)


TeamSettingsDep = Annotated[TeamSettings, Depends(get_team_settings)]


async def check_csrf(request: Request) -> None:
    """Every unsafe page request carries the session's CSRF token.

    Pages only ever authenticate by the session cookie, so no request is exempt.
    """
    if not is_unsafe(request):
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)
            submitted = value if isinstance(value, str) else None
    if not csrf_matches(request, submitted):
        raise CsrfFailed("the form has expired or did not come from this site; reload the page")


CsrfChecked = Annotated[None, Depends(check_csrf)]


async def get_form(request: Request) -> FormData:
    """The submitted form, read on the event loop before a plain `def` route runs in
    the thread pool: a route taking its fields by name needs no `async def`, so
    its database work never holds up the loop (and the requests it serves)."""
    return await request.form()


SubmittedForm = Annotated[FormData, Depends(get_form)]
