"""`ringback script` and `ringback template list|show|add|lint` on SQLite and PostgreSQL.

The sender is set through the environment (RINGBACK_SENDER_*), as a user would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from ringback.cli import app

runner = CliRunner()
SENDER = {
    "RINGBACK_SENDER_NAME": "Jamie Doe",
    "RINGBACK_SENDER_PHONE": "+1 612 555 0123",
    "RINGBACK_SENDER_COMPANY": "Brightside",
    "RINGBACK_AUDIENCE": "networking",
}
SCRIPT_KEYS = {"step", "template", "text", "subject", "seconds", "findings"}
MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def run(db_url: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args], env={**SENDER, **(env or {})})
    return result.exit_code, result.stdout, result.stderr


def ok(db_url: str, *args: str, env: dict[str, str] | None = None) -> str:
    code, out, err = run(db_url, *args, env=env)
    assert code == 0, err + out
    return out


def add(db_url: str) -> str:
    out = ok(db_url, "add", "--name", "Alice Moreno", "--phone", "+1 212 555 0142",
             "--email", "alice@example.com", "--referred-by", "Jordan Lee",
             "--reason", "the data engineering roles on your team", "--json")  # fmt: skip
    return str(json.loads(out)["id"])


def script_json(db_url: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, Any]:
    code, out, err = run(db_url, "script", *args, "--json", env=env)
    assert out, err
    return code, json.loads(out)


def test_script_prints_the_first_voicemail_with_no_findings(db_url: str) -> None:
    contact = add(db_url)

    out = ok(db_url, "script", contact, "--at", MONDAY.isoformat())
    assert "first voicemail" in out and "call.intro:a" in out
    assert "My number is 612 · 555 · 0123." in out
    assert "Jordan Lee suggested I call you." in out
    assert "No findings" in out

    code, data = script_json(db_url, contact, "--at", MONDAY.isoformat())
    assert code == 0
    assert SCRIPT_KEYS <= set(data)
    assert (data["step"], data["template"], data["findings"]) == (
        "first_voicemail",
        "call.intro:a",
        [],
    )
    assert 0 < data["seconds"] <= 30


def test_script_follows_the_contacts_history_r8(db_url: str) -> None:
    contact = add(db_url)
    thursday = MONDAY - timedelta(days=4)
    ok(db_url, "log", contact, "--channel", "call", "--outcome", "voicemail_left",
       "--at", thursday.isoformat(), "--template", "call.intro:a")  # fmt: skip

    code, data = script_json(db_url, contact, "--at", MONDAY.isoformat())

    assert (code, data["step"], data["template"]) == (0, "followup_voicemail", "call.followup:a")
    assert "I called last Thursday about the data engineering roles" in data["text"]
    shown = json.loads(ok(db_url, "show", contact, "--json"))
    assert [t["template"] for t in shown["touches"]] == ["call.intro:a"]


def test_script_exits_1_when_a_field_would_be_empty_r19(db_url: str) -> None:
    contact = add(db_url)

    code, data = script_json(db_url, contact, env={"RINGBACK_SENDER_PHONE": ""})

    assert code == 1
    assert {(f["rule"], f["where"]) for f in data["findings"]} >= {("R19", "me.number")}
    code, out, _ = run(db_url, "script", contact, env={"RINGBACK_SENDER_PHONE": ""})
    assert code == 1 and "RINGBACK_SENDER_PHONE" in out


def test_script_for_an_email_proposing_two_slots_r9(db_url: str) -> None:
    contact = add(db_url)
    first, second = "2026-11-25T15:00:00Z", "2026-11-26T19:30:00Z"

    code, data = script_json(db_url, contact, "--step", "email_slots",
                             "--slot", first, "--slot", second)  # fmt: skip

    assert code == 0, data["findings"]
    assert data["subject"] == "Two times for a short call"
    assert "Wednesday, November 25 at 10 am" in data["text"]
    assert "Thursday, November 26 at 2:30 pm" in data["text"]


def test_script_proposes_the_two_slots_itself_when_none_are_given_r9_r10(db_url: str) -> None:
    contact = add(db_url)

    code, data = script_json(db_url, contact, "--step", "email_slots",
                             "--at", MONDAY.isoformat())  # fmt: skip

    assert code == 0, data["findings"]
    # Free times in her window at least a day ahead, never on Thanksgiving, the 26th (R5).
    assert "Wednesday, November 25 at" in data["text"]
    assert "November 26" not in data["text"]


def test_script_refuses_a_template_of_another_kind(db_url: str) -> None:
    code, _, err = run(db_url, "script", add(db_url), "--template", "email.intro")
    assert code == 1
    assert "email first template, not first voicemail" in err


def test_template_list_show_add_and_use_a_variant(db_url: str, tmp_path: Path) -> None:
    listed = json.loads(ok(db_url, "template", "list", "--json"))
    assert len(listed) == 18 and all(t["built_in"] for t in listed)

    shown = ok(db_url, "template", "show", "call.intro")
    variant = tmp_path / "intro_b.j2"
    variant.write_text(
        shown.replace("variant: a", "variant: b").replace(
            "I'd value your view on it.", "I'd love your advice on it."
        )
    )
    assert "Stored template call.intro:b" in ok(db_url, "template", "add", str(variant))

    stored = json.loads(ok(db_url, "template", "list", "--key", "call.intro", "--json"))
    assert [(t["audience"], t["ref"], t["built_in"]) for t in stored] == [
        ("freelance", "call.intro:a", True),
        ("networking", "call.intro:a", True),
        ("networking", "call.intro:b", False),
        ("sales", "call.intro:a", True),
    ]
    assert "variant: b" in ok(db_url, "template", "show", "call.intro:b")
    _, data = script_json(db_url, add(db_url), "--template", "call.intro:b")
    assert data["template"] == "call.intro:b"
    assert "I'd love your advice on it." in data["text"]


def test_a_template_with_an_error_is_refused_and_not_stored(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.j2"
    bad.write_text(
        "---\nkey: call.intro\nvariant: c\n---\n"
        "Hi {{ first_name }}, it's {{ me.name }} on {{ me.number }}. Just following up. "
        "Call me back on {{ me.number }}."
    )

    code, out, _ = run(db_url, "template", "lint", str(bad), "--json")
    assert code == 1
    found = {(f["rule"], f["code"]) for f in json.loads(out)["findings"]}
    assert {("R7", "call-back-without-reason"), ("R13", "pressure")} <= found

    code, out, _ = run(db_url, "template", "add", str(bad))
    assert code == 1 and "not stored" in out
    stored = json.loads(ok(db_url, "template", "list", "--key", "call.intro", "--json"))
    assert all(t["built_in"] for t in stored)


def test_template_lint_reads_extra_phrases(db_url: str, tmp_path: Path) -> None:
    good = tmp_path / "good.j2"
    good.write_text(ok(db_url, "template", "show", "call.intro").replace("value", "treasure"))
    phrases = tmp_path / "phrases.txt"
    phrases.write_text("# our own\ntreasure\n")

    assert "No findings" in ok(db_url, "template", "lint", str(good))
    code, out, _ = run(db_url, "template", "lint", str(good), "--phrases", str(phrases))
    assert code == 0 and "R13" in out and "treasure" in out


def test_a_bad_template_file_names_the_header_key(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.j2"
    bad.write_text("---\nkey: call.intro\nflavour: mint\n---\nHi")
    code, _, err = run(db_url, "template", "add", str(bad))
    assert code == 1 and "flavour" in err


def test_log_records_the_template_and_variant_and_refuses_a_bad_one(db_url: str) -> None:
    contact = add(db_url)
    out = ok(db_url, "log", contact, "--channel", "call", "--outcome", "voicemail_left",
             "--template", "Call.Intro:B", "--json")  # fmt: skip
    assert json.loads(out)["touch"]["template"] == "call.intro:b"

    code, _, err = run(db_url, "log", contact, "--channel", "call", "--outcome", "no_answer",
                       "--template", "call intro")  # fmt: skip
    assert code == 1 and "template" in err
