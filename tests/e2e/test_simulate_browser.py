"""End to end in a real browser: from Analytics to the Simulator, a tiny run with
the progress bar, then the results table, the reached-over-time chart and a
download; a bad spec is refused next to the text area (R16)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import SignIn

TINY = """\
capacity: 10
segments:
  - name: clinics
    size: 12
    timezones: [Europe/Berlin]
    answer_by_hour: {12: 0.5, 13: 0.6}
"""


def test_run_a_tiny_simulation_from_the_page(sign_in: SignIn, tmp_path: Path) -> None:
    page = sign_in("rita")
    page.get_by_role("link", name="Analytics").click()
    page.get_by_role("link", name="Try cadences in the simulator").click()
    page.wait_for_url("**/simulate")
    spec = page.get_by_label("Population spec (YAML)")
    assert "dental clinics" in spec.input_value()  # the example, prefilled

    spec.fill(TINY.replace("{12: 0.5", "{24: 0.5"))
    page.get_by_role("button", name="Run the simulation").click()
    assert (
        "segments[0].answer_by_hour.24: an hour is 0–23" in page.locator("#spec-error").inner_text()
    )

    page.get_by_label("Population spec (YAML)").fill(TINY)
    page.get_by_label("Days").fill("3")
    page.get_by_label("fixed-cadence").uncheck()
    page.get_by_label("call-once").uncheck()
    page.get_by_role("button", name="Run the simulation").click()
    page.wait_for_url("**/simulate/*")
    results = page.get_by_role("table")
    results.wait_for(timeout=60_000)  # the progress box polls, then the page refreshes
    policies = results.locator("tbody th").all_inner_texts()
    assert policies == ["fixed-time", "learning"]
    chart = page.get_by_role("img", name="Share of contacts reached per policy, by day")
    assert chart.is_visible()
    assert chart.locator("polyline").count() == 2

    with page.expect_download() as download:
        page.get_by_role("link", name="results.json").click()
    saved = tmp_path / "results.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text())
    assert [p["policy"] for p in data["policies"]] == policies
    assert all(len(series) == 3 for series in data["reached_by_day"].values())
