"""`ringback serve`: the web app and the REST API, with uvicorn."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

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
    uvicorn.run(web, host=host, port=port, proxy_headers=True, log_level="info")


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
