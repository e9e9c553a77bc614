"""`ringback add` and `ringback show`."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.table import Table

from ringback.cli.common import (
    app_of,
    console,
    local,
    print_json,
    user_errors,
)
from ringback.domain.contact_input import contact_from_record
from ringback.domain.errors import InvalidField
from ringback.services.contacts import ContactOverview, add_contact, contact_overview
from ringback.views import appointment_public, contact_public, state_public, touch_public


def register(app: typer.Typer) -> None:
    app.command("add")(add)
    app.command("show")(show)


def add(
    ctx: typer.Context,
    name: str = typer.Option(..., "--name", help="Full name, e.g. 'Alice Moreno'."),
    phone: list[str] = typer.Option(
        [], "--phone", help="Phone in any format; repeat for several. +code or default region."
    ),
    first_name: str | None = typer.Option(None, "--first-name", help="Name to address them by."),
    email: str | None = typer.Option(None, "--email"),
    company: str | None = typer.Option(None, "--company"),
    title: str | None = typer.Option(None, "--title", help="Job title."),
    segment: str | None = typer.Option(None, "--segment", help="Market segment."),
    referred_by: str | None = typer.Option(None, "--referred-by", help="The mutual connection."),
    reason: str | None = typer.Option(
        None, "--reason", help="Why you reach out (needed before any voicemail, R7)."
    ),
    timezone: str | None = typer.Option(
        None, "--timezone", help="IANA zone, overrides the one derived from the number (R5)."
    ),
    address: str | None = typer.Option(None, "--address", help="Postal address (for letters)."),
    country: str | None = typer.Option(None, "--country", help="ISO country code, e.g. DE."),
    owner: str | None = typer.Option(None, "--owner", help="User who owns the contact."),
    preferred_channel: str | None = typer.Option(
        None, "--preferred-channel", help="call or email (email means email-first, R10)."
    ),
    personal: bool = typer.Option(False, "--personal", help="A personal, not business, contact."),
    tag: list[str] = typer.Option([], "--tag", help="A tag; repeat for several."),
    field: list[str] = typer.Option([], "--field", help="Custom field as key=value; repeatable."),
    region: str | None = typer.Option(
        None, "--region", help="Region for numbers without +code (default: setting)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the new contact as JSON."),
) -> None:
    """Add one contact. Prints it; with --json an object with its `id`."""
    app = app_of(ctx)
    record: dict[str, str | None] = {
        "full_name": name,
        "first_name": first_name,
        # one number is reported as field "phone", as the option is named
        "phone" if len(phone) == 1 else "phones": ";".join(phone) or None,
        "email": email,
        "company": company,
        "title": title,
        "segment": segment,
        "referred_by": referred_by,
        "reason": reason,
        "timezone": timezone,
        "address": address,
        "country": country,
        "owner": owner,
        "preferred_channel": preferred_channel,
        "personal": "yes" if personal else None,
        "tags": ",".join(tag) or None,
    }
    with user_errors():
        record.update(_custom_fields(field))
        contact = contact_from_record(record, default_region=region or app.settings.default_region)
        contact.created_at = datetime.now(UTC)
        app.ensure_schema()
        saved = add_contact(app.uow_factory(), contact, now=contact.created_at)
    if as_json:
        print_json(contact_public(saved))
        return
    console.print(f"Added [bold]{saved.full_name}[/] (#{saved.id}), time zone {saved.timezone}.")
    if saved.timezone_ambiguous:
        candidates = ", ".join(saved.timezone_candidates[:6])
        console.print(
            f"[yellow]The number rings in several zones ({candidates}…): calls are planned in "
            "their overlap until you set --timezone (R5).[/]"
        )


def _custom_fields(pairs: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidField("field", f"{pair!r} is not key=value")
        fields[key.strip()] = value.strip()
    return fields


def show(
    ctx: typer.Context,
    contact: str = typer.Argument(..., help="Id, phone number (any format), email or name."),
    as_json: bool = typer.Option(False, "--json", help="Print contact, state and timeline."),
) -> None:
    """Show a contact and its timeline, in your local time and theirs."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        overview = contact_overview(app.uow_factory(), contact, app.settings.default_region)
    if as_json:
        print_json(_overview_public(overview))
        return
    _print_card(overview, app.settings.user_timezone)
    _print_timeline(overview, app.settings.user_timezone)


def _overview_public(overview: ContactOverview) -> dict[str, object]:
    return {
        **contact_public(overview.contact),
        "state": state_public(overview.state),
        "touches": [touch_public(t) for t in overview.touches],
        "appointments": [appointment_public(a) for a in overview.appointments],
    }


def _print_card(overview: ContactOverview, user_zone: str) -> None:
    c, state = overview.contact, overview.state
    console.print(f"[bold]{c.full_name}[/] (#{c.id})  {c.title or ''} {c.company or ''}".rstrip())
    zone = c.timezone + (" [yellow](ambiguous)[/]" if c.timezone_ambiguous else "")
    rows = [
        ("Phones", ", ".join(f"{p.e164} ({p.kind})" for p in c.phones) or "—"),
        ("Email", c.email or "—"),
        ("Time zone", zone),
        ("Referred by", c.referred_by or "—"),
        ("Reason", c.reason or "—"),
        ("Segment", c.segment or "—"),
        ("Status", f"{state.status} · {len(overview.touches)} touches logged"),
        (
            "Next due",
            f"{local(state.next_due_at, user_zone)} (you) · "
            f"{local(state.next_due_at, c.timezone)} (them)",
        ),
    ]
    for label, value in rows:
        console.print(f"  [dim]{label:<12}[/] {value}", highlight=False)


def _print_timeline(overview: ContactOverview, user_zone: str) -> None:
    table = Table(title="Timeline", title_justify="left")
    for column in ("#", f"Your time ({user_zone})", "Their time", "Channel", "Outcome", "Notes"):
        table.add_column(column)
    for t in overview.touches:
        table.add_row(
            str(t.id),
            local(t.at, user_zone),
            local(t.at, overview.contact.timezone),
            f"{t.channel} {'←' if t.direction == 'inbound' else '→'}",
            t.outcome.value,
            t.notes or "",
        )
    console.print(table)
    for a in overview.appointments:
        console.print(f"  Appointment {local(a.start, user_zone)} (you) · {a.title} · {a.uid}")
