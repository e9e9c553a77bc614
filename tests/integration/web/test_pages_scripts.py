"""The script panel on Today and the contact page, on SQLite and PostgreSQL
(R7, R8, R9, R10, R19): the message for the step, its findings, ready or not."""

from __future__ import annotations

import re

from conftest import NOW, Pages
from icalendar import Calendar

HTMX = {"HX-Request": "true"}
SENDER = {"sender_name": "Jamie Doe", "sender_phone": "+1 612 555 0123"}


def with_sender(pages: Pages, **settings: str | None) -> None:
    app = pages.team.app
    app.settings = app.settings.model_copy(update={**SENDER, **settings})


def panel(pages: Pages, who: str, contact_id: int, query: str = "") -> str:
    response = pages.get(who, f"/contacts/{contact_id}/script{query}", headers=HTMX)
    assert response.status_code == 200, response.text
    return response.text


def test_today_loads_each_items_script_lazily(pages: Pages) -> None:
    alice = pages.team.add_contact()

    today = pages.get("rita", "/").text

    assert f'hx-get="/contacts/{alice["id"]}/script"' in today
    assert 'hx-trigger="revealed"' in today
    assert "Written scripts arrive with the messages feature" not in today


def test_the_panel_shows_the_voicemail_with_the_spoken_number_and_time_r7(pages: Pages) -> None:
    with_sender(pages)
    alice = pages.team.add_contact(referred_by="Jordan Lee", reason="the data roles on your team")

    text = panel(pages, "rita", alice["id"])

    assert "First voicemail" in text and "<code>call.intro:a</code>" in text
    assert "612 · 555 · 0123" in text  # said in chunks, early and again at the end (R7)
    assert re.search(r"about \d+ s spoken", text)
    assert "Jordan Lee" in text and "the data roles on your team" in text
    assert '<span class="badge ready">ready</span>' in text
    assert "NOT ready" not in text
    assert "<html" not in text  # a fragment for HTMX


def test_a_voicemail_with_no_reason_is_not_ready_and_says_which_rule_r7(pages: Pages) -> None:
    with_sender(pages)
    alice = pages.team.add_contact(reason=None)

    text = panel(pages, "rita", alice["id"])

    assert "NOT ready" in text
    assert 'class="finding severity-error" data-code="no-reason"' in text
    assert "<code>R7</code>" in text


def test_an_empty_field_makes_the_step_not_ready_r19(pages: Pages) -> None:
    with_sender(pages, sender_phone=None)
    alice = pages.team.add_contact()

    text = panel(pages, "rita", alice["id"])

    assert "NOT ready" in text
    assert 'data-code="empty-field"' in text and "[me.number]" in text


def test_the_contact_page_chooses_the_step_r8_r9(pages: Pages) -> None:
    with_sender(pages, sender_email="jamie@example.com")
    alice = pages.team.add_contact(email="alice@example.com")

    page = pages.get("rita", f"/contacts/{alice['id']}").text
    assert f'hx-get="/contacts/{alice["id"]}/script?chooser=true"' in page

    chooser = panel(pages, "rita", alice["id"], "?chooser=true")
    for step in ("first_voicemail", "followup_voicemail", "email_first", "email_slots", "letter"):
        assert f'<option value="{step}"' in chooser
    followup = panel(pages, "rita", alice["id"], "?chooser=true&step=followup_voicemail")
    assert "Followup voicemail" in followup and "call.followup" in followup
    letter = panel(pages, "rita", alice["id"], "?step=letter")
    assert f"ringback letter {alice['id']}" in letter


def test_the_slots_email_proposes_free_times_with_invites_r9_r10(pages: Pages) -> None:
    with_sender(pages, sender_email="jamie@example.com")
    alice = pages.team.add_contact(email="alice@example.com")

    text = panel(pages, "rita", alice["id"], "?step=email_slots")

    assert "<strong>Subject:</strong> Two times for a short call" in text
    links = re.findall(r'href="(/contacts/\d+/proposed/\d{8}T\d{4}Z\.ics\?minutes=15)"', text)
    assert len(links) == 2
    assert "No call times to propose" not in text
    invite = pages.get("rita", links[0].replace("&amp;", "&"))
    assert invite.status_code == 200
    assert invite.headers["content-type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(invite.content).walk("VEVENT")
    start = event.decoded("dtstart")
    assert start > NOW and start.strftime("%Y%m%dT%H%MZ") in links[0]


def test_without_javascript_the_panel_is_a_page_of_its_own(pages: Pages) -> None:
    alice = pages.team.add_contact()

    page = pages.get("rita", f"/contacts/{alice['id']}/script")

    assert page.status_code == 200
    assert "<html" in page.text and "Script for" in page.text


def test_another_reps_private_contact_has_no_script(pages: Pages) -> None:
    private = pages.team.add_contact("ravi", owner="ravi")

    response = pages.get("rita", f"/contacts/{private['id']}/script", headers=HTMX)

    assert response.status_code == 404
    assert (
        pages.get("rita", f"/contacts/{private['id']}/proposed/20260310T1500Z.ics").status_code
        == 404
    )


def test_a_bad_invite_time_is_refused_naming_it(pages: Pages) -> None:
    alice = pages.team.add_contact()

    response = pages.get("rita", f"/contacts/{alice['id']}/proposed/tomorrow.ics")

    assert response.status_code == 422 and "start" in response.text


def test_without_a_sender_name_the_signed_in_user_signs(pages: Pages) -> None:
    with_sender(pages, sender_name=None)
    alice = pages.team.add_contact()

    assert "Hi Alice, this is rita" in panel(pages, "rita", alice["id"])
    assert "Hi Alice, this is ravi" in panel(pages, "ravi", alice["id"])
