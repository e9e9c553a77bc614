"""`ringback script`: the words for a contact's next step, with the linter's findings.

Public contract (docs/messages.md): `--json` prints `{"contact_id", "step",
"template", "audience", "subject", "text", "seconds", "ready", "findings": [{"rule",
"code", "severity", "message", "where"}], "note"}`. The exit code is 1 when any
finding is an error (the message is refused, R7/R19), else 0.
"""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.markup import escape

from ringback.bootstrap import App
from ringback.cli.common import app_of, console, parse_instant, print_json, user_errors
from ringback.domain.scripts import Finding, Script, Severity, parse_step
from ringback.services.contacts import find_contact
from ringback.services.scripts import ContactScript, script_for
from ringback.views import script_public

STEP_HELP = (
    "first_voicemail, followup_voicemail, email_first, email_followup, email_slots or letter "
    "(default: the contact's next step)."
)
SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
# What fills the fields a user can fix from the terminal (R19 findings).
SETTING_HINTS = {
    "me.name": "set RINGBACK_SENDER_NAME",
    "me.number": "set RINGBACK_SENDER_PHONE",
    "me.phone": "set RINGBACK_SENDER_PHONE",
    "me.company": "set RINGBACK_SENDER_COMPANY",
    "me.email": "set RINGBACK_SENDER_EMAIL",
    "slots": "no free time to propose: give the times with --slot",
}


def register(app: typer.Typer) -> None:
    app.command("script")(script)


def script(
    ctx: typer.Context,
    contact: str = typer.Argument(..., help="Id, phone number, email or name."),
    step: str | None = typer.Option(None, "--step", help=STEP_HELP),
    template: str | None = typer.Option(
        None, "--template", help="KEY or KEY:VARIANT (default: the step's template, A/B variant)."
    ),
    slot: list[str] = typer.Option(
        [],
        "--slot",
        help="A proposed call time for email_slots, ISO 8601 (give two, R9). "
        "Default: two free times in the contact's window, as `ringback propose` picks them.",
    ),
    at: str | None = typer.Option(None, "--at", help="As of this instant, ISO 8601 (default now)."),
    audience: str | None = typer.Option(
        None, "--audience", help="sales, networking, freelance… (default: the setting)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the script and findings as JSON."),
) -> None:
    """Print the script for the contact's next step (R7–R10, R13, R19) and the linter's
    findings; exit 1 when a finding is an error (the message is refused)."""
    app = app_of(ctx)
    zone = app.settings.user_timezone
    with user_errors():
        app.ensure_schema()
        when = parse_instant(at, "at", zone) or datetime.now(UTC)
        slots = [parse_instant(s, "slot", zone) for s in slot]
        found = script_for(
            app.uow_factory(),
            _contact_id(app, contact),
            parse_step(step) if step else None,
            when,
            app.sender(),
            template=template,
            slots=[s for s in slots if s is not None] if slot else None,
            calendar_user=app.settings.user,
            audience=audience or app.settings.audience,
            phrases=app.flagged_phrases(),
        )
    if as_json:
        print_json(script_public(found))
    else:
        print_script(found)
    if not found.script.ready:
        raise typer.Exit(1)


def _contact_id(app: App, ref: str) -> int:
    with app.uow_factory()() as uow:
        found = find_contact(uow, ref, app.settings.default_region)
    assert found.id is not None
    return found.id


def print_script(found: ContactScript) -> None:
    script = found.script
    console.print(
        f"[bold]{escape(found.contact.full_name)}[/] · {script.step.label} · "
        f"{escape(script.template)} ({escape(script.audience)}) · "
        f"about {script.seconds:.0f} s spoken",
        highlight=False,
    )
    if found.note:
        console.print(escape(found.note), style="italic", highlight=False)
    print_message(script)


def print_message(script: Script) -> None:
    """The subject and text as plain text, then the findings."""
    typer.echo("")
    if script.subject is not None:
        typer.echo(f"Subject: {script.subject}\n")
    typer.echo(script.text)
    typer.echo("")
    print_findings(script.findings)


def print_findings(findings: tuple[Finding, ...]) -> None:
    if not findings:
        console.print("No findings: ready to use.", style="green")
        return
    order = list(Severity)
    for finding in sorted(findings, key=lambda f: order.index(f.severity)):
        style = SEVERITY_STYLE[finding.severity]
        where = f" [{finding.where}]" if finding.where else ""
        hint = SETTING_HINTS.get((finding.where or "").split("[")[0])
        extra = f" ({hint})" if hint and finding.rule == "R19" else ""
        console.print(
            f"[{style}]{finding.severity.value:<7}[/] {finding.rule:<4} {finding.code}"
            f"{escape(where)}: {escape(finding.message)}{escape(extra)}",
            highlight=False,
        )
