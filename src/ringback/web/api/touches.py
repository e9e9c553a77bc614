"""/api/v1/touches: log one touch (a JSON object) or a batch (a JSON array).

A batch is one transaction: every touch is logged, or — when one is refused — none,
and the error's `index` says which. Touches with an `external_id` already logged
come back with `duplicate: true` (a retried request logs nothing twice).
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import TypeAdapter, ValidationError

from ringback.adapters.db.engine import sqlite_file_path
from ringback.adapters.db.sqlite_gate import writer_gate
from ringback.adapters.db.uow import KeptConnection, SqlUnitOfWork, kept_uow_factory
from ringback.bootstrap import App
from ringback.domain.access import Actor
from ringback.domain.errors import InvalidField
from ringback.domain.model import Touch, utc
from ringback.domain.phone import parse_phone
from ringback.services.contacts import UowFactory
from ringback.services.touches import BatchRefused, Logged, log_touches
from ringback.views import appointment_public, state_public, touch_public
from ringback.web.api.appointments import send_invites_for
from ringback.web.api.common import MAX_PAGE, answer
from ringback.web.api.schemas import LoggedBatch, LoggedPublic, TouchCreate
from ringback.web.deps import authenticate, bearer_scheme, now_of
from ringback.web.group_commit import GroupCommit
from ringback.web.token_cache import TokenCache

router = APIRouter(tags=["touches"])

SQLITE_THREADS = 2

_ONE = TypeAdapter(TouchCreate)
_SCHEMA_REF = {"$ref": "#/components/schemas/TouchCreate"}
# The body, its 422 and the security scheme, documented here: none is a parameter.
_OPERATION_DOC: dict[str, Any] = {
    "security": [{bearer_scheme.scheme_name: []}],
    "responses": {
        "422": {
            "description": "Validation Error",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}
            },
        }
    },
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [_SCHEMA_REF, {"type": "array", "items": _SCHEMA_REF}],
                    "title": "Payload",
                }
            }
        },
    },
}


@router.post(
    "/touches",
    response_model=LoggedPublic | LoggedBatch,
    status_code=201,
    openapi_extra=_OPERATION_DOC,
    responses={200: {"description": "Every touch had been logged before (duplicates)."}},
)
async def post_touches(request: Request) -> JSONResponse:
    """Log a touch, or a batch of up to 500; each contact's state moves on with it."""
    # The busiest route takes no parameter but the request (each one costs FastAPI
    # more than the function itself): the body, the time, the App and the bearer
    # token are read here, and the caller is checked with the logging, not by a
    # dependency of its own.
    payload = await json_body(request)
    now = await now_of(request)
    app: App = request.app.state.ringback
    credentials = await bearer_scheme(request)
    job = partial(_post_touches, request, payload, credentials, app, now)
    database = _sqlite_file(request, app)
    if database is None:
        in_thread = partial(job, app.uow_factory())
        return await anyio.to_thread.run_sync(in_thread, limiter=_threads(request, app))
    return await _on_the_loop(request, app, job, database)


async def _on_the_loop(
    request: Request, app: App, job: Callable[[UowFactory], JSONResponse], database: Path
) -> JSONResponse:
    """Run `job` here on the event loop, sharing a commit with the requests started in
    the same turn (web/group_commit.py).

    In a thread, every SQLite call hands Python's GIL back and forth with the loop,
    which costs more CPU than the work and, with several server processes, keeps the
    gate held while waiting for the GIL. So the work runs on the loop; when another
    writer holds the gate (nothing was written yet), the process waits for it in one
    thread, and the requests waiting meanwhile share the group opened then.
    """
    member = await _group_commit(request, app, database).join_when_free()
    response = job(member.uow_factory)
    if not getattr(request.app.state, "group_commit", True):
        member.commit_now()  # one of several server processes: see cli/serve.py
    await member.committed()  # answered only once its touches are committed
    return response


def _group_commit(request: Request, app: App, database: Path) -> GroupCommit:
    """This process's GroupCommit for the route (made on first use)."""
    groups: GroupCommit | None = getattr(request.app.state, "touch_groups", None)
    if groups is None:
        open_unit = _kept_uow_factory(request, app)
        groups = GroupCommit(open_unit, writer_gate(database))
        request.app.state.touch_groups = groups
    return groups


def _kept_uow_factory(request: Request, app: App) -> Callable[[], SqlUnitOfWork]:
    """Units of work on the connection this process keeps for the route on the loop."""
    kept: KeptConnection | None = getattr(request.app.state, "touch_connection", None)
    if kept is None:
        kept = request.app.state.touch_connection = KeptConnection(app.engine)
    return kept_uow_factory(app.engine, kept)


