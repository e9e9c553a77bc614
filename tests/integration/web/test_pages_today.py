"""The Today page and logging from it, on SQLite and PostgreSQL (R3, R5, R13, R18)."""

from __future__ import annotations

import re
from typing import Any

from conftest import NOW, Pages

NY_PHONE = "+1 212 555 0142"


def touches_of(pages: Pages, contact_id: int) -> list[dict[str, Any]]:
    response = pages.team.api("olivia", "GET", f"/contacts/{contact_id}/touches")
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.json()
    return found


def test_today_lists_the_plan_in_r18_order_with_local_time_attempt_and_tel_links(
    pages: Pages,
) -> None:
    pages.team.add_contact(full_name="Alice Moreno", company="Northwind")
    bernd = pages.team.add_contact(full_name="Bernd Hoffmann", phone="+49 30 12345678")
    promised = {"contact_id": bernd["id"], "outcome": "call_later", "at": "2026-03-02T10:00:00Z",
                "next_at": "2026-03-03T15:30:00Z"}  # fmt: skip
    assert pages.team.api("olivia", "POST", "/touches", json=promised).status_code == 201

    page = pages.get("rita", "/")

    assert page.status_code == 200
    text = page.text
    assert text.index("Bernd Hoffmann") < text.index("Alice Moreno")  # promised first (R18)
    assert "Promised call-back" in text and "Cadence step" in text
    assert 'href="tel:+12125550142"' in text and 'href="tel:+493012345678"' in text
    assert "Their time <strong>Tue 10:00</strong>" in text  # New York at NOW (R5)
    assert "EST · New York · UTC−05:00" in text
    assert "attempt #1" in text
    assert "Northwind" in text
    assert 'data-key="c"' in text  # the keyboard shortcut for "connected"
    assert "Why now:" in text


def test_an_outcome_button_logs_the_touch_and_moves_the_contact_on(pages: Pages) -> None:
    alice = pages.team.add_contact()

    response = pages.post(
        "rita", f"/contacts/{alice['id']}/log",
        {"outcome": "no_answer", "channel": "call", "return_to": "today"},
    )  # fmt: skip

    assert response.status_code == 303 and response.headers["location"] == "/"
    (touch,) = touches_of(pages, alice["id"])
    assert (touch["outcome"], touch["user"]) == ("no_answer", "rita")
    assert touch["at"] == "2026-03-03T15:00:00Z"
    assert touch["phone"] == "+12125550142"
    today = pages.get("rita", "/").text
    assert "Logged no answer for Alice Moreno" in today  # the one-time message
    assert 'id="item-' not in today  # due again in 3 days (R2), so not today


def test_a_wrong_number_marks_the_number_that_was_dialled_r12(pages: Pages) -> None:
    two = pages.team.add_contact(
        phones=[{"number": "+1 212 555 0142", "type": "work"},
                {"number": "+1 646 555 0100", "type": "mobile"}],
    )  # fmt: skip

    pages.post(
        "rita", f"/contacts/{two['id']}/log", {"outcome": "wrong_number", "phone": "+16465550100"}
    )

    assert touches_of(pages, two["id"])[0]["phone"] == "+16465550100"
    page = pages.get("rita", f"/contacts/{two['id']}/log").text
    assert '<option value="+16465550100"' in page  # the form asks which number


def test_with_htmx_an_outcome_swaps_the_item_for_a_logged_line(pages: Pages) -> None:
    alice = pages.team.add_contact()

    response = pages.post(
        "rita", f"/contacts/{alice['id']}/log",
        {"outcome": "busy", "return_to": "today"}, headers={"HX-Request": "true"},
    )  # fmt: skip

    assert response.status_code == 200
    logged = f'<li class="plan-item card logged" id="item-{alice["id"]}"'
    assert response.text.lstrip().startswith(logged)
    assert "Logged busy for Alice Moreno" in response.text


def test_connected_without_a_next_step_is_refused_with_the_r3_message(pages: Pages) -> None:
    alice = pages.team.add_contact()

    response = pages.post(
        "rita", f"/contacts/{alice['id']}/log", {"outcome": "connected", "return_to": "today"}
    )

    assert response.status_code == 422
    assert "R3: a connected conversation needs a next step" in response.text
    assert 'name="next_kind" value="appointment"' in response.text  # the form comes back
    assert touches_of(pages, alice["id"]) == []


