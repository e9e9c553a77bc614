"""`ringback propose`, `letter` and `letters` on SQLite and PostgreSQL (R9, R10, R12).

`propose` runs as of a fixed instant (--at) in Thanksgiving week 2026; letters are
planned for the next working day, after two unanswered emails logged in the past.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import vobject
from icalendar import Calendar
from typer.testing import CliRunner

from ringback.cli import app
from ringback.domain.clock import holiday_name
from tests.pdf_tools import ink, page_png, pdf_text

runner = CliRunner()
SENDER = {
    "RINGBACK_USER": "sam",
    "RINGBACK_USER_TIMEZONE": "Europe/London",
    "RINGBACK_SENDER_NAME": "Sam Lee",
    "RINGBACK_SENDER_EMAIL": "sam@example.com",
    "RINGBACK_SENDER_PHONE": "+44 20 7946 0000",
    "RINGBACK_SENDER_ADDRESS": "Sam Lee Ltd; 1 King Street; London EC2V 8AU",
}
TUESDAY = "2026-11-24T13:00:00Z"  # 08:00 in New York; Thursday 26th is Thanksgiving


def run(db_url: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args], env={**SENDER, **(env or {})})
    return result.exit_code, result.stdout, result.stderr


def ok(db_url: str, *args: str, env: dict[str, str] | None = None) -> str:
    code, out, err = run(db_url, *args, env=env)
    assert code == 0, err
    return out


def ok_json(db_url: str, *args: str) -> Any:
    return json.loads(ok(db_url, *args, "--json"))


def add(db_url: str, name: str, *extra: str) -> int:
    return int(ok_json(db_url, "add", "--name", name, "--reason", "a referral", *extra)["id"])


def alice(db_url: str) -> int:
    return add(db_url, "Alice Moreno", "--phone", "(212) 555-0142", "--email", "alice@example.com")


def bernd(db_url: str) -> int:
    """Reachable by email and post only, two emails unanswered: a letter is next (R9)."""
    contact = add(
        db_url, "Bernd Huber", "--email", "bernd@example.de", "--country", "DE",
        "--timezone", "Europe/Berlin", "--address", "Leopoldstr. 1; 80802 München",
    )  # fmt: skip
    for days in (15, 8):
        at = (datetime.now(UTC) - timedelta(days=days)).isoformat()
        ok(db_url, "log", str(contact), "--channel", "email", "--outcome", "sent", "--at", at)
    return contact


def next_working_day() -> str:
    """A weekday after today that is no public holiday in Germany (Bernd's R5 window)."""
    day = datetime.now(UTC).date() + timedelta(days=1)
    while day.weekday() >= 5 or holiday_name(day, "DE"):
        day += timedelta(days=1)
    return day.isoformat()


def test_propose_prints_two_times_off_the_holiday_and_writes_invites_r9(
    db_url: str, tmp_path: Path
) -> None:
    contact = alice(db_url)

    data = ok_json(db_url, "propose", str(contact), "--at", TUESDAY, "--ics-dir", str(tmp_path))

    assert (data["contact_id"], data["timezone"], data["minutes"]) == (
        contact,
        "America/New_York",
        15,
    )
    starts = [slot["start"] for slot in data["slots"]]
    assert starts == ["2026-11-25T15:00:00Z", "2026-11-27T19:00:00Z"]
    assert [s["local_start"] for s in data["slots"]][0] == "2026-11-25T10:00:00-05:00"
    assert data["slots"][0]["user_start"] == "2026-11-25T15:00:00+00:00"
    assert data["slots"][1]["text"] == "Friday, November 27 at 2:00 PM"
    assert "Wednesday, November 25 at 10:00 AM or Friday, November 27" in data["email"]["text"]
    assert any("Thanksgiving" in d["message"] for d in data["trace"])
    invites = [Path(p) for p in data["files"] if p.endswith(".ics")]
    assert len(invites) == 2
    for path, start in zip(invites, starts, strict=True):
        (event,) = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        assert event.decoded("DTSTART") == datetime.fromisoformat(start.replace("Z", "+00:00"))
        parsed = vobject.readOne(path.read_text())
        assert parsed.vevent.dtstart.value == event.decoded("DTSTART")
        assert parsed.method.value == "REQUEST"
    assert any(p.endswith(".eml") for p in data["files"])


def test_propose_keeps_your_appointments_clear(db_url: str) -> None:
    contact = alice(db_url)
    other = add(db_url, "Omar Diaz", "--phone", "(212) 555-0199")
    ok(db_url, "log", str(other), "--channel", "call", "--outcome", "meeting_booked",
       "--at", TUESDAY, "--next-at", "2026-11-25T15:00:00Z")  # fmt: skip

    data = ok_json(db_url, "propose", str(contact), "--at", TUESDAY)

    assert data["slots"][0]["start"] == "2026-11-25T16:00:00Z"


def test_propose_shows_both_clocks_and_the_email(db_url: str) -> None:
    contact = alice(db_url)

    out = ok(db_url, "propose", str(contact), "--at", TUESDAY)

    assert "Wed 25 Nov 10:00 EST" in out and "Wed 25 Nov 15:00 GMT" in out
    assert "Hi Alice," in out and "Subject: A short call, Wednesday or Friday?" in out


def test_propose_refuses_a_do_not_contact_r12(db_url: str) -> None:
    contact = alice(db_url)
    ok(db_url, "log", str(contact), "--channel", "call", "--outcome", "do_not_contact",
       "--at", TUESDAY, "--no-next-step")  # fmt: skip

    code, _, err = run(db_url, "propose", str(contact), "--at", TUESDAY)

    assert code == 1 and "R12" in err


def test_letter_prints_one_contacts_letter_and_card(db_url: str, tmp_path: Path) -> None:
    contact = bernd(db_url)
    pdf = tmp_path / "bernd.pdf"

    data = ok_json(db_url, "letter", str(contact), "-o", str(pdf), "--date", "2026-11-24")

    assert data["letters"] == [{"contact_id": contact, "name": "Bernd Huber", "paper": "a4"}]
    assert ink(page_png(pdf, 1)) > 0.002
    text = pdf_text(pdf)
    assert "Dear Bernd," in text and "24 November 2026" in text
    assert "1 King Street" in text and "Good times to call me" in text


def test_letters_prints_the_days_planned_letters_in_one_pdf_r9(db_url: str, tmp_path: Path) -> None:
    contact = bernd(db_url)
    alice(db_url)  # planned for a call that day, not a letter
    pdf = tmp_path / "letters.pdf"

    data = ok_json(db_url, "letters", "--date", next_working_day(), "-o", str(pdf))

    assert [letter["contact_id"] for letter in data["letters"]] == [contact]
    assert data["output"] == str(pdf)
    assert ink(page_png(pdf, 1)) > 0.002
    assert "Dear Bernd," in pdf_text(pdf, 1)


def test_letters_on_a_day_without_letters_writes_nothing(db_url: str, tmp_path: Path) -> None:
    alice(db_url)
    pdf = tmp_path / "none.pdf"

    out = ok(db_url, "letters", "--date", next_working_day(), "-o", str(pdf))

    assert "No letters due" in out and not pdf.exists()


def test_letters_need_your_address_for_the_reply_card(sqlite_url: str, tmp_path: Path) -> None:
    contact = bernd(sqlite_url)

    code, _, err = run(sqlite_url, "letter", str(contact), "-o", str(tmp_path / "x.pdf"),
                       env={"RINGBACK_SENDER_ADDRESS": ""})  # fmt: skip

    assert code == 1 and "RINGBACK_SENDER_ADDRESS" in err
    assert not (tmp_path / "x.pdf").exists()


def test_a_bad_date_names_the_field(sqlite_url: str, tmp_path: Path) -> None:
    code, _, err = run(sqlite_url, "letters", "--date", "24/11/2026", "-o", str(tmp_path / "x"))

    assert code == 1 and "date" in err
