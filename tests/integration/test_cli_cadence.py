"""`ringback cadence add|list|show|assign` on SQLite and PostgreSQL (issue 3).

A contact's first unanswered call is logged on Monday two weeks ago; the default
cadence waits three days (Thursday), a custom one with `first_wait: 1d` one
(Tuesday), so replaying that Tuesday and Wednesday shows the difference.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from ringback.cli import app

runner = CliRunner()

FAST = "key: fast\nname: Fast follow-up\nfirst_wait: 1d\nthen_wait: 2d\n"


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def ok(db_url: str, *args: str) -> str:
    code, out, err = run(db_url, *args)
    assert code == 0, err
    return out


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def add(db_url: str, name: str, phone: str, *extra: str) -> int:
    out = ok(db_url, "add", "--name", name, "--phone", phone, "--reason", "a referral", "--json",
             *extra)  # fmt: skip
    return int(json.loads(out)["id"])


def monday_two_weeks_ago() -> datetime:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=today.weekday() + 7)


def first_call(db_url: str, contact: int) -> None:
    """An unanswered call on Monday two weeks ago, 10:00 in New York."""
    at = (monday_two_weeks_ago() + timedelta(hours=15)).isoformat()
    ok(db_url, "log", str(contact), "--channel", "call", "--outcome", "no_answer", "--at", at)


def planned_tuesday_and_wednesday(db_url: str) -> set[int]:
    """Who that week's Tuesday and Wednesday plan holds (a past range replays)."""
    start = monday_two_weeks_ago() + timedelta(days=1)
    end = start + timedelta(days=2)
    out = ok(db_url, "plan", "--from", start.isoformat(), "--to", end.isoformat(), "--json")
    data: dict[str, Any] = json.loads(out)
    return {int(item["contact_id"]) for item in data["items"]}


def stored_keys(db_url: str) -> list[str]:
    return [c["key"] for c in json.loads(ok(db_url, "cadence", "list", "--json"))]


def due_at(db_url: str, contact: int) -> datetime:
    shown = json.loads(ok(db_url, "show", str(contact), "--json"))
    return datetime.fromisoformat(shown["state"]["next_due_at"])


def test_add_list_and_show_round_trip(db_url: str, tmp_path: Path) -> None:
    ok(db_url, "cadence", "add", write(tmp_path, "fast.yaml", FAST))

    assert stored_keys(db_url) == ["default", "fast"]
    shown = yaml.safe_load(ok(db_url, "cadence", "show", "fast"))
    assert (shown["key"], shown["first_wait"], shown["then_wait"]) == ("fast", "1d", "2d")
    again = write(tmp_path, "again.json", json.dumps({**shown, "name": "Renamed"}))
    ok(db_url, "cadence", "add", again)
    assert yaml.safe_load(ok(db_url, "cadence", "show", "fast"))["name"] == "Renamed"
    assert "fast" in ok(db_url, "cadence", "list")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (FAST + "frist_wait: 2d\n", "frist_wait"),
        (FAST.replace("first_wait: 1d", "first_wait: -1d"), "first_wait"),
        (FAST + "steps:\n  - {channel: fax, template: call.intro}\n", "steps[0].channel"),
    ],
)
def test_a_bad_cadence_is_rejected_naming_the_key_and_nothing_stored(
    db_url: str, tmp_path: Path, text: str, named: str
) -> None:
    code, _, err = run(db_url, "cadence", "add", write(tmp_path, "bad.yaml", text))

    assert code == 1
    assert named in err
    assert stored_keys(db_url) == ["default"]


def test_a_contacts_cadence_changes_when_it_is_due(db_url: str, tmp_path: Path) -> None:
    ok(db_url, "cadence", "add", write(tmp_path, "fast.yaml", FAST))
    fast = add(db_url, "Alice Moreno", "(212) 555-0142")
    slow = add(db_url, "Bob Stone", "(212) 555-0143")
    ok(db_url, "cadence", "assign", "fast", "--contact", str(fast))
    first_call(db_url, fast)
    first_call(db_url, slow)

    # The default waits three days (Thursday); the custom cadence one (Tuesday).
    assert planned_tuesday_and_wednesday(db_url) == {fast}
    assert due_at(db_url, fast) - monday_two_weeks_ago() < timedelta(days=2)
    assert json.loads(ok(db_url, "show", str(fast), "--json"))["cadence"] == "fast"


def test_a_segments_cadence_applies_to_its_contacts(db_url: str, tmp_path: Path) -> None:
    ok(db_url, "cadence", "add", write(tmp_path, "fast.yaml", FAST))
    member = add(db_url, "Alice Moreno", "(212) 555-0142", "--segment", "partners")
    other = add(db_url, "Bob Stone", "(212) 555-0143", "--segment", "others")
    first_call(db_url, member)
    first_call(db_url, other)
    assert planned_tuesday_and_wednesday(db_url) == set()

    ok(db_url, "cadence", "assign", "fast", "--segment", "partners")

    assert planned_tuesday_and_wednesday(db_url) == {member}
    assert due_at(db_url, member) < due_at(db_url, other)


def test_an_unknown_cadence_key_is_refused(db_url: str) -> None:
    alice = add(db_url, "Alice Moreno", "(212) 555-0142")

    for target in (["--contact", str(alice)], ["--segment", "partners"]):
        code, _, err = run(db_url, "cadence", "assign", "nope", *target)
        assert code == 1
        assert "'nope'" in err
    assert json.loads(ok(db_url, "show", str(alice), "--json"))["cadence"] is None
    code, _, err = run(db_url, "cadence", "show", "nope")
    assert code == 1 and "'nope'" in err
