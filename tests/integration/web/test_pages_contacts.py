"""The Contacts list and the contact page, on SQLite and PostgreSQL (R3, R4, R12)."""

from __future__ import annotations

import re

import pytest
from conftest import Pages


def test_the_contact_page_shows_the_timeline_in_both_local_times(pages: Pages) -> None:
    alice = pages.team.add_contact(company="Northwind", referred_by="Jordan Lee")
    pages.post("rita", f"/contacts/{alice['id']}/log", {"outcome": "no_answer"})
    pages.post(
        "rita", f"/contacts/{alice['id']}/log",
        {"outcome": "connected", "next_kind": "call-back", "next_at": "2026-03-10T14:00",
         "notes": "asked for Tuesday", "at": "2026-03-03T15:30"},
    )  # fmt: skip

    page = pages.get("rita", f"/contacts/{alice['id']}")

    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert text.index("Connected") < text.index("No answer")  # newest first
    assert "Tue 03 Mar 15:30</time> your time · Tue 03 Mar 10:30 their time" in text
    assert "Next step: call-back, Tue 10 Mar 14:00 their time" in text
    assert "asked for Tuesday" in text
    assert "Jordan Lee" in text and 'href="tel:+12125550142"' in text


def test_the_contact_page_shows_the_next_action_and_its_rule_trace(pages: Pages) -> None:
    alice = pages.team.add_contact()
    page = pages.get("rita", f"/contacts/{alice['id']}").text
    assert "Next action" in page and "attempt #1" in page
    assert "Why: the rule trace (R1, R6, R5)" in page
    assert "<code>R6</code> <em>set</em>" in page


@pytest.mark.parametrize(
    "path",
    ["/contacts/{id}", "/contacts/{id}/edit", "/contacts/{id}/log"],
)
def test_a_rep_gets_404_on_another_rep_s_private_contact(pages: Pages, path: str) -> None:
    private = pages.team.add_contact("ravi", owner="ravi")

    denied = pages.get("rita", path.format(id=private["id"]))
    unknown = pages.get("rita", path.format(id=9999))

    assert denied.status_code == 404 and unknown.status_code == 404
    assert "no contact with id" in denied.text
    assert pages.get("ravi", path.format(id=private["id"])).status_code == 200
    assert pages.get("olivia", path.format(id=private["id"])).status_code == 200


def test_a_rep_cannot_log_on_another_rep_s_private_contact(pages: Pages) -> None:
    private = pages.team.add_contact("ravi", owner="ravi")
    response = pages.post("rita", f"/contacts/{private['id']}/log", {"outcome": "busy"})
    assert response.status_code == 404


def names_in(page: str) -> list[str]:
    return re.findall(r'<td data-label="Name"><a href="/contacts/\d+">([^<]+)</a>', page)


def test_search_finds_by_name_company_and_number_in_any_format(pages: Pages) -> None:
    pages.team.add_contact(full_name="Alice Moreno", company="Northwind Traders")
    pages.team.add_contact(full_name="Bernd Hoffmann", phone="+49 30 12345678", company="Acme")

    assert names_in(pages.get("rita", "/contacts?q=moreno").text) == ["Alice Moreno"]
    assert names_in(pages.get("rita", "/contacts?q=northwind").text) == ["Alice Moreno"]
    assert names_in(pages.get("rita", "/contacts?q=(212) 555-0142").text) == ["Alice Moreno"]
    assert names_in(pages.get("rita", "/contacts?q=%2B49 30 123 456 78").text) == ["Bernd Hoffmann"]
    assert names_in(pages.get("rita", "/contacts").text) == ["Alice Moreno", "Bernd Hoffmann"]


def test_filters_by_status_segment_owner_and_due(pages: Pages) -> None:
    alice = pages.team.add_contact(full_name="Alice Moreno", segment="dental")
    pages.team.add_contact(full_name="Rita Own", owner="rita", phone="+1 646 555 0100")
    pages.team.add_contact("ravi", full_name="Ravi Own", owner="ravi", phone="+1 646 555 0101")
    pages.post(
        "rita", f"/contacts/{alice['id']}/log", {"outcome": "connected", "next_kind": "none"}
    )

    assert names_in(pages.get("rita", "/contacts?status=warm").text) == ["Alice Moreno"]
    assert names_in(pages.get("rita", "/contacts?segment=dental").text) == ["Alice Moreno"]
    assert names_in(pages.get("rita", "/contacts?owner=me").text) == ["Rita Own"]
    assert names_in(pages.get("rita", "/contacts?owner=team").text) == ["Alice Moreno"]
    assert names_in(pages.get("rita", "/contacts?due=now").text) == ["Rita Own"]
    assert "Ravi Own" not in pages.get("rita", "/contacts").text
    assert "Ravi Own" in pages.get("olivia", "/contacts?owner=ravi").text


