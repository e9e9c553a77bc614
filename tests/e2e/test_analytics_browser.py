"""End to end in a real browser: the Analytics page from the navigation, its charts,
a filter, and a chart's CSV download."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.e2e.conftest import SignIn


def test_analytics_from_the_nav_with_a_csv_download(sign_in: SignIn, tmp_path: Path) -> None:
    page = sign_in("olivia")
    page.get_by_role("link", name="Analytics").click()
    page.wait_for_url("**/analytics")
    heatmap = page.get_by_role("img", name="Connect rate by the contact's local weekday and hour")
    assert heatmap.is_visible()
    assert heatmap.locator("rect").count() == 7 * 24

    page.get_by_label("Segment").fill("no such segment")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/analytics?segment=no+such+segment*")

    with page.expect_download() as download:
        page.locator('a[href^="/analytics/funnel.csv"]').click()
    saved = tmp_path / "funnel.csv"
    download.value.save_as(saved)
    with saved.open() as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["stage", "contacts", "of_previous", "of_first"]
    assert rows[1][:2] == ["new", "0"]  # the filter carried into the download
