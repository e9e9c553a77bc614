"""Jinja2 templates for the pages (templates/), with what every page needs.

Autoescaping is on for .html. Every template gets `request`, `user` (the signed-in
User or None), `csrf_token(request)`, `static_url(name)`, `take_flashes(request)`
(web/flash.py) and the time and phone helpers of web/formatting.py. A form includes the token with

    {% from "_forms.html" import csrf_field with context %}
    <form method="post">{{ csrf_field() }} …</form>

and HTMX requests carry it in a header (base.html sets `hx-headers`). Pages load
scripts and styles only from /static (the Content-Security-Policy allows no inline
script): put page behaviour in hx- attributes or in a static file.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.templating import Jinja2Templates

from ringback.domain.access import User
from ringback.web import formatting
from ringback.web.flash import take_flashes
from ringback.web.security import CSRF_FIELD, CSRF_HEADER, csrf_token

environment = Environment(
    loader=PackageLoader("ringback.web", "templates"),
    autoescape=select_autoescape(["html"]),
)
STATIC_PREFIX = "/static/"


def static_url(name: str) -> str:
    """A path (not a full URL), so pages behind an HTTPS proxy never mix schemes."""
    return STATIC_PREFIX + name


environment.globals.update(
    csrf_token=csrf_token,
    static_url=static_url,
    CSRF_FIELD=CSRF_FIELD,
    CSRF_HEADER=CSRF_HEADER,
    app_name="Ringback",
    take_flashes=take_flashes,
    **formatting.GLOBALS,
)
environment.filters.update(formatting.FILTERS)
templates = Jinja2Templates(env=environment)


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    user: User | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The template `name` as a page; `user` is who is signed in (None on /login)."""
    values = {"user": user, **(context or {})}
    return templates.TemplateResponse(request, name, values, status_code=status_code)


def page_error(request: Request, status_code: int, message: str) -> HTMLResponse:
    """The page shown when a page request is refused (web/errors.py)."""
    context = {"status": status_code, "message": message}
    return render(request, "error.html", context, status_code=status_code)
