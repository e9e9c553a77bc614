"""What every command shares: the app context, input parsing, output and error mapping."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from ringback.bootstrap import App
from ringback.domain.errors import InvalidField, NotFound, RingbackError, RuleRefusal
from ringback.domain.model import utc

console = Console()
errors = Console(stderr=True)

EXIT_USER_ERROR = 1
EXIT_SOME_REJECTED = 3


def app_of(ctx: typer.Context) -> App:
    app = ctx.obj
    assert isinstance(app, App), "the root callback sets the App"
    return app


def fail(message: str, code: int = EXIT_USER_ERROR) -> NoReturn:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn domain errors into one clear line on stderr and a non-zero exit."""
    try:
        yield
    except RuleRefusal as exc:
        fail(f"refused by {exc.rule}: {exc.message}")
    except InvalidField as exc:
        fail(str(exc))
    except NotFound as exc:
        fail(str(exc))
    except RingbackError as exc:
        fail(str(exc))


def parse_instant(value: str | None, field: str, default_zone: str) -> datetime | None:
    """ISO 8601 instant; one without an offset is read in the user's time zone."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidField(field, f"{value!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(default_zone))
    return utc(parsed)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def local(value: datetime | None, zone: str, fmt: str = "%a %d %b %H:%M") -> str:
    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(zone)).strftime(fmt)