def _sqlite_file(request: Request, app: App) -> Path | None:
    """The SQLite database file (worked out once per process), else None."""
    state = request.app.state
    if not hasattr(state, "touch_database"):
        path = sqlite_file_path(app.engine.url)
        state.touch_database = None if path is None else path.resolve()
    found: Path | None = state.touch_database
    return found


async def json_body(request: Request) -> Any:
    """The body as FastAPI reads a required `Body()` parameter, with the same errors.

    JSON when the content type says so (`application/json`, `…+json`), else the raw
    bytes (which validation then refuses); an empty body is missing.
    """
    body = await request.body()
    if not body:
        missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
        raise RequestValidationError([missing])
    if not _is_json(request.headers.get("content-type")):
        return body
    try:
        return json.loads(body)
    except json.JSONDecodeError as error:
        invalid = {
            "type": "json_invalid",
            "loc": ("body", error.pos),
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": error.msg},
        }
        raise RequestValidationError([invalid], body=error.doc) from error
    except ValueError as error:  # not UTF-8 (nor UTF-16 or 32)
        raise HTTPException(400, "There was an error parsing the body") from error


@lru_cache(maxsize=16)
def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _threads(request: Request, app: App) -> anyio.CapacityLimiter | None:
    """On SQLite without a file (in memory, `file:` URIs, so without a writer gate), at
    most SQLITE_THREADS requests of this route at once in a process.

    SQLite writes one transaction at a time, so more threads queueing for it only
    contend for the lock and for Python's GIL, which costs more CPU than the work
    itself; the other requests wait in the event loop, at no cost. Other databases
    take the default thread pool (None).
    """
    if app.engine.dialect.name != "sqlite":
        return None
    limiter: anyio.CapacityLimiter | None = getattr(request.app.state, "touch_threads", None)
    if limiter is None:
        limiter = request.app.state.touch_threads = anyio.CapacityLimiter(SQLITE_THREADS)
    return limiter


def token_cache(request: Request) -> TokenCache:
    """The process's memory of checked tokens for this route (web/token_cache.py)."""
    tokens: TokenCache | None = getattr(request.app.state, "touch_tokens", None)
    if tokens is None:
        tokens = request.app.state.touch_tokens = TokenCache()
    return tokens


def _post_touches(
    request: Request,
    payload: Any,
    credentials: HTTPAuthorizationCredentials | None,
    app: App,
    now: datetime,
    uow_factory: UowFactory,
) -> JSONResponse:
    tokens = token_cache(request)
    actor = authenticate(request, app.read_uow_factory(), credentials, tokens).actor
    batch = isinstance(payload, list)
    items = _parse(payload if batch else [payload], batch)
    region = app.settings.default_region
    touches = []
    for index, item in enumerate(items):
        try:
            touches.append(_touch(item, actor, now, region))
        except InvalidField as error:
            raise (BatchRefused(index, error) if batch else error) from None
    logged = log_touches(uow_factory, touches, actor)
    send_invites_for(app, uow_factory, actor, logged, now)
    status = 200 if all(entry.duplicate for entry in logged) else 201
    if batch:
        return answer({"results": [_logged(entry) for entry in logged]}, status)
    return answer(_logged(logged[0]), status)


def _parse(raw: list[Any], batch: bool) -> list[TouchCreate]:
    if not raw or len(raw) > MAX_PAGE:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": f"send 1 to {MAX_PAGE} touches", "type": "value_error"}]
        )
    parsed, errors = [], []
    for index, item in enumerate(raw):
        try:
            parsed.append(_ONE.validate_python(item))
        except ValidationError as error:
            where = ("body", index) if batch else ("body",)
            errors += [{**e, "loc": (*where, *e["loc"])} for e in error.errors()]
    if errors:
        raise RequestValidationError(errors)
    return parsed


def _touch(body: TouchCreate, actor: Actor, now: datetime, region: str) -> Touch:
    return Touch(
        contact_id=body.contact_id,
        channel=body.channel,
        outcome=body.outcome,
        direction=body.direction,
        at=utc(body.at or now),
        duration_s=body.duration_s,
        notes=body.notes,
        template=body.template,
        user=actor.name,
        next_at=utc(body.next_at) if body.next_at else None,
        next_kind=body.next_kind,
        next_scope=body.next_scope,
        phone=parse_phone(body.phone, region, field="phone").e164 if body.phone else None,
        external_id=body.external_id,
    )


def _logged(entry: Logged) -> dict[str, Any]:
    return {
        "touch": touch_public(entry.touch),
        "state": state_public(entry.state),
        "appointment": appointment_public(entry.appointment) if entry.appointment else None,
        "duplicate": entry.duplicate,
    }
