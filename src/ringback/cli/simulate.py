"""`ringback simulate`: try cadences on a synthetic population before real people (R16)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from ringback.cli.common import console, fail, print_json, user_errors
from ringback.domain.errors import InvalidField
from ringback.simulate.chart import reached_svg
from ringback.simulate.policies import POLICIES, SimPolicy
from ringback.simulate.run import Result, simulate
from ringback.simulate.spec import PopulationSpec, load_spec

EXAMPLE = Path(__file__).resolve().parent.parent / "simulate" / "example.yaml"
COLUMNS = {
    "connects_per_touch": "Conn/tch",
    "share_reached": "Reached",
    "median_days_to_first_connect": "Days→1st",
    "touches_per_reached_contact": "Tch/reach",
    "guardrail_violations": "Viol.",
    "touches": "Touches",
}

CAPTION = (
    "Conn/tch: connects per touch. Days→1st: median days to the first connect. "
    "Tch/reach: touches per reached contact. Viol.: guardrail violations (must be 0)."
)


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_command)


def simulate_command(
    spec_file: Path = typer.Argument(
        ...,
        help="Population spec (YAML), or `example` for the example population that ships "
        "with Ringback (docs/learning.md explains each field).",
        show_default=False,
    ),
    days: int = typer.Option(60, "--days", min=1, max=3650, help="How many days to simulate."),
    policy: list[str] = typer.Option(
        list(POLICIES),
        "--policy",
        help=f"A policy to run (repeat for several): {', '.join(POLICIES)}.",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for results.json and reached.svg (created if missing)."
    ),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed, the same run."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Run cadence policies on a synthetic population through the real planner and
    guardrails, and compare them side by side.

    Examples:

      ringback simulate example --days 40

      ringback simulate pop.yaml --policy fixed-time --policy learning --out sim/ --json
    """
    unknown = [p for p in policy if p not in POLICIES]
    if unknown:
        fail(f"--policy: unknown {', '.join(unknown)}; choose from {', '.join(POLICIES)}")
    if str(spec_file) == "example" and not spec_file.exists():
        spec_file = EXAMPLE
    if not spec_file.is_file():
        fail(f"spec file {spec_file} not found")
    with user_errors():
        try:
            spec = load_spec(spec_file.read_text(encoding="utf-8"))
        except InvalidField as bad:
            raise InvalidField(bad.field, f"{spec_file}: {bad.message}") from None
    results = _run(spec, [POLICIES[p] for p in policy], days, seed, quiet=as_json)
    summaries = [r.summary() for r in results]
    if out is not None:
        _save(out, results, summaries)
    if as_json:
        print_json({"days": days, "seed": seed, "policies": summaries})
        return
    console.print(_table(summaries, days))
    if out is not None:
        console.print(f"Saved {out / 'results.json'} and {out / 'reached.svg'}")


def _run(
    spec: PopulationSpec, policies: list[SimPolicy], days: int, seed: int, quiet: bool
) -> list[Result]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, disable=quiet, transient=True) as progress:
        tasks = {p.name: progress.add_task(p.name, total=days) for p in policies}

        def advance(name: str, day: int) -> None:
            progress.update(tasks[name], completed=day)

        return simulate(spec, policies, days, seed, on_day=advance)


def _save(out: Path, results: list[Result], summaries: list[dict[str, object]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    series = {r.policy: r.reached_by_day for r in results}
    data = {"policies": summaries, "reached_by_day": series}
    (out / "results.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (out / "reached.svg").write_text(reached_svg(results), encoding="utf-8")


def _table(summaries: list[dict[str, object]], days: int) -> Table:
    table = Table(title=f"Simulated {days} days", title_justify="left", caption=CAPTION)
    table.add_column("Policy", no_wrap=True)
    for label in COLUMNS.values():
        table.add_column(label, justify="right", no_wrap=True)
    for row in summaries:
        cells = [_cell(key, row[key]) for key in COLUMNS]
        table.add_row(str(row["policy"]), *cells)
    return table


def _cell(key: str, value: object) -> str:
    if value is None:
        return "—"
    if key == "share_reached" and isinstance(value, float):
        return f"{value:.0%}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
