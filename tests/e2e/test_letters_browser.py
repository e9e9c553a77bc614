"""In a real browser: the contact page's step chooser shows the letter step with its
"Download the letter (PDF)" link, and the link answers the letter as a PDF (R9)."""

from __future__ import annotations

from datetime import timedelta

from ringback.domain.contact_input import contact_from_record
from ringback.services.contacts import add_contact
from tests.e2e.conftest import SignIn, wait_for_htmx
from tests.e2e.live import NOW, LiveApp

ADDRESS = "Sam Carter Ltd; 1 Main Street; Minneapolis, MN 55401"


def test_the_letter_step_links_a_printable_pdf(sign_in: SignIn, live: LiveApp) -> None:
    live.app.settings = live.app.settings.model_copy(update={"sender_address": ADDRESS})
    record = {"full_name": "Bernd Huber", "email": "bernd@example.de", "country": "DE",
              "timezone": "Europe/Berlin", "address": "Leopoldstr. 1; 80802 München",
              "reason": "the data roles on your team"}  # fmt: skip
    contact = contact_from_record(record, default_region="DE", created_at=NOW)
    saved = add_contact(live.app.uow_factory(), contact, NOW - timedelta(days=10))
    page = sign_in("rita")
    page.goto(f"/contacts/{saved.id}")
    panel = page.locator(f"#script-{saved.id}")

    panel.get_by_label("Step").wait_for()
    wait_for_htmx(page)  # the chooser swapped in listens for `change` once settled
    panel.get_by_label("Step").select_option("letter")
    link = panel.get_by_role("link", name="Download the letter (PDF)")
    link.wait_for()  # swapped in without a page reload
    href = link.get_attribute("href")
    assert href == f"/contacts/{saved.id}/letter.pdf"

    response = page.request.get(href)  # the signed-in browser's cookies
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
