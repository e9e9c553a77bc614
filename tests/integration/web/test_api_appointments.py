"""/api/v1/appointments on SQLite and PostgreSQL: book, move, cancel, and the .ics (R3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
from conftest import Team

from ringback.web.api.schemas import AppointmentPage, AppointmentPublic

START = "2030-01-07T15:00:00Z"  # a Monday, safely in the future


def book(team: Team, who: str = "olivia", **fields: Any) -> dict[str, Any]:
    contact_id = fields.pop("contact_id", None) or team.add_contact()["id"]
    body = {"contact_id": contact_id, "start": START, **fields}
    response = team.api(who, "POST", "/appointments", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def test_a_booked_appointment_puts_the_contact_first_r3_r18(team: Team) -> None:
    appointment = book(team, title="Intro call", phone="(212) 555-0199")
    AppointmentPublic.model_validate(appointment)
    assert appointment["end"] == "2030-01-07T15:30:00Z"  # 30 minutes by default
    assert appointment["phone"] == "+12125550199"
    assert (appointment["user"], appointment["sequence"]) == ("olivia", 0)
    contact = team.api("olivia", "GET", f"/contacts/{appointment['contact_id']}").json()
    assert contact["state"]["appointment_at"] == START
    plan = team.api("olivia", "GET", "/plan", params={
        "from": "2030-01-07T00:00:00Z", "to": "2030-01-08T00:00:00Z",
    }).json()  # fmt: skip
    assert plan["items"][0]["contact_id"] == appointment["contact_id"]
    assert plan["items"][0]["tier"] == "appointment"


def test_the_ics_invite_parses_and_describes_the_appointment(team: Team) -> None:
    appointment = book(team, title="Intro call")
    response = team.api("olivia", "GET", f"/appointments/{appointment['id']}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == appointment["uid"]
    assert event.decoded("DTSTART") == datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)
    assert "Alice Moreno" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "tel:+12125550142"


def test_moving_raises_the_sequence_and_cancelling_sends_a_cancel(team: Team) -> None:
    appointment = book(team)
    path = f"/appointments/{appointment['id']}"
    moved = team.api("olivia", "PATCH", path, json={
        "start": "2030-01-08T15:00:00Z", "end": "2030-01-08T16:00:00Z",
    })  # fmt: skip
    assert moved.status_code == 200 and moved.json()["sequence"] == 1
    cancelled = team.api("olivia", "DELETE", path)
    assert cancelled.json()["cancelled"] is True and cancelled.json()["sequence"] == 2
    calendar = icalendar.Calendar.from_ical(team.api("olivia", "GET", f"{path}.ics").content)
    assert str(calendar["METHOD"]) == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 2)
    contact = team.api("olivia", "GET", f"/contacts/{appointment['contact_id']}").json()
    assert contact["state"]["appointment_at"] is None


def test_the_list_selects_by_contact_and_time_and_leaves_out_cancelled(team: Team) -> None:
    first = book(team)
    second = book(team, contact_id=first["contact_id"], start="2030-02-04T15:00:00Z")
    team.api("olivia", "DELETE", f"/appointments/{second['id']}")

    def ids(**params: Any) -> list[int]:
        response = team.api("olivia", "GET", "/appointments", params=params)
        return [a.id for a in AppointmentPage.model_validate(response.json()).items]

    assert ids() == [first["id"]]
    assert ids(include_cancelled=True) == [first["id"], second["id"]]
    assert ids(**{"from": "2030-01-08T00:00:00Z"}, include_cancelled=True) == [second["id"]]
    assert ids(contact_id=first["contact_id"] + 1) == []


def test_a_useronly_appointment_is_hidden_from_other_reps(team: Team) -> None:
    appointment = book(team, "rita", scope="useronly")
    path = f"/appointments/{appointment['id']}"
    assert team.api("rita", "GET", path).status_code == 200
    assert team.api("olivia", "GET", path).status_code == 200
    assert team.api("ravi", "GET", path).status_code == 404
    assert team.api("ravi", "GET", f"{path}.ics").status_code == 404
    assert team.api("ravi", "PATCH", path, json={"title": "Mine"}).status_code == 404
    assert team.api("ravi", "GET", "/appointments").json()["items"] == []
    shared = book(team, "rita", contact_id=appointment["contact_id"], start="2030-03-04T15:00:00Z")
    assert [a["id"] for a in team.api("ravi", "GET", "/appointments").json()["items"]] == [
        shared["id"]
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"end": "2030-01-07T14:00:00Z"}, "end"),
        ({"start": "2030-01-07T15:00:00"}, "start"),
        ({"phone": "12"}, "phone"),
        ({"scope": "everyone"}, "scope"),
    ],
)
def test_bad_appointments_are_422_naming_the_field(
    team: Team, body: dict[str, Any], field: str
) -> None:
    contact_id = team.add_contact()["id"]
    response = team.api("olivia", "POST", "/appointments", json={
        "contact_id": contact_id, "start": START, **body,
    })  # fmt: skip
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_no_appointment_is_booked_after_do_not_contact_r12(team: Team) -> None:
    contact_id = team.add_contact()["id"]
    team.api("olivia", "POST", "/touches", json={
        "contact_id": contact_id, "outcome": "do_not_contact", "next_kind": "none",
        "at": "2026-03-02T15:00:00Z",
    })  # fmt: skip
    response = team.api("olivia", "POST", "/appointments", json={
        "contact_id": contact_id, "start": START,
    })  # fmt: skip
    assert response.status_code == 422 and response.json()["error"]["rule"] == "R12"


def test_an_unknown_appointment_is_404(team: Team) -> None:
    for path in ("/appointments/999", "/appointments/999.ics"):
        assert team.api("olivia", "GET", path).status_code == 404
