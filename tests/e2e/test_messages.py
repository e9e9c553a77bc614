"""In a real browser: the script panel on Today, and the template editor's live
linting — a call-back request without a reason is flagged (R7), the fix clears it,
and the template is saved as variant B (A/B)."""

from __future__ import annotations

from tests.e2e.conftest import SignIn, wait_for_htmx
from tests.e2e.live import LiveApp

EDITOR = "/templates/edit?template=call.intro:a&audience=sales"
REASON_LINE = "I'm calling about {{ reason }}."


def test_todays_script_panel_shows_the_voicemail_script(sign_in: SignIn, live: LiveApp) -> None:
    page = sign_in("rita")
    panel_id = f"script-{live.contacts['alice']}"
    panel = page.locator(f"#{panel_id}")
    # Not panel.scroll_into_view_if_needed(): when the item is already in view, HTMX
    # swaps the panel in while Playwright waits for the old element to keep still.
    page.evaluate("id => document.getElementById(id).scrollIntoView()", panel_id)

    head = panel.locator(".script-head")
    head.wait_for()  # the panel replaced the opening facts when it came into view
    assert "voicemail" in head.inner_text().lower()
    assert "s spoken" in head.inner_text()
    text = panel.locator(".script-text").inner_text()
    assert text.startswith("Hi Alice")
    assert "612 · 555 · 0188" in text  # the number, in chunks (R7)
    assert "Jordan Lee" in text


def test_edit_a_template_see_the_findings_update_and_save_a_variant(
    sign_in: SignIn, live: LiveApp
) -> None:
    page = sign_in("olivia")
    page.goto(EDITOR)
    editor = page.locator("#template-text")
    original = editor.input_value()
    assert REASON_LINE in original
    findings = page.locator("#lint")
    no_reason = findings.locator('li[data-code="call-back-without-reason"]')
    assert no_reason.count() == 0

    editor.fill(original.replace(REASON_LINE, "Please call me back."))
    no_reason.wait_for()  # the linter answered without a page reload (R7)
    assert "R7" in no_reason.inner_text() and "error" in no_reason.inner_text()
    assert "NOT ready" in findings.inner_text()

    editor.fill(original.replace(REASON_LINE, "Please call me back about {{ reason }}."))
    no_reason.wait_for(state="detached")
    assert "NOT ready" not in findings.inner_text()

    page.get_by_role("button", name="Save as new variant").click()
    page.wait_for_url(f"{live.url}/templates/edit?template=call.intro:b&audience=sales")
    assert "call.intro:b" in page.locator(".flash").inner_text()
    assert "about {{ reason }}" in page.locator("#template-text").input_value()

    page.goto("/templates")
    row = page.locator('tr[data-key="call.intro"][data-audience="sales"]')
    assert [v.split()[0] for v in row.locator("a.variant").all_inner_texts()] == ["a", "b"]


def test_the_contact_pages_step_chooser_shows_the_email_with_two_times(
    sign_in: SignIn, live: LiveApp
) -> None:
    page = sign_in("rita")
    page.goto(f"/contacts/{live.contacts['alice']}")
    panel = page.locator(f"#script-{live.contacts['alice']}")

    panel.get_by_label("Step").wait_for()
    wait_for_htmx(page)  # the chooser swapped in listens for `change` once settled
    panel.get_by_label("Step").select_option("email_slots")
    panel.locator(".script-subject").wait_for()  # swapped in without a page reload (R9)
    assert "Two times for a short call" in panel.locator(".script-subject").inner_text()
    invites = panel.locator(".proposed-slots a")
    assert invites.count() == 2
    with page.expect_download() as download:
        invites.first.click()
    assert download.value.suggested_filename.endswith(".ics")
