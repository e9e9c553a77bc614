"""`ringback today`, `plan`, `why` and `prefer`: the day's work and the reasons behind it.

Public contract (docs/cli.md): `plan --json` prints `{"items": [...]}` with the keys
of `PlanItem.as_dict`, instants ISO 8601 UTC, ordered by priority (R18), plus the
deferred and stopped counts (never dropped silently, R18).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from ringback.bootstrap import App
from ringback.cli.common import app_of, console, local, parse_instant, print_json, user_errors
from ringback.cli.touches import parse_choice
from ringback.domain.errors import InvalidField
from ringback.domain.model import PreferredWindow, Weekday
from ringback.domain.planner import DAY, Plan, PlanItem
from ringback.services.plan import Why, plan_range, set_preferences, why
from ringback.views import iso, plan_public, why_public

CAPACITY_HELP = "Most actions per day (R14; default: the policy's daily capacity, 50)."


def register(app: typer.Typer) -> None:
    app.command("today")(today)
    app.command("plan")(plan)
    app.command("why")(why_command)
    app.command("prefer")(prefer)


def today(
    ctx: typer.Context,
    capacity: int | None = typer.Option(None, "--capacity", min=1, help=CAPACITY_HELP),
    user: str | None = typer.Option(None, "--user", help="Plan this user's contacts."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """Today's calls and messages in order (R18), at the contact's local time."""
    app = app_of(ctx)
    start = local_midnight(datetime.now(UTC), app.settings.user_timezone)
    with user_errors():
        day = _plan(app, start, start + DAY, capacity, user)
    _show(day, as_json, f"Today ({start.astimezone(_zone(app)):%a %d %b})")


def plan(
    ctx: typer.Context,
    start: str = typer.Option(..., "--from", help="Start, ISO 8601 (no offset = your zone)."),
    end: str = typer.Option(..., "--to", help="End (exclusive), ISO 8601."),
    capacity: int | None = typer.Option(None, "--capacity", min=1, help=CAPACITY_HELP),
    user: str | None = typer.Option(None, "--user", help="Plan this user's contacts."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """The ordered plan for a time range: past ranges replay, future ones plan ahead."""
    app = app_of(ctx)
    zone = app.settings.user_timezone
    with user_errors():
        begin = _required(parse_instant(start, "from", zone))
        finish = _required(parse_instant(end, "to", zone))
        if finish <= begin:
            raise InvalidField("to", f"{end!r} is not after --from {start!r}")
        result = _plan(app, begin, finish, capacity, user)
    _show(result, as_json, f"Plan {local(begin, zone)} – {local(finish, zone)}")


def why_command(
    ctx: typer.Context,
    contact: str = typer.Argument(..., help="Id, phone number, email or name."),
    at: str | None = typer.Option(None, "--at", help="As of this instant, ISO 8601 (default now)."),
    as_json: bool = typer.Option(False, "--json", help="Print the trace as JSON."),
) -> None:
    """The rule trace: which rule set the next action, which guardrails moved or refused it."""
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        when = parse_instant(at, "at", app.settings.user_timezone) or datetime.now(UTC)
        found = why(app.uow_factory(), contact, when, app.settings.default_region)
    if as_json:
        print_json(why_public(found))
        return
    _print_why(found, app.settings.user_timezone)


def prefer(
    ctx: typer.Context,
    contact: str = typer.Argument(..., help="Id, phone number, email or name."),
    days: list[str] = typer.Option([], "--days", help="Days, e.g. tue,thu (one per --between)."),
    between: list[str] = typer.Option([], "--between", help="Local times, e.g. 14:00-17:00."),
    clear: bool = typer.Option(False, "--clear", help="Forget every stated preference."),
    as_json: bool = typer.Option(False, "--json", help="Print the stored windows as JSON."),
) -> None:
    """Store when the contact asked to be reached (R4); plans keep inside it."""
    app = app_of(ctx)
    with user_errors():
        windows = parse_windows(days, between, clear)
        app.ensure_schema()
        saved, state = set_preferences(
            app.uow_factory(), contact, windows, app.settings.default_region
        )
    shown = [window_text(w) for w in saved.preferred_windows]
    if as_json:
        print_json(
            {
                "contact_id": saved.id,
                "preferred_windows": shown,
                "next_due_at": iso(state.next_due_at),
            }
        )
        return
    console.print(f"{saved.full_name}: " + ("; ".join(shown) or "no stated preference") + " (R4).")


def parse_windows(days: list[str], between: list[str], clear: bool) -> list[PreferredWindow]:
    """Pairs of --days and --between into preferred windows; --clear gives none."""
    if clear and (days or between):
        raise InvalidField("clear", "--clear cannot go with --days/--between")
    if clear:
        return []
    if not days or len(days) != len(between):
        raise InvalidField(
            "days",
            "give --days and --between in pairs, e.g. --days tue,thu "
            "--between 14:00-17:00 (or --clear)",
        )
    return [_window(d, b) for d, b in zip(days, between, strict=True)]


def _window(days: str, between: str) -> PreferredWindow:
    chosen = tuple(parse_choice(Weekday, d, "days") for d in days.split(",") if d.strip())
    start, sep, end = between.partition("-")
    if not sep:
        raise InvalidField("between", f"{between!r} is not a range like 14:00-17:00")
    return PreferredWindow(chosen, _time(start), _time(end))


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text.strip().zfill(5))
    except ValueError:
        raise InvalidField("between", f"{text!r} is not a time like 14:00") from None


def window_text(window: PreferredWindow) -> str:
    days = ",".join(d.value for d in window.days)
    return f"{days} {window.start:%H:%M}-{window.end:%H:%M}"


def local_midnight(now: datetime, zone: str) -> datetime:
    """The start of the user's local day containing `now`, in UTC."""
    day = now.astimezone(ZoneInfo(zone)).date()
    return datetime.combine(day, time(0), ZoneInfo(zone)).astimezone(UTC)


