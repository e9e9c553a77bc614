"""`ringback score` (the R11 lead score) and `ringback stats` (analytics)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.table import Table

from ringback.cli.common import app_of, console, print_json, user_errors
from ringback.domain.scoring import Factor
from ringback.services.analytics import CHARTS, chart_rows, load_stats, stats_as_dict, to_csv
from ringback.services.ports import StatsFilter
from ringback.services.scoring import (
    Cached,
    ContactScore,
    current_model,
    evaluate_history,
    score_one,
)

NO_SCORE = "—"


def register(app: typer.Typer) -> None:
    app.command("score")(score)
    app.command("stats")(stats)


def score(
    ctx: typer.Context,
    contact: str | None = typer.Argument(None, help="Id, phone number, email or name."),
    evaluate: bool = typer.Option(
        False, "--evaluate", help="Test the score on a time-ordered split and report its AUC."
    ),
    refit: bool = typer.Option(False, "--refit", help="Fit the model now, even if fresh."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """The lead score (R11): how likely a contact is to engage, and why.

    Learned from your finished contacts (engaged, or cold / not interested). With no
    CONTACT, shows the model and its strongest factors.

    Examples:

      ringback score 42

      ringback score "Alice Moreno" --json

      ringback score --evaluate
    """
    app = app_of(ctx)
    now = datetime.now(UTC)
    with user_errors():
        app.ensure_schema()
        if evaluate:
            result = evaluate_history(app.read_uow_factory(), now)
            if as_json:
                print_json(result.as_dict())
            else:
                console.print(result.message, highlight=False)
            return
        if contact is None:
            model = current_model(
                app.uow_factory(), now, force=refit, reader=app.read_uow_factory()
            )
            _show_model(model, as_json)
            return
        found, scored, cached = score_one(
            app.uow_factory(), contact, app.settings.default_region, now, app.read_uow_factory()
        )
    if as_json:
        print_json({"contact_id": found.id, "name": found.full_name, **score_public(scored)})
        return
    console.print(f"{found.full_name}: {score_text(scored.score)}", highlight=False)
    if scored.score is None:
        console.print(cached.reason, highlight=False)
    for factor in scored.factors:
        console.print(f"  {factor_text(factor)}", highlight=False)


def score_text(value: float | None) -> str:
    return NO_SCORE if value is None else f"{value:.0%}"


def factor_text(factor: Factor) -> str:
    sign = "raises" if factor.contribution > 0 else "lowers"
    return f"{factor.feature} ({sign} it, {factor.contribution:+.2f})"


def score_public(scored: ContactScore) -> dict[str, object]:
    return {
        "score": None if scored.score is None else round(scored.score, 4),
        "factors": [
            {"feature": f.feature, "contribution": round(f.contribution, 4)} for f in scored.factors
        ],
    }


def _show_model(cached: Cached, as_json: bool) -> None:
    model = cached.model
    strongest = (
        sorted(model.weights.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:10] if model else []
    )
    if as_json:
        print_json(
            {
                "fitted": model is not None,
                "checked_at": cached.checked_at.isoformat(),
                "reason": cached.reason,
                "examples": model.examples if model else 0,
                "engaged": model.positives if model else 0,
                "weights": dict(strongest),
            }
        )
        return
    console.print(cached.reason, highlight=False)
    if model is None:
        return
    table = Table("factor", "weight", title="Strongest factors (log-odds)")
    for name, weight in strongest:
        table.add_row(name, f"{weight:+.2f}")
    console.print(table)


def stats(
    ctx: typer.Context,
    segment: str | None = typer.Option(None, "--segment", help="Only this segment."),
    user: str | None = typer.Option(None, "--user", help="Only touches this user logged."),
    csv_dir: Path | None = typer.Option(
        None, "--csv", help="Also write one CSV per chart into this folder."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print every chart as JSON."),
) -> None:
    """Analytics: connect rate by local weekday × hour, call-back rate per template
    variant (95 % Wilson interval), funnel, attempts to first connect, attempts per
    reached contact.

    Examples:

      ringback stats

      ringback stats --segment "dental clinics, DE" --json

      ringback stats --csv ./charts
    """
    app = app_of(ctx)
    with user_errors():
        app.ensure_schema()
        scope = StatsFilter(segment=segment, user=user)
        figures = load_stats(
            app.uow_factory(), scope, now=datetime.now(UTC), reader=app.read_uow_factory()
        )
    if csv_dir is not None:
        csv_dir.mkdir(parents=True, exist_ok=True)
        for chart in CHARTS:
            (csv_dir / f"{chart}.csv").write_text(to_csv(*chart_rows(figures, chart)))
    if as_json:
        print_json(stats_as_dict(figures))
        return
    for chart in CHARTS:
        header, rows = chart_rows(figures, chart)
        if chart == "heatmap":
            rows = [r for r in rows if r[2]]  # hours with calls only
        table = Table(*header, title=chart)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
    if csv_dir is not None:
        console.print(f"Wrote {len(CHARTS)} CSV files to {csv_dir}", highlight=False)
