"""`ringback serve`: the web app and the REST API, with uvicorn.

With `--workers N` (N > 1) uvicorn runs N processes sharing the listening socket.
Each builds the app with `worker_app`, from the settings this command resolved,
passed on in the environment (the database URL and data directory, so a worker
reads the session secret that was made here, once, before any worker started).
"""

from __future__ import annotations

import gc
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import typer

from ringback.bootstrap import App
from ringback.cli.common import app_of, console, user_errors
from ringback.cli.demo import demo_app
from ringback.domain.access import Role
from ringback.services.accounts import add_user
from ringback.services.demo import seed_demo
from ringback.settings import Settings

DEMO_USER = "demo"
DEMO_CONTACTS = 200
DEFAULT_WORKERS = 1
WORKER_APP = "ringback.cli.serve:worker_app"


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="Serve a fresh demo database (as `ringback demo`) with a demo owner login.",
    ),
    db: str | None = typer.Option(
        None, "--db", help="Database URL (the same as the global --db option)."
    ),
    workers: int = typer.Option(
        DEFAULT_WORKERS,
        "--workers",
        min=1,
        help="Server processes; more serve more requests at once on several cores "
        "(on SQLite, where processes take turns at the database, one is usually fastest).",
    ),
    access_log: bool = typer.Option(
        False,
        "--access-log/--no-access-log",
        help="Print a line for every request answered (off by default: it costs the "
        "busiest API route about a tenth of its speed; proxies keep their own).",
    ),
) -> None:
    """Start the web app and the REST API (/api/v1) and print their address."""
    import uvicorn

    from ringback.web.app import create_app

    app = _with_db(app_of(ctx), db)
    with user_errors():
        if demo:
            app = _demo(app)
        else:
            app.ensure_schema()
        web = create_app(app)
    url = f"http://{_shown_host(host)}:{port}/"
    console.print(f"Ringback at [bold]{url}[/]  (API: {url}api/v1/docs) — Ctrl+C stops it.")
    if workers == 1:
        settle_heap()
        uvicorn.run(web, **uvicorn_options(host, port, workers, access_log))
        return
    with _worker_environment(app):
        options = uvicorn_options(host, port, workers, access_log)
        uvicorn.run(WORKER_APP, **options, factory=True)


def uvicorn_options(host: str, port: int, workers: int, access_log: bool = False) -> dict[str, Any]:
    """What `serve` hands to uvicorn.run (bench/api_bench.py serves its baseline so too).

    Python's own event loop, not uvloop: under a steady load of concurrent requests
    (a dialer's), uvloop served some connections several rounds late, so one request
    in a hundred waited four to six times the median; asyncio's loop serves them in
    turn (p99 within about 1.5 times the median) at nearly the same CPU per request
    (docs/benchmarks.md, issue 4).
    """
    return {
        "host": host,
        "port": port,
        "workers": workers,
        "loop": "asyncio",
        "proxy_headers": True,
        "log_level": "info",
        "access_log": access_log,
    }


def worker_app() -> Any:
    """The app of one `serve --workers N` process (a uvicorn factory)."""
    from ringback.web.app import create_app

    web = create_app(App(Settings()))
    # Several processes on one SQLite file take turns at its write lock; a process
    # holding it for a whole turn of its event loop (a group commit) would leave
    # the others idle meanwhile, so each request commits on its own here.
    web.state.group_commit = False
    settle_heap()
    return web


def settle_heap() -> None:
    """Move what starting the app made (FastAPI's routes and models, templates, table
    metadata: hundreds of thousands of objects alive as long as the process) out of the
    garbage collector's sight: each full collection would walk them all again, a cost
    every request shares and a pause those in flight wait out (issue 4)."""
    gc.collect()
    gc.freeze()


@contextmanager
def _worker_environment(app: App) -> Iterator[None]:
    """The settings the workers must share, in the environment they inherit."""
    shared = {
        "RINGBACK_DATABASE_URL": app.database_url,
        "RINGBACK_DATA_DIR": str(app.settings.data_dir),
    }
    saved = {name: os.environ.get(name) for name in shared}
    os.environ.update(shared)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _with_db(app: App, db: str | None) -> App:
    if not db:
        return app
    return App(Settings.model_validate({**app.settings.model_dump(), "database_url": db}))


def _demo(app: App) -> App:
    app = demo_app(app)
    app.ensure_schema()
    now = datetime.now(UTC)
    with console.status(f"Creating {DEMO_CONTACTS} demo contacts…"):
        seed_demo(app.uow_factory(), now, count=DEMO_CONTACTS)
    password = secrets.token_urlsafe(12)
    add_user(app.uow_factory(), DEMO_USER, Role.OWNER, password, app.passwords, now)
    console.print(f"Demo login: user [bold]{DEMO_USER}[/], password [bold]{password}[/]")
    return app


def _shown_host(host: str) -> str:
    if host in ("0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