def test_editing_saves_the_changed_fields(pages: Pages) -> None:
    alice = pages.team.add_contact()
    form = pages.get("rita", f"/contacts/{alice['id']}/edit").text
    assert 'value="Alice Moreno"' in form

    response = pages.post(
        "rita", f"/contacts/{alice['id']}/edit",
        {"full_name": "Alice Moreno-Diaz", "phones": "mobile: +1 212 555 0142",
         "company": "Northwind", "reason": "a referral", "owner": ""},
    )  # fmt: skip

    assert response.status_code == 303
    saved = pages.team.api("olivia", "GET", f"/contacts/{alice['id']}").json()
    assert (saved["full_name"], saved["first_name"], saved["company"]) == (
        "Alice Moreno-Diaz", "Alice", "Northwind",
    )  # fmt: skip
    assert saved["timezone"] == "America/New_York"


def test_an_invalid_edit_comes_back_with_the_field_named(pages: Pages) -> None:
    alice = pages.team.add_contact()
    response = pages.post(
        "rita", f"/contacts/{alice['id']}/edit",
        {"full_name": "Alice Moreno", "phones": "mobile: +1 212 555 0142", "email": "not-an-email"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "email: &#39;not-an-email&#39; is not a valid email address" in response.text


def test_do_not_contact_is_switched_on_for_good_r12(pages: Pages) -> None:
    alice = pages.team.add_contact()

    unconfirmed = pages.post("rita", f"/contacts/{alice['id']}/do-not-contact", {})
    assert unconfirmed.status_code == 303
    assert (
        pages.team.api("olivia", "GET", f"/contacts/{alice['id']}").json()["state"]["status"]
        == "new"
    )

    pages.post("rita", f"/contacts/{alice['id']}/do-not-contact", {"confirm": "yes"})

    page = pages.get("rita", f"/contacts/{alice['id']}").text
    assert "will not be contacted again" in page
    assert "Never again, on any channel" in page
    assert "Alice Moreno" not in pages.get("rita", "/").text
    again = pages.post("rita", f"/contacts/{alice['id']}/do-not-contact", {"confirm": "yes"})
    assert again.status_code == 303
    assert "cannot be switched off" in pages.get("rita", f"/contacts/{alice['id']}").text
    refused = pages.post("rita", f"/contacts/{alice['id']}/log", {"outcome": "busy"})
    assert refused.status_code == 422 and "R12" in refused.text


def test_preferred_windows_are_added_and_removed_r4(pages: Pages) -> None:
    alice = pages.team.add_contact()

    pages.post(
        "rita", f"/contacts/{alice['id']}/windows",
        {"days": ["tue", "thu"], "start": "14:00", "end": "17:00"},
    )  # fmt: skip

    saved = pages.team.api("olivia", "GET", f"/contacts/{alice['id']}").json()
    window = {"days": ["tue", "thu"], "start": "14:00", "end": "17:00"}
    assert saved["preferred_windows"] == [window]
    page = pages.get("rita", f"/contacts/{alice['id']}").text
    assert "tue, thu 14:00–17:00" in page
    assert "Tue 03 Mar 14:00" in page  # the next call moved into the window (R4)

    pages.post("rita", f"/contacts/{alice['id']}/windows", {"remove": "0"})
    saved = pages.team.api("olivia", "GET", f"/contacts/{alice['id']}").json()
    assert saved["preferred_windows"] == []


def test_a_bad_window_is_refused_with_a_message(pages: Pages) -> None:
    alice = pages.team.add_contact()
    backwards = {"days": ["tue"], "start": "17:00", "end": "09:00"}
    pages.post("rita", f"/contacts/{alice['id']}/windows", backwards)
    assert "Not saved" in pages.get("rita", f"/contacts/{alice['id']}").text


def test_appointments_are_booked_downloaded_and_cancelled(pages: Pages) -> None:
    alice = pages.team.add_contact()

    pages.post(
        "rita", f"/contacts/{alice['id']}/appointments",
        {"start": "2026-03-05T11:00", "zone": "contact", "minutes": "45", "title": "Intro"},
    )  # fmt: skip

    page = pages.get("rita", f"/contacts/{alice['id']}").text
    (appointment_id,) = re.findall(r'href="/appointments/(\d+)\.ics"', page)
    invite = pages.get("rita", f"/appointments/{appointment_id}.ics").text
    # In the contact's zone, with its VTIMEZONE (issue 6): 16:00 UTC is 11:00 in New York.
    assert "DTSTART;TZID=America/New_York:20260305T110000" in invite
    assert "DTEND;TZID=America/New_York:20260305T114500" in invite
    assert "TZID:America/New_York" in invite
    assert "SUMMARY:Intro: Alice Moreno" in invite
    assert "Thu 05 Mar 11:00 their time" in page

    pages.post("rita", f"/appointments/{appointment_id}/cancel", {})
    assert "METHOD:CANCEL" in pages.get("rita", f"/appointments/{appointment_id}.ics").text


def test_a_rep_cannot_download_another_rep_s_private_appointment(pages: Pages) -> None:
    private = pages.team.add_contact("ravi", owner="ravi")
    pages.post("ravi", f"/contacts/{private['id']}/appointments", {"start": "2026-03-05T11:00"})
    assert pages.get("ravi", "/appointments/1.ics").status_code == 200
    assert pages.get("rita", "/appointments/1.ics").status_code == 404
