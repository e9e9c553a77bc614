"""Letters and reply postcards from the web app, on SQLite and PostgreSQL (R9, R12,
R18): the contact's PDF, today's batch, the links to them, and the refusals.

Each PDF is downloaded and read back with poppler-utils (tests/pdf_tools.py).
Bernd and Chloé are reachable by email and post only, with two emails unanswered
before NOW, so the cadence's letter is due today; Alice is a call.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from conftest import NOW, Pages

from tests.pdf_tools import page_sizes, pdf_text

HTMX = {"HX-Request": "true"}
SENDER = {
    "sender_name": "Jamie Doe",
    "sender_phone": "+1 612 555 0123",
    "sender_address": "Jamie Doe Consulting; 1 Main Street; Minneapolis, MN 55401",
}
BERND_ADDRESS = "Leopoldstr. 1; 80802 München"


def with_sender(pages: Pages, **settings: str | None) -> None:
    app = pages.team.app
    app.settings = app.settings.model_copy(update={**SENDER, **settings})


def letter_contact(pages: Pages, who: str = "olivia", **fields: Any) -> dict[str, Any]:
    """A contact by email and post only whose two emails went unanswered (R9: a letter next)."""
    body = {
        "full_name": "Bernd Huber", "phone": None, "email": "bernd@example.de",
        "country": "DE", "timezone": "Europe/Berlin", "address": BERND_ADDRESS,
        "reason": "the data roles on your team",
    }  # fmt: skip
    contact = pages.team.add_contact(who, **{**body, **fields})
    for days in (15, 8):
        response = pages.team.api(who, "POST", "/touches", json={
            "contact_id": contact["id"], "channel": "email", "outcome": "sent",
            "at": (NOW - timedelta(days=days)).isoformat(),
        })  # fmt: skip
        assert response.status_code == 201, response.text
    return contact


def saved(response: httpx.Response, tmp_path: Path, name: str) -> Path:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / name
    path.write_bytes(response.content)
    return path


def test_a_contacts_letter_downloads_with_its_reply_postcard_r9(
    pages: Pages, tmp_path: Path
) -> None:
    with_sender(pages)
    bernd = letter_contact(pages)

    response = pages.get("rita", f"/contacts/{bernd['id']}/letter.pdf")

    pdf = saved(response, tmp_path, "bernd.pdf")
    disposition = response.headers["content-disposition"]
    assert disposition == f'inline; filename="letter-{bernd["id"]}-bernd-huber.pdf"'
    assert len(page_sizes(pdf)) == 2  # the letter, then the card
    letter, card = pdf_text(pdf, 1), pdf_text(pdf, 2)
    assert "Bernd Huber" in letter and "Leopoldstr. 1" in letter
    assert "Dear Bernd," in letter and "3 March 2026" in letter  # the day, German style
    assert "It's about the data roles on your team" in letter
    assert "Jamie Doe" in letter  # signed by the sender setting
    assert "Good times to call me" in card
    assert "Morning" in card and "Afternoon" in card and "Evening" in card
    assert "1 Main Street" in card  # the card comes back to the sender


def test_the_contact_page_sends_its_own_words_in_the_letter(pages: Pages, tmp_path: Path) -> None:
    with_sender(pages)
    bernd = letter_contact(pages)
    page = pages.get("rita", f"/contacts/{bernd['id']}").text
    assert f'href="/contacts/{bernd["id"]}/letter.pdf"' in page
    assert f'action="/contacts/{bernd["id"]}/letter.pdf"' in page

    words = "We met at the Munich fair in May.\n\nMay I call you about the pilot?"
    response = pages.post("rita", f"/contacts/{bernd['id']}/letter.pdf", {"body": words})

    letter = pdf_text(saved(response, tmp_path, "own.pdf"), 1)
    assert "We met at the Munich fair in May." in letter
    assert "May I call you about the pilot?" in letter
    assert "Dear Bernd," in letter
    assert "It's about the data roles" not in letter  # the default words are replaced


def test_a_letter_body_too_long_is_refused_naming_the_field(pages: Pages) -> None:
    with_sender(pages)
    bernd = letter_contact(pages)

    response = pages.post("rita", f"/contacts/{bernd['id']}/letter.pdf", {"body": "x" * 5001})

    assert response.status_code == 422
    assert "body: at most 5000 characters" in response.text


def test_another_reps_private_contact_has_no_letter(pages: Pages) -> None:
    with_sender(pages)
    private = letter_contact(pages, "ravi", owner="ravi")

    assert pages.get("rita", f"/contacts/{private['id']}/letter.pdf").status_code == 404
    assert pages.get("ravi", f"/contacts/{private['id']}/letter.pdf").status_code == 200


def test_a_contact_without_a_postal_address_is_told_not_printed(pages: Pages) -> None:
    with_sender(pages)
    alice = pages.team.add_contact()

    response = pages.get("rita", f"/contacts/{alice['id']}/letter.pdf")

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "address: Alice Moreno has no postal address for a letter" in response.text
    assert f'href="/contacts/{alice["id"]}/edit"' in response.text
    page = pages.get("rita", f"/contacts/{alice['id']}").text
    assert f"/contacts/{alice['id']}/letter.pdf" not in page  # no button without an address


def test_without_your_address_no_letter_is_printed(pages: Pages) -> None:
    with_sender(pages, sender_address=None)
    bernd = letter_contact(pages)

    one = pages.get("rita", f"/contacts/{bernd['id']}/letter.pdf")
    batch = pages.get("rita", "/letters/today.pdf")

    for response in (one, batch):
        assert response.status_code == 422
        assert "sender_address:" in response.text and "RINGBACK_SENDER_ADDRESS" in response.text


def test_a_contact_who_asked_not_to_be_contacted_gets_no_letter_r12(pages: Pages) -> None:
    with_sender(pages)
    bernd = letter_contact(pages)
    done = pages.post("olivia", f"/contacts/{bernd['id']}/do-not-contact", {"confirm": "yes"})
    assert done.status_code == 303

    response = pages.get("rita", f"/contacts/{bernd['id']}/letter.pdf")

    assert response.status_code == 422
    assert "R12" in response.text and "asked not to be contacted" in response.text


def test_todays_letters_print_in_one_pdf_linked_from_today_r9(pages: Pages, tmp_path: Path) -> None:
    with_sender(pages)
    bernd = letter_contact(pages)
    chloe = letter_contact(
        pages, full_name="Chloé Martin", email="chloe@example.fr", country="FR",
        timezone="Europe/Paris", address="12 rue de Rivoli; 75001 Paris",
    )  # fmt: skip
    alice = pages.team.add_contact()  # a call today, not a letter

    today = pages.get("rita", "/").text
    link = '<a class="print-letters" href="/letters/today.pdf">Print today\'s letters (2)</a>'
    assert link in today

    response = pages.get("rita", "/letters/today.pdf")

    pdf = saved(response, tmp_path, "today.pdf")
    assert response.headers["content-disposition"] == 'inline; filename="letters-2026-03-03.pdf"'
    assert len(page_sizes(pdf)) == 4  # a letter and a card each
    text = pdf_text(pdf)
    assert "Dear Bernd," in text and "Dear Chloé," in text
    assert text.count("Good times to call me") == 2
    assert f"Ref. {bernd['id']}" in text and f"Ref. {chloe['id']}" in text  # each one's card
    assert alice["full_name"] not in text
    assert response.headers["x-ringback-letters"] == "2"
    assert "x-ringback-skipped" not in response.headers


def test_a_day_without_letters_has_no_link_and_no_empty_pdf(pages: Pages) -> None:
    with_sender(pages)
    pages.team.add_contact()

    assert "/letters/today.pdf" not in pages.get("rita", "/").text
    response = pages.get("rita", "/letters/today.pdf")

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "No letters to print today" in response.text


def test_a_reps_batch_holds_only_the_letters_of_their_plan(pages: Pages, tmp_path: Path) -> None:
    with_sender(pages)
    letter_contact(pages, "ravi", owner="ravi")

    assert "/letters/today.pdf" not in pages.get("rita", "/").text
    assert pages.get("rita", "/letters/today.pdf").status_code == 422
    pdf = saved(pages.get("ravi", "/letters/today.pdf"), tmp_path, "ravi.pdf")
    assert "Dear Bernd," in pdf_text(pdf)


def test_the_script_panels_letter_step_links_the_pdf(pages: Pages) -> None:
    with_sender(pages)
    bernd = letter_contact(pages)

    response = pages.get("rita", f"/contacts/{bernd['id']}/script?step=letter", headers=HTMX)

    assert response.status_code == 200
    assert f'href="/contacts/{bernd["id"]}/letter.pdf"' in response.text
    assert "Download the letter (PDF)" in response.text
