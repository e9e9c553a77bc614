"""`ringback demo`: a demo database to try Ringback with zero setup."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import typer

from ringback.bootstrap import App
from ringback.cli.common import app_of, console, user_errors
from ringback.cli.plan import deferred_line, local_midnight, plan_table
from ringback.domain.planner import DAY
from ringback.services.demo import seed_demo
from ringback.services.plan import plan_range
from ringback.settings import Settings

TODAY_SHOWN = 15


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    contacts: int = typer.Option(200, "--contacts", min=1, help="How many synthetic contacts."),
    seed: int = typer.Option(7, "--seed", help="Random seed; the same seed, the same people."),
) -> None:
    """Build a demo database (SQLite by default) and show what Ringback sees in it.

    Without --db the demo gets its own file, demo.sqlite in the data directory,
    rebuilt on each run, so it never mixes with your real contacts.
    """
    app = demo_app(app_of(ctx))
    now = datetime.now(UTC)
    with console.status(f"Creating {contacts} demo contacts with a few weeks of history…"):
        with user_errors():
            app.ensure_schema()
            seed_demo(app.uow_factory(), now, count=contacts, seed=seed)
    _summary(app, now)


def _today(app: App, now: datetime) -> None:
    """Today's plan (R18), the first items of it, as `ringback today` shows it."""
    start = local_midnight(now, app.settings.user_timezone)
    day = plan_range(app.uow_factory(), start, start + DAY)
    console.print(plan_table(day, f"Today's plan (first {TODAY_SHOWN})", limit=TODAY_SHOWN))
    console.print(deferred_line(day))


def demo_app(app: App) -> App:
    """The app on the demo database: demo.sqlite in the data directory, made anew."""
    if app.settings.database_url:
        return app
    path = app.settings.data_dir / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    settings = app.settings.model_copy(update={"database_url": f"sqlite:///{path}"})
    return App(Settings.model_validate(settings.model_dump()))


def _summary(app: App, now: datetime) -> None:
    uow_factory = app.uow_factory()
    with uow_factory() as uow:
        contacts = list(uow.contacts.list())
        statuses = uow.states.count_by_status()
        touches = uow.touches.count()
    zones = Counter(c.timezone for c in contacts)
    console.print(
        f"[bold]{len(contacts)}[/] contacts in {len({c.country for c in contacts})} countries "
        f"and {len(zones)} time zones, [bold]{touches}[/] touches logged."
    )
    console.print("By status: " + ", ".join(f"{s.value} {n}" for s, n in sorted(statuses.items())))
    _today(app, now)
    console.print(f"Database: {app.database_url}")
    console.print(f"Try: ringback --db {app.database_url} show {contacts[0].id}")