def _zone(app: App) -> ZoneInfo:
    return ZoneInfo(app.settings.user_timezone)


def _required(value: datetime | None) -> datetime:
    assert value is not None
    return value


def _plan(app: App, start: datetime, end: datetime, capacity: int | None, user: str | None) -> Plan:
    app.ensure_schema()
    return plan_range(app.uow_factory(), start, end, capacity, user)


def _show(result: Plan, as_json: bool, title: str) -> None:
    if as_json:
        print_json(plan_public(result))
        return
    console.print(plan_table(result, title))
    console.print(deferred_line(result))


def plan_table(result: Plan, title: str, limit: int | None = None) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("Their time", "Who", "Channel", "Attempt", "Tier", "Voicemail", "Why now"):
        table.add_column(column)
    for item in result.items[:limit]:
        table.add_row(*_row(item))
    return table


def _row(item: PlanItem) -> tuple[str, ...]:
    a = item.action
    return (
        local(a.suggested_at, a.timezone, "%a %H:%M %Z"),
        item.name,
        str(a.channel),
        attempt_text(a.attempt),
        str(a.tier),
        str(a.on_voicemail) if a.on_voicemail is not None else "",
        a.reason,
    )


def attempt_text(attempt: int) -> str:
    """R13: every attempt as warm as the first; the number is for you, not for them."""
    return "#1 — first touch" if attempt <= 1 else f"#{attempt} — as gracious as the first"


def deferred_line(result: Plan) -> str:
    """What is due but not planned, by rule (R18: never dropped silently)."""
    counts = result.deferred_counts
    total = sum(counts.values())
    line = f"{len(result.items)} planned; {total} deferred"
    if counts:
        line += " (" + "; ".join(f"{n} × {why}" for why, n in sorted(counts.items())) + ")"
    if result.stopped:
        line += "; stopped: " + "; ".join(f"{n} × {s}" for s, n in result.stopped.items())
    return line + "."


def _print_why(found: Why, zone: str) -> None:
    contact, action = found.contact, found.explanation.action
    console.print(f"[bold]{contact.full_name}[/] (#{contact.id}) as of {local(found.at, zone)}:")
    if action is None:
        console.print("No next action.")
    else:
        console.print(
            f"Next: {action.channel} {attempt_text(action.attempt)}, {action.tier}, "
            f"{local(action.window_start, action.timezone, '%a %d %b %H:%M')}–"
            f"{local(action.window_end, action.timezone, '%H:%M %Z')} their time. {action.reason}"
        )
    for decision in found.explanation.trace:
        console.print(
            f"  {decision.rule:>4} {decision.effect:<7} {decision.message}", highlight=False
        )
