"""End to end in a real browser: sign in, work through Today from the keyboard, log a
connected call with its next step (R3) and see it on the timeline, import a CSV
with a bad row and download its rejects, a rep denied another rep's contact, and a
promised call-back marked when it comes due."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from tests.e2e.conftest import SignIn
from tests.e2e.live import NOW, LiveApp

CSV_WITH_A_BAD_ROW = (
    "Name,Phone,Company,Reason\n"
    "Zoe Quinn,(415) 555-0133,Harbor Labs,a referral from Sam\n"
    "Broken Row,555,Nowhere Inc,typo in the number\n"
)


def test_sign_in_and_work_through_today_from_the_keyboard(sign_in: SignIn, live: LiveApp) -> None:
    page = sign_in("rita")

    items = page.locator("li.plan-item:not(.logged)")
    planned = items.count()
    assert planned > 3
    first_name = items.nth(0).locator("h2").inner_text()
    first_link = items.nth(0).locator("h2 a").get_attribute("href")
    second_name = items.nth(1).locator("h2").inner_text()
    assert (
        items.nth(0).locator("a.tel").first.get_attribute("href", timeout=1000).startswith("tel:+")
    )

    page.keyboard.press("j")  # select the first item
    page.keyboard.press("n")  # no answer
    logged = page.locator("li.plan-item.logged")
    logged.first.wait_for()
    assert f"Logged no answer for {first_name}" in logged.first.inner_text()

    page.keyboard.press("b")  # the next item now has the keys: busy
    page.locator("li.plan-item.logged").nth(1).wait_for()
    assert f"Logged busy for {second_name}" in logged.nth(1).inner_text()

    page.goto(first_link)
    latest = page.locator("ol.timeline li").first.inner_text()
    assert latest.startswith("No answer") and "rita" in latest


def test_a_connected_call_with_a_next_step_shows_on_the_timeline(
    sign_in: SignIn, live: LiveApp, tmp_path: Path
) -> None:
    page = sign_in("rita")
    alice = page.locator(f"#item-{live.contacts['alice']}")
    assert "Promised call-back" in alice.inner_text()

    alice.get_by_role("link", name=re.compile("^Connected")).click()
    dialog = page.locator("dialog#next-step")
    dialog.wait_for(state="visible")
    dialog.get_by_role("button", name="Log it").click()  # no next step chosen
    assert (
        "R3: a connected conversation needs a next step" in page.locator("#log-error").inner_text()
    )

    page.get_by_label("Book an appointment").check()
    page.get_by_label("When", exact=True).fill("2026-03-05T11:00")
    page.get_by_label("Notes").fill("wants to meet the team lead")
    page.get_by_role("button", name="Log it").click()
    page.wait_for_url(f"{live.url}/")
    assert "Logged connected for Alice Moreno. Appointment booked: Thu 05 Mar 11:00" in (
        page.locator(".flash").inner_text()
    )

    page.goto(f"/contacts/{live.contacts['alice']}")
    timeline = page.locator("ol.timeline li").first
    text = " ".join(timeline.inner_text().split())
    assert text.startswith("Connected")
    assert "Tue 03 Mar 16:00 your time · Tue 03 Mar 10:00 their time" in text
    assert "Next step: appointment, Thu 05 Mar 11:00 their time" in text
    assert "wants to meet the team lead" in text
    with page.expect_download() as download:
        page.get_by_role("link", name="Download invite (.ics)").click()
    saved = tmp_path / "invite.ics"
    download.value.save_as(saved)
    assert "DTSTART;TZID=America/New_York:20260305T110000" in saved.read_text()  # 16:00 UTC


def test_import_a_csv_with_a_bad_row_and_download_its_rejects(
    sign_in: SignIn, live: LiveApp, tmp_path: Path
) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(CSV_WITH_A_BAD_ROW)
    page = sign_in("olivia")

    page.get_by_role("link", name="Import").click()
    page.get_by_label("File").set_input_files(source)
    page.get_by_role("button", name="Upload and map columns").click()
    preview = page.locator("table.preview")
    assert "Zoe Quinn" in preview.inner_text()
    assert "Phone: '555' is not a valid phone number" in preview.inner_text()

    page.get_by_role("button", name="Import", exact=True).click()
    # The import runs as a background job the page polls every second; on a busy
    # machine (other browser tests beside it) it can take longer than the default 10 s.
    page.get_by_role("heading", name="Done").wait_for(timeout=45_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rejects file").click()
    rejects = tmp_path / "rejects.csv"
    download.value.save_as(rejects)
    (row,) = csv.DictReader(rejects.open())
    assert (row["Name"], row["row"], row["field"]) == ("Broken Row", "3", "Phone")

    page.goto("/contacts?q=harbor")
    assert page.get_by_role("link", name="Zoe Quinn").is_visible()


def test_a_rep_is_denied_another_rep_s_private_contact(sign_in: SignIn, live: LiveApp) -> None:
    private = live.contacts["ravi_private"]
    rita = sign_in("rita")

    response = rita.goto(f"/contacts/{private}")

    assert response is not None and response.status == 404
    assert f"no contact with id {private}" in rita.locator("main").inner_text()
    rita.goto("/contacts?q=Priyanka")
    assert "No contact matches." in rita.locator("main").inner_text()
    ravi = sign_in("ravi")
    assert ravi.goto(f"/contacts/{private}").status == 200


def test_today_fits_a_phone_sized_screen(sign_in: SignIn, live: LiveApp) -> None:
    page = sign_in("rita", viewport={"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    first = page.locator("li.plan-item").first
    assert first.locator("a.tel").first.is_visible()
    assert first.get_by_role("button", name=re.compile("^No answer")).is_visible()
    for path in (f"/contacts/{live.contacts['alice']}", "/contacts", "/settings", "/import"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_a_promised_call_back_is_marked_and_announced_when_it_comes_due(
    sign_in: SignIn, live: LiveApp
) -> None:
    from playwright.sync_api import expect  # here: without playwright the tests skip

    page = sign_in("rita")
    page.clock.install(time=NOW)  # the browser's clock at the server's frozen NOW
    page.reload()
    alice = page.locator(f"#item-{live.contacts['alice']}")  # promised for NOW + 1 h
    status = page.locator("#due-now")
    assert "due-now" not in (alice.get_attribute("class") or "")
    assert page.locator(".due-now").count() == 0  # booked calls already past: overdue only

    page.clock.run_for("59:00")
    assert "due-now" not in (alice.get_attribute("class") or "")
    page.clock.run_for("01:30")

    expect(alice).to_have_class(re.compile(r"\bdue-now\b"))
    expect(status).to_have_text("Promised call-back: Alice Moreno: due now.")
    expect(page.locator("#notify-me")).to_be_visible()  # permission not asked yet