def test_the_connected_button_opens_the_next_step_dialog(pages: Pages) -> None:
    alice = pages.team.add_contact()
    page = pages.get("rita", "/")
    query = "outcome=connected&amp;channel=call&amp;return_to=today&amp;phone=%2B12125550142"
    link = f"/contacts/{alice['id']}/log?{query}"
    assert f'href="{link}"' in page.text

    dialog = pages.get(
        "rita", link.replace("&amp;", "&"), headers={"HX-Request": "true"}
    )  # a fragment for the <dialog>

    assert dialog.status_code == 200 and "<html" not in dialog.text
    assert "what is the next step?" in dialog.text
    assert "Promised call-back" in dialog.text and "None, explicitly" in dialog.text


def test_connected_with_a_call_back_on_their_clock_is_promised_r3_r4(pages: Pages) -> None:
    alice = pages.team.add_contact()

    response = pages.post(
        "rita", f"/contacts/{alice['id']}/log",
        {"outcome": "connected", "next_kind": "call-back", "next_at": "2026-03-10T14:00",
         "next_zone": "contact", "next_scope": "useronly", "notes": "call Tue after 2",
         "return_to": "today"},
    )  # fmt: skip

    assert response.status_code == 303
    (touch,) = touches_of(pages, alice["id"])
    assert touch["next_kind"] == "call-back" and touch["next_scope"] == "useronly"
    assert touch["next_at"] == "2026-03-10T18:00:00Z"  # 14:00 in New York (EDT from 8 Mar)
    state = pages.team.api("olivia", "GET", f"/contacts/{alice['id']}").json()["state"]
    assert (state["status"], state["booked_for"]) == ("warm", "rita")


def test_connected_with_an_appointment_books_it_with_an_invite(pages: Pages) -> None:
    alice = pages.team.add_contact()

    pages.post(
        "rita", f"/contacts/{alice['id']}/log",
        {"outcome": "connected", "next_kind": "appointment", "next_at": "2026-03-05T16:00",
         "next_zone": "user"},
    )  # fmt: skip

    page = pages.get("rita", f"/contacts/{alice['id']}")
    match = re.search(r'href="/appointments/(\d+)\.ics"', page.text)
    assert match, "the contact page links the invite"
    invite = pages.get("rita", f"/appointments/{match.group(1)}.ics")
    assert invite.status_code == 200
    assert invite.headers["content-type"].startswith("text/calendar")
    assert "DTSTART;TZID=America/New_York:20260305T110000" in invite.text  # 16:00 UTC


def test_connected_with_an_explicit_none_is_logged(pages: Pages) -> None:
    alice = pages.team.add_contact()

    response = pages.post(
        "rita", f"/contacts/{alice['id']}/log", {"outcome": "connected", "next_kind": "none"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/contacts/{alice['id']}"
    assert touches_of(pages, alice["id"])[0]["next_kind"] == "none"


def test_a_rep_s_today_leaves_out_another_rep_s_private_contacts(pages: Pages) -> None:
    pages.team.add_contact(full_name="Team Lead")
    pages.team.add_contact("ravi", full_name="Ravi Private", owner="ravi", phone="+1 646 555 0100")

    rita = pages.get("rita", "/").text
    ravi = pages.get("ravi", "/").text

    assert "Team Lead" in rita and "Ravi Private" not in rita
    assert "Team Lead" in ravi and "Ravi Private" in ravi


def test_today_needs_a_signed_in_user(pages: Pages) -> None:
    response = pages.team.new_browser().get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/"


def test_logging_without_the_csrf_token_is_refused_403(pages: Pages) -> None:
    alice = pages.team.add_contact()
    browser = pages.browser("rita")
    response = browser.post(f"/contacts/{alice['id']}/log", data={"outcome": "busy"})
    assert response.status_code == 403
    assert touches_of(pages, alice["id"]) == []


def test_an_empty_day_says_so(pages: Pages) -> None:
    page = pages.get("rita", "/")
    assert "Nothing planned for today" in page.text
    assert NOW.strftime("%A") in page.text
