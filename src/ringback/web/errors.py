"""From errors to responses: one JSON shape for the API, a plain page for the pages.

Every API error is

    {"error": {"status": 422, "code": "invalid_field", "message": "…",
               "field": "phone", "rule": null, "index": null, "errors": [...]}}

- `field`: the input field at fault (dotted, with [i] for list items), if any;
- `rule`: the product rule that refused the action (R1…R19, PRODUCT.md), if any;
- `index`: for a batch (a JSON array body), the position of the item at fault;
- `errors`: every problem found, each with `field` and `message` (validation).

Codes: invalid_field and rule_refused (422), not_authenticated (401), forbidden
and csrf_failed (403), not_found (404), too_many_attempts (429), and for other
HTTP errors the status's own phrase in snake case.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, NamedTuple
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from ringback.domain.errors import (
    InvalidField,
    NotFound,
    NotPermitted,
    RingbackError,
    RuleRefusal,
)
from ringback.services.accounts import BadCredentials, LoginThrottled
from ringback.services.touches import BatchRefused

API_PREFIX = "/api/"


class WebError(RingbackError):
    """An HTTP-level refusal raised by the web layer itself."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers


class NotAuthenticated(WebError):
    status, code = 401, "not_authenticated"

    def __init__(self, message: str) -> None:
        super().__init__(message, {"WWW-Authenticate": "Bearer"})


class Forbidden(WebError):
    status, code = 403, "forbidden"


class CsrfFailed(WebError):
    status, code = 403, "csrf_failed"


class LoginRequired(RingbackError):
    """A page needs a signed-in user: the browser is sent to the sign-in page."""


def error_body(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    rule: str | None = None,
    index: int | None = None,
    errors: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    listed = list(errors) or ([{"field": field, "message": message}] if field else [])
    return {
        "error": {
            "status": status,
            "code": code,
            "message": message,
            "field": field,
            "rule": rule,
            "index": index,
            "errors": listed,
        }
    }


def describe(error: Exception) -> tuple[int, dict[str, Any], dict[str, str] | None]:
    """(status, body, headers) for any error the app answers itself."""
    if isinstance(error, BatchRefused):
        status, body, headers = describe(error.error)
        body["error"]["index"] = error.index
        return status, body, headers
    if isinstance(error, InvalidField):
        problems = [{"field": error.field, "message": error.message}]
        body = error_body(422, "invalid_field", str(error), field=error.field, errors=problems)
        return 422, body, None
    if isinstance(error, RuleRefusal):
        body = error_body(422, "rule_refused", str(error), field=error.field, rule=error.rule)
        return 422, body, None
    if isinstance(error, NotFound):
        return 404, error_body(404, "not_found", str(error)), None
    if isinstance(error, NotPermitted):
        return 403, error_body(403, "forbidden", str(error)), None
    if isinstance(error, LoginThrottled):
        headers = {"Retry-After": str(error.retry_after)}
        return 429, error_body(429, "too_many_attempts", str(error)), headers
    if isinstance(error, BadCredentials):
        return 401, error_body(401, "not_authenticated", str(error)), None
    if isinstance(error, WebError):
        return error.status, error_body(error.status, error.code, error.message), error.headers
    return 400, error_body(400, "bad_request", str(error)), None


class _Problem(NamedTuple):
    field: str | None
    message: str
    position: int | None


def validation_body(error: RequestValidationError) -> dict[str, Any]:
    problems = [_problem(item) for item in error.errors()] or [
        _Problem(None, "invalid request", None)
    ]
    first = problems[0]
    return error_body(
        422,
        "invalid_field",
        f"{first.field}: {first.message}" if first.field else first.message,
        field=first.field,
        index=first.position,
        errors=[{"field": p.field, "message": p.message} for p in problems],
    )


def _problem(item: Any) -> _Problem:
    """A pydantic error with its location as a field name; body/query prefix dropped."""
    loc = [part for part in item.get("loc", ()) if part not in ("body", "query", "path")]
    index = loc.pop(0) if loc and isinstance(loc[0], int) else None
    field = ""
    for part in loc:
        field += f"[{part}]" if isinstance(part, int) else f"{'.' if field else ''}{part}"
    return _Problem(field or None, str(item.get("msg", "invalid")), index)


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def install(app: FastAPI, page_error: Any) -> None:
    """Register the handlers; `page_error(request, status, message)` renders a page."""

    async def ringback_error(request: Request, error: Exception) -> Response:
        if isinstance(error, LoginRequired):
            return _to_login(request)
        status, body, headers = describe(error)
        if is_api(request):
            return JSONResponse(body, status_code=status, headers=headers)
        return page_error(request, status, body["error"]["message"])  # type: ignore[no-any-return]

    async def invalid_request(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        body = validation_body(error)
        if is_api(request):
            return JSONResponse(body, status_code=422)
        return page_error(request, 422, body["error"]["message"])  # type: ignore[no-any-return]

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        phrase = HTTPStatus(error.status_code).phrase
        code = phrase.lower().replace(" ", "_").replace("-", "_")
        message = str(error.detail) if error.detail else phrase
        if is_api(request):
            body = error_body(error.status_code, code, message)
            return JSONResponse(body, status_code=error.status_code, headers=error.headers)
        return page_error(request, error.status_code, message)  # type: ignore[no-any-return]

    app.add_exception_handler(RingbackError, ringback_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(HTTPException, http_error)


def _to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = f"/login?next={quote(target, safe='/')}"
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)
