"""The Simulator page (/simulate): the form, a small run to completion in the
background with its progress, the results and downloads, refused specs (422 naming
the field), the web limits and who may see a run (R16)."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from conftest import Pages, csrf_of

from ringback.simulate.policies import POLICIES
from ringback.simulate.run import simulate
from ringback.simulate.spec import load_spec
from ringback.web.simulations import MAX_CONTACTS, MAX_DAYS, RunStatus, SimRun, SimRuns

TINY = """\
capacity: 12
segments:
  - name: clinics
    size: 10
    timezones: [Europe/Berlin]
    answer_by_hour: {12: 0.5, 13: 0.6}
  - name: offices
    size: 8
    timezones: [America/New_York]
    answer_by_hour: {10: 0.4}
"""


def form(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "spec": TINY,
        "days": "4",
        "seed": "7",
        "policy": ["fixed-time", "learning"],
    }
    return {**base, **fields}


def runs(pages: Pages) -> SimRuns:
    found: SimRuns = pages.team.client.app.state.sim_runs  # type: ignore[attr-defined]
    return found


def start(pages: Pages, who: str = "olivia", **fields: object) -> str:
    response = pages.post(who, "/simulate", form(**fields))
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/simulate/")
    return location


def wait_done(pages: Pages, who: str, location: str) -> None:
    """Poll the progress box as the page's HTMX does, until it asks for a refresh."""
    for _ in range(600):
        box = pages.get(who, f"{location}/progress", headers={"HX-Request": "true"})
        assert box.status_code == 200
        if box.headers.get("HX-Refresh") == "true":
            return
        assert "<progress" in box.text
        time.sleep(0.05)
    pytest.fail("the simulation did not finish")


def test_the_page_offers_the_example_spec_and_every_policy(pages: Pages) -> None:
    page = pages.get("olivia", "/simulate")
    assert page.status_code == 200
    assert "dental clinics" in page.text  # the example population, prefilled
    for name in POLICIES:
        assert f'name="policy" value="{name}" checked' in page.text
    assert csrf_of(page.text)
    assert 'href="/simulate"' in pages.get("olivia", "/analytics").text


def test_a_small_run_goes_to_completion_with_the_same_figures_as_the_cli(pages: Pages) -> None:
    location = start(pages)
    wait_done(pages, "olivia", location)
    page = pages.get("olivia", location).text
    assert "Results side by side" in page
    assert page.count('<th scope="row">') == 2
    assert '<th scope="row">fixed-time</th>' in page and '<th scope="row">learning</th>' in page
    assert page.count("<polyline") == 2  # the reached-over-time chart, a line per policy

    expected = simulate(load_spec(TINY), [POLICIES["fixed-time"], POLICIES["learning"]], 4, 7)
    data = json.loads(pages.get("olivia", f"{location}/results.json").text)
    assert data["days"] == 4 and data["seed"] == 7
    assert data["policies"] == [r.summary() for r in expected]
    assert data["reached_by_day"]["learning"] == expected[1].reached_by_day
    assert all(p["guardrail_violations"] == 0 for p in data["policies"])
    assert f">{expected[0].touches}</td>" in page


def test_the_downloads_carry_the_table_and_the_chart(pages: Pages) -> None:
    location = start(pages, policy=["call-once", "fixed-cadence"])
    wait_done(pages, "olivia", location)
    table = pages.get("olivia", f"{location}/results.csv")
    assert table.headers["content-type"].startswith("text/csv")
    assert 'filename="results.csv"' in table.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert [r["policy"] for r in rows] == ["call-once", "fixed-cadence"]
    assert all(r["contacts"] == "18" for r in rows)
    once = rows[0]
    assert int(once["touches"]) <= 18  # call-once gives up after one attempt each
    chart = pages.get("olivia", f"{location}/reached.svg")
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.text.startswith("<svg") and chart.text.count("<polyline") == 2


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        (TINY.replace("{10: 0.4}", "{25: 0.4}"), "segments[1].answer_by_hour.25: an hour is 0–23"),
        (TINY.replace("size: 10", "size: none"), "segments[0].size: expected a whole number"),
        ("segments: [", "spec: not valid YAML"),
        ("capacity: 3", "segments: a list of at least one segment is needed"),
    ],
)
def test_a_bad_spec_is_refused_naming_the_field(pages: Pages, spec: str, named: str) -> None:
    response = pages.post("olivia", "/simulate", form(spec=spec))
    assert response.status_code == 422
    assert named in response.text
    assert 'id="spec-error"' in response.text  # next to the text area
    assert 'aria-invalid="true"' in response.text
    assert runs(pages).runs == {}  # nothing started


def test_an_uploaded_spec_file_replaces_the_text(pages: Pages) -> None:
    browser = pages.browser("rita")
    token = csrf_of(browser.get("/simulate").text)
    bad = TINY.replace("Europe/Berlin", "Mars/Olympus")
    response = browser.post(
        "/simulate",
        data={**form(spec=TINY), "csrf_token": token},
        files={"file": ("pop.yaml", bad.encode(), "text/yaml")},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "segments[0].timezones: &#39;Mars/Olympus&#39; is not a known time zone" in response.text


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"days": str(MAX_DAYS + 1)}, f"days: a run from the web covers 1 to {MAX_DAYS} days"),
        ({"days": "soon"}, "days: expected a whole number"),
        ({"spec": TINY.replace("size: 10", "size: 5000")}, f"at most {MAX_CONTACTS:,}"),
        (
            {"spec": TINY.replace("size: 10", "size: 1900"), "days": "120"},
            "is more than a run from the web may do",
        ),
        ({"policy": []}, "policies: choose at least one policy"),
        ({"policy": ["guesswork"]}, "policies: unknown guesswork"),
    ],
)
def test_a_run_over_the_web_limits_is_refused(
    pages: Pages, fields: dict[str, object], named: str
) -> None:
    response = pages.post("olivia", "/simulate", form(**fields))
    assert response.status_code == 422
    assert named in response.text


def test_one_run_at_a_time_per_user_and_runs_are_private(pages: Pages) -> None:
    going = SimRun("going", "olivia", load_spec(TINY), ("learning",), 4, 1)
    runs(pages).runs[going.id] = going  # still RUNNING: no thread will finish it
    refused = pages.post("olivia", "/simulate", form())
    assert refused.status_code == 422
    assert "your previous run is still going" in refused.text
    assert pages.get("olivia", "/simulate/going/results.json").status_code == 422  # unfinished
    assert pages.get("rita", "/simulate/going").status_code == 404  # another user's run
    location = start(pages, "rita")  # others are not held up
    wait_done(pages, "rita", location)
    assert runs(pages).runs[location.rsplit("/", 1)[1]].status is RunStatus.DONE
    assert pages.get("olivia", location).status_code == 404


def test_starting_a_run_needs_the_csrf_token(pages: Pages) -> None:
    browser = pages.browser("olivia")
    response = browser.post("/simulate", data=form(), follow_redirects=False)
    assert response.status_code == 403
    assert list(runs(pages).runs) == []


def test_a_run_that_breaks_says_so_instead_of_spinning(
    pages: Pages, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("ringback.web.simulations.simulate", broken)
    location = start(pages)
    wait_done(pages, "olivia", location)
    page = pages.get("olivia", location)
    assert page.status_code == 200
    assert "the simulation failed unexpectedly; see the server log" in page.text
    assert pages.get("olivia", f"{location}/results.csv").status_code == 422
    assert pages.post("olivia", "/simulate", form()).status_code == 303  # not held up by it
