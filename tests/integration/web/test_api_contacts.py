"""/api/v1/contacts on SQLite and PostgreSQL: CRUD, filters, lookup, ownership."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Team

from ringback.web.api.schemas import ContactPage, ContactPublic, LookupPublic, WhyPublic


def test_a_new_contact_is_stored_in_e164_with_its_zone_and_due_at_once(team: Team) -> None:
    created = team.add_contact(phone="(212) 555-0142", email="Alice@Example.COM", segment="dental")
    ContactPublic.model_validate(created)
    assert created["phones"][0]["e164"] == "+12125550142"
    assert created["email"] == "Alice@example.com"
    assert created["timezone"] == "America/New_York"
    assert created["owner"] is None  # the team's
    assert created["state"]["status"] == "new" and created["state"]["next_due_at"]
    fetched = team.api("olivia", "GET", f"/contacts/{created['id']}").json()
    assert fetched == created


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"full_name": "Bad Number", "phone": "12"}, "phone"),
        ({"full_name": "Bad List", "phones": [{"number": "+1 555", "type": "work"}]}, "phones"),
        ({"full_name": "No Way To Reach"}, "phone"),
        ({"full_name": "Bad Mail", "email": "not-an-address"}, "email"),
        ({"full_name": "Bad Zone", "phone": "+4930123456", "timezone": "Mars/Base"}, "timezone"),
        ({"phone": "+4930123456"}, "full_name"),
        ({"full_name": "X", "phone": "+4930123456", "shoe_size": 44}, "shoe_size"),
        (
            {"full_name": "X", "phone": "+4930123456", "preferred_channel": "fax"},
            "preferred_channel",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field(team: Team, body: dict[str, Any], field: str) -> None:
    response = team.api("olivia", "POST", "/contacts", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_field"
    assert error["field"] == field


@pytest.mark.parametrize(
    "typed", ["+1 212 555 0142", "(212) 555-0142", "212.555.0142", "+12125550142", "1-212-555-0142"]
)
def test_lookup_finds_a_contact_by_a_number_in_any_format_r15(team: Team, typed: str) -> None:
    alice = team.add_contact(phone="+1 (212) 555-0142")
    response = team.api("olivia", "GET", "/contacts/lookup", params={"phone": typed})
    assert response.status_code == 200
    data = LookupPublic.model_validate(response.json())
    assert data.phone == "+12125550142"
    assert [c.id for c in data.contacts] == [alice["id"]]


def test_lookup_of_an_unknown_number_is_an_empty_list_and_a_bad_one_422(team: Team) -> None:
    team.add_contact()
    unknown = team.api("olivia", "GET", "/contacts/lookup", params={"phone": "+44 20 7946 0958"})
    assert unknown.json() == {"phone": "+442079460958", "contacts": []}
    bad = team.api("olivia", "GET", "/contacts/lookup", params={"phone": "hello"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "phone"


def test_the_list_filters_by_segment_owner_status_due_and_text(team: Team) -> None:
    a = team.add_contact(full_name="Alice Moreno", segment="dental")
    b = team.add_contact(full_name="Bernd Hoffmann", phone="+49 30 12345678", owner="rita")
    c = team.add_contact(full_name="Carl Dunn", phone="+44 20 7946 0958", email="carl@example.com")
    team.api("olivia", "POST", "/touches", json={
        "contact_id": c["id"], "outcome": "do_not_contact", "next_kind": "none",
        "at": "2026-03-02T15:00:00Z",
    })  # fmt: skip

    def ids(**params: Any) -> list[int]:
        response = team.api("olivia", "GET", "/contacts", params=params)
        assert response.status_code == 200, response.text
        return [item.id for item in ContactPage.model_validate(response.json()).items]

    assert ids() == [a["id"], b["id"], c["id"]]
    assert ids(segment="dental") == [a["id"]]
    assert ids(owner="rita") == [b["id"]]
    assert ids(owner="team") == [a["id"], c["id"]]
    assert ids(status="do_not_contact") == [c["id"]]
    assert ids(due="2100-01-01T00:00:00Z") == [a["id"], b["id"]]
    assert ids(q="hoff") == [b["id"]]
    assert ids(q="carl@example.com") == [c["id"]]
    assert ids(q="+44 20 7946 0958") == [c["id"]]


def test_the_list_comes_in_pages(team: Team) -> None:
    made = [
        team.add_contact(full_name=f"Person {i}", phone=f"+4930123456{i}")["id"] for i in range(5)
    ]
    first = team.api("olivia", "GET", "/contacts", params={"limit": 2}).json()
    assert [c["id"] for c in first["items"]] == made[:2]
    rest = team.api("olivia", "GET", "/contacts", params={"after": first["next_after"]}).json()
    assert [c["id"] for c in rest["items"]] == made[2:]
    assert rest["next_after"] is None


def test_bad_filters_are_422_naming_the_parameter(team: Team) -> None:
    for params, field in (
        ({"status": "sleepy"}, "status"),
        ({"due": "2026-03-02T10:00"}, "due"),
        ({"after": 2**31}, "after"),
        ({"limit": 501}, "limit"),
    ):
        response = team.api("olivia", "GET", "/contacts", params=params)
        assert response.status_code == 422
        assert response.json()["error"]["field"] == field


def test_an_update_changes_only_what_was_sent_and_revalidates(team: Team) -> None:
    alice = team.add_contact(segment="dental", tags=["vip"])
    changed = team.api("olivia", "PATCH", f"/contacts/{alice['id']}", json={
        "phones": [{"number": "+49 30 12345678", "type": "work"}], "company": "Northwind",
    })  # fmt: skip
    assert changed.status_code == 200
    data = changed.json()
    assert [p["e164"] for p in data["phones"]] == ["+493012345678"]
    assert data["timezone"] == "Europe/Berlin"  # derived from the new number
    assert (data["segment"], data["tags"], data["company"]) == ("dental", ["vip"], "Northwind")
    cleared = team.api("olivia", "PATCH", f"/contacts/{alice['id']}", json={"segment": None})
    assert cleared.json()["segment"] is None
    bad = team.api("olivia", "PATCH", f"/contacts/{alice['id']}", json={"phone": "12"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "phone"


def test_a_deleted_contact_is_gone(team: Team) -> None:
    alice = team.add_contact()
    assert team.api("olivia", "DELETE", f"/contacts/{alice['id']}").status_code == 204
    assert team.api("olivia", "GET", f"/contacts/{alice['id']}").status_code == 404


def test_why_shows_the_rule_trace(team: Team) -> None:
    alice = team.add_contact()
    response = team.api("olivia", "GET", f"/contacts/{alice['id']}/why",
                        params={"at": "2026-03-02T12:00:00Z"})  # fmt: skip
    assert response.status_code == 200
    why = WhyPublic.model_validate(response.json())
    assert why.contact_id == alice["id"] and "R5" in why.rules


# --- ownership (domain/access.py) ------------------------------------------------------


@pytest.fixture
def ravis_private(team: Team) -> dict[str, Any]:
    return team.add_contact("ravi", full_name="Ravi's Lead", phone="+44 20 7946 0958", owner="ravi")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/contacts/{id}", None),
        ("PATCH", "/contacts/{id}", {"company": "Mine now"}),
        ("DELETE", "/contacts/{id}", None),
        ("GET", "/contacts/{id}/why", None),
        ("GET", "/contacts/{id}/touches", None),
        ("POST", "/touches", {"contact_id": "{id}", "outcome": "no_answer"}),
        ("POST", "/appointments", {"contact_id": "{id}", "start": "2030-01-07T15:00:00Z"}),
    ],
)
def test_a_rep_gets_404_on_another_reps_private_contact(
    team: Team, ravis_private: dict[str, Any], method: str, path: str, body: dict[str, Any] | None
) -> None:
    contact_id = ravis_private["id"]
    if body is not None:
        body = {k: contact_id if v == "{id}" else v for k, v in body.items()}
    response = team.api("rita", method, path.format(id=contact_id), json=body)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert team.api("ravi", "GET", f"/contacts/{contact_id}").status_code == 200
    assert team.api("olivia", "GET", f"/contacts/{contact_id}").status_code == 200


def test_a_rep_neither_lists_nor_looks_up_another_reps_private_contact(
    team: Team, ravis_private: dict[str, Any]
) -> None:
    shared = team.add_contact("rita")
    listed = team.api("rita", "GET", "/contacts").json()["items"]
    assert [c["id"] for c in listed] == [shared["id"]]
    assert team.api("rita", "GET", "/contacts", params={"owner": "ravi"}).json()["items"] == []
    found = team.api("rita", "GET", "/contacts/lookup", params={"phone": "+44 20 7946 0958"})
    assert found.json()["contacts"] == []


def test_a_rep_gives_contacts_to_the_team_or_themselves_only(team: Team) -> None:
    refused = team.api("rita", "POST", "/contacts", json={
        "full_name": "Ana", "phone": "+4930123456", "owner": "ravi",
    })  # fmt: skip
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "owner"
    mine = team.add_contact("rita", owner="rita")
    assert mine["owner"] == "rita"
    given = team.api("olivia", "PATCH", f"/contacts/{mine['id']}", json={"owner": "ravi"})
    assert given.status_code == 200
    assert team.api("rita", "GET", f"/contacts/{mine['id']}").status_code == 404
    unknown = team.api("olivia", "PATCH", f"/contacts/{mine['id']}", json={"owner": "zed"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "owner"
