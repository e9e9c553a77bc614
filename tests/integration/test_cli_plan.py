"""`ringback plan`, `today`, `why` and `prefer` on SQLite and PostgreSQL (issue 3).

History is logged with --at in the past; the plan covers the next full week, so
every test has business days to plan on whatever day it runs.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from ringback.cli import app

runner = CliRunner()

ITEM_KEYS = {
    "contact_id", "name", "channel", "window_start", "window_end", "suggested_at",
    "timezone", "attempt", "tier", "on_voicemail", "template", "reason", "rules",
}  # fmt: skip


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def ok(db_url: str, *args: str) -> str:
    code, out, err = run(db_url, *args)
    assert code == 0, err
    return out


def next_monday() -> datetime:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())


def iso(at: datetime) -> str:
    return at.isoformat()


@pytest.fixture
def week() -> tuple[datetime, datetime]:
    start = next_monday()
    return start, start + timedelta(days=7)


def add(db_url: str, name: str, phone: str, *extra: str) -> int:
    out = ok(db_url, "add", "--name", name, "--phone", phone, "--reason", "a referral", "--json",
             *extra)  # fmt: skip
    return int(json.loads(out)["id"])


def log(db_url: str, contact: int, outcome: str, at: datetime, *extra: str) -> None:
    ok(db_url, "log", str(contact), "--channel", "call", "--outcome", outcome, "--at", iso(at),
       *extra)  # fmt: skip


def plan(db_url: str, start: datetime, end: datetime, *extra: str) -> dict[str, Any]:
    out = ok(db_url, "plan", "--from", iso(start), "--to", iso(end), "--json", *extra)
    data: dict[str, Any] = json.loads(out)
    return data


def people(db_url: str) -> dict[str, int]:
    """Alice in New York (one unanswered call), Bernd in Berlin (asked for a call-back
    on the coming Wednesday at 15:00 his time), Carl in London (do not contact)."""
    ago = datetime.now(UTC) - timedelta(days=3)
    alice = add(db_url, "Alice Moreno", "(212) 555-0142")
    bernd = add(db_url, "Bernd Hoffmann", "+49 30 12345678")
    carl = add(db_url, "Carl Dunn", "+44 20 7946 0958")
    log(db_url, alice, "no_answer", ago)
    promised = next_monday() + timedelta(days=2, hours=14)  # Wednesday 15:00 in Berlin
    log(db_url, bernd, "call_later", ago, "--next-at", iso(promised))
    log(db_url, carl, "do_not_contact", ago, "--no-next-step")
    return {"alice": alice, "bernd": bernd, "carl": carl}


def local_window(item: dict[str, Any]) -> tuple[datetime, datetime]:
    zone = ZoneInfo(item["timezone"])
    start = datetime.fromisoformat(item["window_start"]).astimezone(zone)
    return start, datetime.fromisoformat(item["window_end"]).astimezone(zone)


def test_plan_json_has_the_public_shape_in_utc(db_url: str, week: tuple[datetime, ...]) -> None:
    people(db_url)
    data = plan(db_url, *week)
    assert data["items"]
    for item in data["items"]:
        assert set(item) == ITEM_KEYS
        for key in ("window_start", "window_end", "suggested_at"):
            assert datetime.fromisoformat(item[key]).utcoffset() == timedelta(0)
        assert item["window_start"] <= item["suggested_at"] <= item["window_end"]
        assert item["on_voicemail"] in ("leave", "skip")
        assert all(rule.startswith("R") for rule in item["rules"])


def test_plan_puts_a_promised_call_back_before_the_cadence_r18(
    db_url: str, week: tuple[datetime, ...]
) -> None:
    ids = people(db_url)
    items = plan(db_url, *week)["items"]
    assert [(i["contact_id"], i["tier"]) for i in items] == [
        (ids["bernd"], "promised"),
        (ids["alice"], "cadence"),
    ]
    assert items[0]["suggested_at"] == iso(next_monday() + timedelta(days=2, hours=14))
    assert items[1]["attempt"] == 2


def test_plan_windows_lie_in_business_hours_in_the_contacts_zone_r5(
    db_url: str, week: tuple[datetime, ...]
) -> None:
    ids = people(db_url)
    (alice,) = [i for i in plan(db_url, *week)["items"] if i["contact_id"] == ids["alice"]]
    start, end = local_window(alice)
    assert alice["timezone"] == "America/New_York"
    assert start.weekday() < 5
    assert time(9) <= start.time() and end.time() <= time(17, 30)


def test_do_not_contact_is_never_planned_r12(db_url: str, week: tuple[datetime, ...]) -> None:
    ids = people(db_url)
    planned = {i["contact_id"] for i in plan(db_url, *week)["items"]}
    assert ids["carl"] not in planned


def test_capacity_defers_the_rest_with_the_rule_r14_r18(db_url: str) -> None:
    people(db_url)
    wednesday = next_monday() + timedelta(days=2)
    data = plan(db_url, wednesday, wednesday + timedelta(days=1), "--capacity", "1")
    assert [i["tier"] for i in data["items"]] == ["promised"]
    assert data["deferred_total"] == 1
    assert all(key.startswith("R14") for key in data["deferred"])


def test_why_shows_the_rule_trace_with_rule_ids(db_url: str) -> None:
    ids = people(db_url)
    data = json.loads(ok(db_url, "why", str(ids["alice"]), "--at", iso(next_monday()), "--json"))
    assert {"R2", "R5"} <= set(data["rules"])
    assert data["action"]["tier"] == "cadence"
    out = ok(db_url, "why", "Alice Moreno", "--at", iso(next_monday()))
    assert "R5" in out and "R2" in out


def test_why_says_do_not_contact_refuses_r12(db_url: str) -> None:
    ids = people(db_url)
    data = json.loads(ok(db_url, "why", str(ids["carl"]), "--json"))
    assert data["action"] is None
    assert data["trace"][-1]["rule"] == "R12"


def test_prefer_narrows_the_window_and_clear_restores_it_r4(
    db_url: str, week: tuple[datetime, ...]
) -> None:
    ids = people(db_url)
    alice = str(ids["alice"])
    ok(db_url, "prefer", alice, "--days", "tue,thu", "--between", "14:00-17:00")
    (item,) = [i for i in plan(db_url, *week)["items"] if i["contact_id"] == ids["alice"]]
    start, end = local_window(item)
    assert start.weekday() in (1, 3)
    assert time(14) <= start.time() and end.time() <= time(17)
    assert "R4" in item["rules"]
    ok(db_url, "prefer", alice, "--clear")
    (item,) = [i for i in plan(db_url, *week)["items"] if i["contact_id"] == ids["alice"]]
    assert "R4" not in item["rules"]


def test_today_prints_a_table_and_the_deferred_line(db_url: str) -> None:
    people(db_url)
    out = ok(db_url, "today", "--capacity", "5")
    assert "Today" in out
    assert "planned;" in out and "deferred" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "--from", "yesterday", "--to", "2026-01-02T00:00:00Z", "--json"], "from"),
        (["plan", "--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z"], "to"),
        (["why", "404"], "no contact"),
        (["prefer", "1", "--days", "someday", "--between", "14:00-17:00"], "days"),
        (["prefer", "1", "--days", "tue", "--between", "17:00-14:00"], "empty"),
        (["prefer", "1", "--days", "tue"], "pairs"),
    ],
)
def test_bad_input_is_a_clear_error_and_a_non_zero_exit(
    db_url: str, args: list[str], message: str
) -> None:
    add(db_url, "Alice Moreno", "(212) 555-0142")
    code, _, err = run(db_url, *args)
    assert code == 1
    assert message in err
