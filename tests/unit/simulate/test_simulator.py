"""The cadence simulator: deterministic, guardrail-clean, baselines behave as named (R16)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ringback.cli import app
from ringback.domain.errors import InvalidField
from ringback.simulate.chart import reached_svg
from ringback.simulate.policies import POLICIES
from ringback.simulate.run import simulate
from ringback.simulate.spec import load_spec

EXAMPLE = Path(__file__).resolve().parents[3] / "src/ringback/simulate/example.yaml"
SMALL = """
capacity: 30
segments:
  - name: lunch people
    size: 40
    timezones: [Europe/Berlin]
    country: DE
    answer_by_hour: {9: 0.05, 12: 0.6, 13: 0.5, 16: 0.05}
    voicemail_listen: 0.5
    callback: 0.2
  - name: early birds
    size: 30
    timezones: [America/New_York]
    country: US
    answer_by_hour: {9: 0.5, 10: 0.3, 14: 0.05}
    weekday_factor: {fri: 0.5}
"""


def test_the_same_seed_gives_the_same_run_and_another_seed_another() -> None:
    spec = load_spec(SMALL)
    first = simulate(spec, [POLICIES["learning"]], days=10, seed=3)
    again = simulate(spec, [POLICIES["learning"]], days=10, seed=3)
    other = simulate(spec, [POLICIES["learning"]], days=10, seed=4)
    assert first[0].summary() == again[0].summary()
    assert first[0].reached_by_day == again[0].reached_by_day
    assert first[0].summary() != other[0].summary()


def test_every_policy_makes_touches_and_no_guardrail_is_ever_broken() -> None:
    results = simulate(load_spec(SMALL), list(POLICIES.values()), days=15, seed=1)
    for result in results:
        assert result.touches > 0
        assert result.violations == 0, result.violation_notes[:3]
        assert len(result.reached_by_day) == 15
        assert result.reached_by_day == sorted(result.reached_by_day)


def test_call_once_makes_one_call_per_contact_and_gives_up() -> None:
    spec = load_spec(SMALL)
    (result,) = simulate(spec, [POLICIES["call-once"]], days=20, seed=2)
    assert result.touches == spec.size  # capacity 30 a day reaches all 70 in 20 days
    assert all(n == 1 for n in result.touches_to_reach.values())


def test_fixed_time_calls_every_weekday_at_ten_their_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from ringback.simulate import run

    hours: Counter[int] = Counter()
    original = run._Run._perform

    def spy(self: run._Run, person: run.Person, action: run.Action) -> None:
        hours[run.local(action.suggested_at, person.contact.timezone).hour] += 1
        original(self, person, action)

    monkeypatch.setattr(run._Run, "_perform", spy)
    (result,) = simulate(load_spec(SMALL), [POLICIES["fixed-time"]], days=10, seed=2)
    assert hours.most_common(1)[0][0] == 10
    assert result.touches > load_spec(SMALL).size  # more than one call each


def test_learning_beats_fixed_time_on_a_population_with_lunch_time_answerers() -> None:
    spec = load_spec(SMALL)
    fixed, learning = simulate(spec, [POLICIES["fixed-time"], POLICIES["learning"]], 30, 1)
    per_touch = learning.connects / learning.touches
    assert per_touch > fixed.connects / fixed.touches
    assert learning.reached >= fixed.reached


def test_the_example_spec_parses_and_is_the_documented_population() -> None:
    spec = load_spec(EXAMPLE.read_text())
    assert spec.size == 1200
    assert {s.name for s in spec.segments} >= {"dental clinics", "restaurants"}


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("segments: []", "segments"),
        (
            "segments: [{size: 3, timezones: [Mars/Base], answer_by_hour: {9: 0.1}}]",
            "segments[0].timezones",
        ),
        (
            "segments: [{size: 3, timezones: [UTC], answer_by_hour: {25: 0.1}}]",
            "segments[0].answer_by_hour.25",
        ),
        (
            "segments: [{size: 3, timezones: [UTC], answer_by_hour: {9: 1.5}}]",
            "segments[0].answer_by_hour.9",
        ),
        ("segments: [{size: 0, timezones: [UTC], answer_by_hour: {9: 0.1}}]", "segments[0].size"),
        (
            "segments: [{size: 2, timezones: [UTC], answer_by_hour: {9: 0.1}, callback: x}]",
            "segments[0].callback",
        ),
        (
            "capacity: 0\nsegments: [{size: 2, timezones: [UTC], answer_by_hour: {9: 0.1}}]",
            "capacity",
        ),
        ("segments: [", "spec"),
    ],
)
def test_bad_specs_are_refused_naming_the_field(text: str, field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        load_spec(text)
    assert refused.value.field == field


def test_the_chart_has_one_line_per_policy() -> None:
    results = simulate(load_spec(SMALL), [POLICIES["call-once"], POLICIES["learning"]], 5, 1)
    svg = reached_svg(results)
    assert svg.startswith("<svg") and svg.count("<polyline") == 2
    assert "call-once" in svg and "learning" in svg


def test_cli_simulate_prints_json_and_saves_results_and_chart(tmp_path: Path) -> None:
    spec = tmp_path / "pop.yaml"
    spec.write_text(SMALL)
    out = tmp_path / "out"
    args = ["simulate", str(spec), "--days", "5", "--policy", "call-once", "--policy", "learning"]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert [p["policy"] for p in shown["policies"]] == ["call-once", "learning"]
    assert all(p["guardrail_violations"] == 0 for p in shown["policies"])
    saved = json.loads((out / "results.json").read_text())
    assert len(saved["reached_by_day"]["learning"]) == 5
    assert (out / "reached.svg").read_text().startswith("<svg")


def test_cli_simulate_names_an_unknown_policy_and_a_bad_field(tmp_path: Path) -> None:
    spec = tmp_path / "pop.yaml"
    spec.write_text(SMALL)
    unknown = CliRunner().invoke(app, ["simulate", str(spec), "--policy", "pester"])
    assert unknown.exit_code != 0 and "pester" in unknown.output
    spec.write_text("segments: [{size: 2, timezones: [UTC], answer_by_hour: {9: 2}}]")
    bad = CliRunner().invoke(app, ["simulate", str(spec)])
    assert bad.exit_code != 0 and "answer_by_hour.9" in bad.output


def test_cli_simulate_runs_the_shipped_example_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no file called "example" here
    args = ["simulate", "example", "--days", "2", "--policy", "call-once", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["policies"][0]["policy"] == "call-once"
    assert shown["policies"][0]["touches"] > 0
