"""`ringback user …` and `ringback token …`: accounts and API tokens (docs/api.md)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import typer
from rich.table import Table

from ringback.cli.common import app_of, console, errors, print_json, user_errors
from ringback.domain.access import parse_role
from ringback.domain.phone import format_international
from ringback.services import accounts
from ringback.views import iso

user_app = typer.Typer(help="Users who sign in to the web app: owner, admin or rep.")
token_app = typer.Typer(help="API tokens: `Authorization: Bearer <token>` on /api/v1.")

ROLE_HELP = "owner (everything), admin (every contact, manages reps) or rep (team + own)."


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user", no_args_is_help=True)
    app.add_typer(token_app, name="token", no_args_is_help=True)


def _password(from_stdin: bool, none: bool) -> str | None:
    if none:
        return None
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@user_app.command("add")
def add_user(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="User name (lower case letters, digits, . _ @ -)."),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
    no_password: bool = typer.Option(
        False, "--no-password", help="No password: the user can only use API tokens."
    ),
    phone: str = typer.Option(
        "", "--phone", help="Their phone, which click-to-call rings (see `user phone`)."
    ),
) -> None:
    """Add a user; asks for the password (at least 10 characters) unless told otherwise."""
    app = app_of(ctx)
    with user_errors():
        chosen = parse_role(role)
        app.ensure_schema()
        password = _password(password_stdin, no_password)
        user = accounts.add_user(
            app.uow_factory(), name, chosen, password, app.passwords, datetime.now(UTC),
            phone=phone, region=app.settings.default_region,
        )  # fmt: skip
    console.print(f"Added {user.role.value} [bold]{user.name}[/].")


@user_app.command("password")
def set_password(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="User name."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
) -> None:
    """Set a new password; the user's open sessions end."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        password = _password(password_stdin, none=False) or ""
        user = accounts.set_password(app.uow_factory(), name, password, app.passwords)
    console.print(f"New password set for [bold]{user.name}[/].")


@user_app.command("phone")
def set_phone(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="User name."),
    phone: str = typer.Argument(
        "", help="Their phone, in any format; leave out to remove it (rep_phone then rings)."
    ),
) -> None:
    """Set the phone click-to-call rings for this user (each rep their own)."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        user = accounts.set_phone(app.uow_factory(), name, phone, app.settings.default_region)
    if user.phone:
        console.print(
            f"Click-to-call rings {format_international(user.phone)} for [bold]{user.name}[/]."
        )
    else:
        console.print(f"No phone for [bold]{user.name}[/]: click-to-call rings rep_phone.")


@user_app.command("deactivate")
def deactivate_user(ctx: typer.Context, name: str = typer.Argument(..., help="User name.")) -> None:
    """Switch a user off: no sign-in, sessions end, API tokens stop; their data stays."""
    _set_active(ctx, name, active=False)


@user_app.command("activate")
def activate_user(ctx: typer.Context, name: str = typer.Argument(..., help="User name.")) -> None:
    """Switch a deactivated user on again, with their password and tokens as they were."""
    _set_active(ctx, name, active=True)


def _set_active(ctx: typer.Context, name: str, active: bool) -> None:
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        user = accounts.set_active(app.uow_factory(), name, active)
    console.print(f"[bold]{user.name}[/] is {'active' if user.active else 'deactivated'}.")


@user_app.command("list")
def list_users(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the users as JSON."),
) -> None:
    """Every user with their role."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        users = accounts.list_users(app.uow_factory())
    rows = [
        {
            "name": u.name,
            "role": u.role.value,
            "password": u.password_hash is not None,
            "active": u.active,
            "phone": u.phone,
            "created_at": iso(u.created_at),
        }
        for u in users
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("User", "Role", "Password", "Active", "Phone")
    for u in users:
        phone = format_international(u.phone) if u.phone else ""
        table.add_row(
            u.name, u.role.value, _yes(u.password_hash is not None), _yes(u.active), phone
        )
    console.print(table)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


@token_app.command("create")
def create_token(
    ctx: typer.Context,
    user: str = typer.Argument(..., help="Whose token: it acts with that user's rights."),
    name: str = typer.Option("api", "--name", help="What the token is for, e.g. 'dialer'."),
) -> None:
    """Create an API token and print it once; only a hash of it is stored."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        made = accounts.create_token(app.uow_factory(), user, name, datetime.now(UTC))
    typer.echo(made.secret)
    errors.print(
        f"Token #{made.token.id} ({made.token.name}) for {user}: copy it now, it is not "
        "shown again.",
        highlight=False,
    )


@token_app.command("list")
def list_tokens(
    ctx: typer.Context,
    user: str = typer.Argument(..., help="User name."),
) -> None:
    """A user's tokens (ids and names; the secrets are not stored)."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        tokens = accounts.list_tokens(app.uow_factory(), user)
    table = Table("Id", "Name", "Created")
    for token in tokens:
        table.add_row(str(token.id), token.name, iso(token.created_at) or "")
    console.print(table)


@token_app.command("revoke")
def revoke_token(
    ctx: typer.Context,
    token_id: int = typer.Argument(..., help="The token's id (see `token list`)."),
) -> None:
    """Revoke a token: requests with it are refused from now on."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        accounts.revoke_token(app.uow_factory(), token_id)
    console.print(f"Token #{token_id} revoked.")
