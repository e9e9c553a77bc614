"""Signing in and out. The sign-in form is CSRF-protected like every form, and
rate-limited per user name and address (services.accounts.sign_in)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ringback.services.accounts import BadCredentials, LoginThrottled, sign_in
from ringback.web.deps import AppDep, Now, UowFactoryDep
from ringback.web.security import client_address, end_session, session_user, start_session
from ringback.web.templating import render

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another one."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, uow_factory: UowFactoryDep, next: str = "/") -> Response:
    if session_user(request, uow_factory) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "username": ""})


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    context = {"next": safe_next(next), "username": username}
    try:
        user = await run_in_threadpool(
            sign_in,
            uow_factory,
            username,
            password,
            client_address(request),
            app.passwords,
            app.login_policy,
            now,
        )
    except LoginThrottled as refused:
        headers = {"Retry-After": str(refused.retry_after)}
        page = render(request, "login.html", {**context, "error": str(refused)}, status_code=429)
        page.headers.update(headers)
        return page
    except BadCredentials as refused:
        return render(request, "login.html", {**context, "error": str(refused)}, status_code=401)
    start_session(request, user)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    end_session(request)
    return RedirectResponse("/login", status_code=303)
