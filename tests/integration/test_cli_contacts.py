"""The command-line contract of issue 2 (add, log, show, import, export, db, backup),
run on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ringback.cli import app

runner = CliRunner()


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def add_alice(db_url: str) -> int:
    code, out, err = run(
        db_url, "add", "--name", "Alice Moreno", "--phone", "(212) 555-0142",
        "--email", "alice@example.com", "--referred-by", "Jordan Lee",
        "--reason", "her team is hiring", "--tag", "vip", "--field", "source=meetup", "--json",
    )  # fmt: skip
    assert code == 0, err
    return int(json.loads(out)["id"])


def test_add_prints_the_new_contact_with_its_id(db_url: str) -> None:
    code, out, _ = run(db_url, "add", "--name", "Bernd Hoffmann", "--phone", "+49 30 12345678",
                       "--json")  # fmt: skip
    contact = json.loads(out)
    assert code == 0
    assert contact["id"] == 1
    assert contact["phones"][0]["e164"] == "+493012345678"
    assert contact["timezone"] == "Europe/Berlin"


def test_add_flags_a_number_with_several_zones_r5(db_url: str) -> None:
    code, out, _ = run(db_url, "add", "--name", "Toll Free", "--phone", "+1 800 555 0100")
    assert code == 0
    assert "several zones" in out


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--phone", "12"], "phone"),
        (["--phone", "+12125550142", "--email", "not-an-email"], "email"),
        (["--phone", "+12125550142", "--timezone", "Mars/Base"], "timezone"),
    ],
)
def test_add_refuses_bad_input_naming_the_field(db_url: str, args: list[str], field: str) -> None:
    code, out, err = run(db_url, "add", "--name", "Bad Input", *args)
    assert code == 1
    assert f"{field}:" in err
    _, exported, _ = run(db_url, "export")
    assert "Bad Input" not in exported


def test_log_then_show_lists_the_timeline_in_both_local_times(db_url: str) -> None:
    contact_id = add_alice(db_url)
    code, _, err = run(db_url, "log", "alice", "--channel", "call", "--outcome", "no_answer",
                       "--at", "2026-11-20T10:00:00-05:00")  # fmt: skip
    assert code == 0, err
    code, out, _ = run(db_url, "show", str(contact_id), "--json")
    shown = json.loads(out)
    assert [t["outcome"] for t in shown["touches"]] == ["no_answer"]
    assert shown["touches"][0]["at"] == "2026-11-20T15:00:00Z"
    assert shown["state"]["status"] == "active"
    code, out, _ = run(db_url, "show", "+1 212-555-0142")
    assert code == 0
    assert "Fri 20 Nov 15:00" in out and "Fri 20 Nov 10:00" in out  # UTC user, New York contact


def test_connected_call_needs_a_next_step_r3(db_url: str) -> None:
    add_alice(db_url)
    code, _, err = run(db_url, "log", "alice", "--channel", "call", "--outcome", "connected")
    assert code == 1
    assert "R3" in err
    next_step = ["--next-at", "2030-01-07T14:00:00Z", "--next-kind", "appointment"]
    code, out, _ = run(db_url, "log", "alice", "--channel", "call", "--outcome", "connected",
                       *next_step)  # fmt: skip
    assert code == 0
    code, out, _ = run(db_url, "show", "alice", "--json")
    assert json.loads(out)["appointments"][0]["start"] == "2030-01-07T14:00:00Z"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--channel", "call", "--outcome", "exploded"], "outcome"),
        (["--channel", "pigeon", "--outcome", "sent"], "channel"),
        (["--channel", "call", "--outcome", "busy", "--at", "yesterday"], "at"),
    ],
)
def test_log_refuses_bad_input_naming_the_field(db_url: str, args: list[str], field: str) -> None:
    add_alice(db_url)
    code, _, err = run(db_url, "log", "alice", *args)
    assert code == 1
    assert f"{field}:" in err
    assert json.loads(run(db_url, "show", "alice", "--json")[1])["touches"] == []


def test_log_for_an_unknown_contact_fails_clearly(db_url: str) -> None:
    code, _, err = run(db_url, "log", "nobody", "--channel", "call", "--outcome", "busy")
    assert code == 1
    assert "no contact matches 'nobody'" in err


def test_import_keeps_good_rows_and_writes_rejects(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(
        "Full name,Mobile,E-mail,Company,Favourite colour\n"
        "Carol King,+44 20 7946 0001,carol@example.com,Acme,green\n"
        "Bad Phone,12,bad@example.com,X,red\n"
        "Dan Brown,+49 30 1234 5678,,Y,blue\n"
    )
    code, out, _ = run(db_url, "import", str(source), "--json")
    assert code == 3  # some rows rejected
    assert json.loads(out)["imported"] == 2
    with (tmp_path / "leads.csv.rejects.csv").open() as rejects:
        rows = list(csv.DictReader(rejects))
    assert [(r["row"], r["field"]) for r in rows] == [("3", "Mobile")]
    code, out, _ = run(db_url, "show", "Carol King", "--json")
    assert json.loads(out)["fields"] == {"Favourite colour": "green"}
    code, out, _ = run(db_url, "import", str(source), "--json")
    assert json.loads(out)["imported"] == 0  # a re-run adds nothing twice


def test_import_dry_run_writes_nothing(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text("Name,Phone\nCarol King,+44 20 7946 0001\n")
    code, out, _ = run(db_url, "import", str(source), "--dry-run", "--json")
    assert code == 0 and json.loads(out)["imported"] == 1
    assert run(db_url, "export")[1].count("\n") <= 1


def test_export_round_trips_through_import(db_url: str, tmp_path: Path) -> None:
    add_alice(db_url)
    for fmt, name in (("csv", "out.csv"), ("vcard", "out.vcf")):
        path = tmp_path / name
        code, _, _ = run(db_url, "export", "--format", fmt, "-o", str(path))
        assert code == 0
        assert "Alice Moreno" in path.read_text()


def test_import_touches_from_a_dialer(db_url: str, tmp_path: Path) -> None:
    add_alice(db_url)
    source = tmp_path / "calls.jsonl"
    source.write_text(
        '{"contact": "+12125550142", "channel": "call", "outcome": "busy",'
        ' "at": "2026-11-18T14:00:00Z", "call_id": "c1"}\n'
        '{"contact": "+12125550142", "channel": "call", "outcome": "exploded",'
        ' "at": "2026-11-19T14:00:00Z", "call_id": "c2"}\n'
    )
    code, out, _ = run(db_url, "import-touches", str(source), "--json")
    assert code == 3 and json.loads(out)["imported"] == 1
    touches = json.loads(run(db_url, "show", "alice", "--json")[1])["touches"]
    assert [t["external_id"] for t in touches] == ["c1"]


def test_db_upgrade_is_safe_to_repeat(empty_db_url: str) -> None:
    for _ in range(2):
        code, out, err = run(empty_db_url, "db", "upgrade")
        assert code == 0, err
        assert "Database at revision" in out


def test_backup_of_sqlite_is_a_readable_copy(sqlite_url: str, tmp_path: Path) -> None:
    add_alice(sqlite_url)
    target = tmp_path / "copy.sqlite"
    code, _, _ = run(sqlite_url, "backup", str(target))
    assert code == 0
    with sqlite3.connect(target) as copy:
        assert copy.execute("select full_name from contacts").fetchall() == [("Alice Moreno",)]
