"""The Import page: upload, map, preview, import with progress, rejects (PRODUCT.md §7)."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

from conftest import Pages

CSV_WITH_A_BAD_ROW = (
    "Name,Phone,E-mail,Organisation,Notes\n"
    "Alice Moreno,(212) 555-0142,alice@example.com,Northwind,met at the fair\n"
    "Bad Number,12,,Acme,typo\n"
    "Bernd Hoffmann,+49 30 12345678,,Hoffmann GmbH,\n"
)


def upload(pages: Pages, who: str, name: str, content: str) -> str:
    browser = pages.browser(who)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/import").text)
    assert token
    response = browser.post(
        "/import",
        data={"csrf_token": token.group(1)},
        files={"file": (name, content.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    return location


def wait_until_done(pages: Pages, who: str, job: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page = pages.get(who, job).text
        if "Importing…" not in page:
            return page
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_a_csv_with_a_bad_row_is_mapped_previewed_imported_and_rejects_download(
    pages: Pages,
) -> None:
    job = upload(pages, "rita", "leads.csv", CSV_WITH_A_BAD_ROW)

    mapping = pages.get("rita", job).text
    assert '<option value="full_name" selected>' in mapping
    assert '<option value="company" selected>' in mapping  # "Organisation"
    assert "Phone: &#39;12&#39; is not a valid phone number" in mapping  # the preview
    assert "+1 212-555-0142" in mapping

    started = pages.post("rita", job, {"map-4": "-", "owner": "team", "action": "start"})
    assert started.status_code == 303
    done = wait_until_done(pages, "rita", job)

    assert "Done" in done
    assert re.search(r"<dt>Imported</dt><dd>2</dd>", done)
    assert re.search(r"<dt>Rejected</dt><dd>1</dd>", done)
    rejects = pages.get("rita", f"{job}/rejects.csv")
    assert rejects.status_code == 200
    assert 'filename="leads.rejects.csv"' in rejects.headers["content-disposition"]
    (row,) = csv.DictReader(io.StringIO(rejects.text))
    assert (row["Name"], row["row"], row["field"]) == ("Bad Number", "3", "Phone")
    listed = pages.team.api("olivia", "GET", "/contacts").json()["items"]
    assert sorted(c["full_name"] for c in listed) == ["Alice Moreno", "Bernd Hoffmann"]
    assert all(c["fields"] == {} for c in listed)  # the skipped Notes column
    assert all(c["owner"] is None for c in listed)


def test_a_rep_imports_for_themselves_but_may_not_map_an_owner_column(pages: Pages) -> None:
    job = upload(pages, "rita", "mine.csv", "Name,Phone,Owner\nAlice,+1 212 555 0142,ravi\n")

    refused = pages.post("rita", job, {"owner": "rita", "action": "start"})
    assert refused.status_code == 422 and "a rep imports for the team or themselves" in refused.text

    pages.post("rita", job, {"map-2": "-", "owner": "rita", "action": "start"})
    wait_until_done(pages, "rita", job)
    (alice,) = pages.team.api("olivia", "GET", "/contacts").json()["items"]
    assert alice["owner"] == "rita"


def test_an_import_belongs_to_who_started_it(pages: Pages) -> None:
    job = upload(pages, "rita", "leads.csv", CSV_WITH_A_BAD_ROW)
    assert pages.get("ravi", job).status_code == 404
    assert pages.get("ravi", f"{job}/rejects.csv").status_code == 404


def test_a_vcard_file_is_imported(pages: Pages) -> None:
    cards = Path(__file__).parents[2] / "data" / "contacts_v4.vcf"
    job = upload(pages, "olivia", "phone.vcf", cards.read_text())
    assert "VCARD file" in pages.get("olivia", job).text

    pages.post("olivia", job, {"owner": "team", "action": "start"})
    done = wait_until_done(pages, "olivia", job)

    assert "Done" in done
    assert pages.team.api("olivia", "GET", "/contacts").json()["items"]


def test_a_file_without_a_header_is_refused(pages: Pages) -> None:
    browser = pages.browser("rita")
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/import").text)
    assert token
    response = browser.post(
        "/import",
        data={"csrf_token": token.group(1)},
        files={"file": ("empty.csv", b"", "text/csv")},
    )
    assert response.status_code == 422 and "has no header row" in response.text
