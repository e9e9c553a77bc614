"""`ringback score` and `ringback stats` on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.cli import app
from tests.integration.learning_history import seed_referral_history

runner = CliRunner()
UowFactory = Callable[[], SqlUnitOfWork]


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def ok(db_url: str, *args: str) -> str:
    code, out, err = run(db_url, *args)
    assert code == 0, err
    return out


def test_score_says_why_there_is_none_with_too_little_history(
    db_url: str, uow_factory: UowFactory
) -> None:
    ids = seed_referral_history(uow_factory, count=6)
    out = ok(db_url, "score", str(ids[0]))
    assert "Person 0: —" in out and "too little history" in out
    data = json.loads(ok(db_url, "score", str(ids[0]), "--json"))
    assert data["score"] is None and data["factors"] == []
    evaluation = json.loads(ok(db_url, "score", "--evaluate", "--json"))
    assert evaluation["auc"] is None and "too little history" in evaluation["message"]


def test_score_of_a_contact_with_its_top_factors(db_url: str, uow_factory: UowFactory) -> None:
    ids = seed_referral_history(uow_factory, count=60)
    referred = json.loads(ok(db_url, "score", str(ids[2]), "--json"))
    plain = json.loads(ok(db_url, "score", str(ids[3]), "--json"))
    assert referred["contact_id"] == ids[2]
    assert 0 < plain["score"] < referred["score"] < 1
    assert referred["factors"][0]["feature"] == "referral given"
    assert "referral given (raises it" in ok(db_url, "score", str(ids[2]))


def test_score_model_summary_and_evaluation(db_url: str, uow_factory: UowFactory) -> None:
    seed_referral_history(uow_factory, count=80)
    summary = json.loads(ok(db_url, "score", "--json"))
    assert summary["fitted"] is True and summary["examples"] == 80
    assert summary["weights"]["referral given"] > 1
    assert "Strongest factors" in ok(db_url, "score", "--refit")
    evaluation = json.loads(ok(db_url, "score", "--evaluate", "--json"))
    assert evaluation["trained_on"] + evaluation["tested_on"] == 80
    assert evaluation["auc"] > 0.7
    assert "AUC" in ok(db_url, "score", "--evaluate")


def test_score_of_an_unknown_contact_is_a_clear_error(db_url: str) -> None:
    code, _, err = run(db_url, "score", "Nobody Atall")
    assert code == 1 and "error:" in err


def test_stats_as_json_and_csv_files(db_url: str, uow_factory: UowFactory, tmp_path: Path) -> None:
    seed_referral_history(uow_factory, count=20)
    data = json.loads(ok(db_url, "stats", "--json", "--csv", str(tmp_path / "charts")))
    funnel = {row["stage"]: row["contacts"] for row in data["funnel"]}
    assert funnel == {"new": 20, "reached": 20, "engaged": 10, "won": 0}
    assert data["summary"]["attempts_to_first_connect"]["contacts"] == 20
    assert len(data["heatmap"]) == 7 * 24
    files = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert files == ["attempts.csv", "callbacks.csv", "funnel.csv", "heatmap.csv", "touches.csv"]
    with (tmp_path / "charts" / "funnel.csv").open() as stream:
        assert list(csv.reader(stream))[1][:2] == ["new", "20"]
    table = ok(db_url, "stats", "--segment", "nowhere")
    assert "funnel" in table


def test_stats_by_user(db_url: str, uow_factory: UowFactory) -> None:
    seed_referral_history(uow_factory, count=10)
    data = json.loads(ok(db_url, "stats", "--json", "--user", "nobody"))
    assert sum(row["calls"] for row in data["heatmap"]) == 0


def test_export_adds_a_lead_score_column_on_request(
    db_url: str, uow_factory: UowFactory, tmp_path: Path
) -> None:
    ids = seed_referral_history(uow_factory, count=40)
    target = tmp_path / "out.csv"
    ok(db_url, "export", "-o", str(target), "--score")
    with target.open() as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 40
    by_id = {int(r["ringback_id"]): float(r["lead_score"]) for r in rows}
    assert by_id[ids[2]] > by_id[ids[3]]  # referred, then not
    plain = ok(db_url, "export")
    assert "lead_score" not in plain.splitlines()[0]
    code, _, err = run(db_url, "export", "--format", "vcard", "--score")
    assert code == 1 and "--score" in err
