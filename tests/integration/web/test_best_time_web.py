"""The "Best time to call" panel on the Analytics page and its CSV (R16): the calls
behind each segment and local hour are the logged ones, and the estimates are the
planner's own posteriors over the stored counts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from conftest import Pages
from markupsafe import escape

from ringback.domain.answer_rates import AnswerRates, Cell
from ringback.domain.model import Channel, Contact, Outcome, Touch
from ringback.services.contacts import UowFactory
from ringback.web.charts import BEST_TIME_LABEL, BEST_WEEK_LABEL

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)
CLINIC_CALL = MONDAY + timedelta(hours=12, minutes=30)  # 13:30 in Berlin
OFFICE_CALL = MONDAY + timedelta(hours=15, minutes=10)  # 10:10 in New York


def seed_calls(uow_factory: UowFactory) -> None:
    """Clinics (Berlin) answer 3 of 4 calls at 13h; offices (New York) 1 of 5 at 10h."""
    calls = [("clinics", "Europe/Berlin", CLINIC_CALL, answered) for answered in (1, 1, 1, 0)]
    calls += [("offices", "America/New_York", OFFICE_CALL, a) for a in (1, 0, 0, 0, 0)]
    with uow_factory() as uow:
        contacts = [
            Contact(
                full_name=f"Person {i}",
                first_name="Person",
                segment=segment,
                timezone=zone,
                reason="a referral",
                created_at=MONDAY - timedelta(days=1),
            )
            for i, (segment, zone, _, _) in enumerate(calls)
        ]
        ids = uow.contacts.add_many(contacts)
        outcomes = (Outcome.NO_ANSWER, Outcome.CONNECTED)
        uow.touches.add_many(
            [
                Touch(contact_id, Channel.CALL, outcomes[answered], at + timedelta(days=i))
                for i, (contact_id, (_, _, at, answered)) in enumerate(zip(ids, calls, strict=True))
            ]
        )
        uow.commit()


def table(pages: Pages, query: str = "", name: str = "best-time") -> list[dict[str, str]]:
    response = pages.get("rita", f"/analytics/{name}.csv{query}")
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def row(rows: list[dict[str, str]], segment: str, hour: int) -> dict[str, str]:
    return next(r for r in rows if r["segment"] == segment and r["hour"] == str(hour))


def test_no_panel_figures_before_any_call(pages: Pages) -> None:
    page = pages.get("olivia", "/analytics").text
    assert "Best time to call" in page
    assert "No outbound call counted yet" in page
    assert table(pages) == []
    assert table(pages, name="best-time-week") == []


def test_the_panel_shows_the_stored_counts_and_the_planners_estimates(pages: Pages) -> None:
    seed_calls(pages.team.app.uow_factory())
    page = pages.get("olivia", "/analytics").text
    assert f'aria-label="{escape(BEST_TIME_LABEL)}"' in page
    assert "3/4 calls answered" in page and "1/5 calls answered" in page
    assert "clinics: best at 13h, about" in page and "(5 calls counted)" in page
    assert 'href="/analytics/best-time.csv"' in page
    assert f'aria-label="{escape(BEST_WEEK_LABEL)}"' in page

    rows = table(pages)
    assert len(rows) == 3 * 24  # all segments, clinics, offices
    clinic, office = row(rows, "clinics", 13), row(rows, "offices", 10)
    assert (clinic["calls"], clinic["answered"]) == ("4", "3")
    assert (office["calls"], office["answered"]) == ("5", "1")
    assert row(rows, "clinics", 10)["calls"] == "0"
    everyone = row(rows, "all segments", 13)
    assert (everyone["calls"], everyone["answered"]) == ("4", "3")

    with pages.team.app.uow_factory()() as uow:
        rates = AnswerRates(uow.timing.counts())  # what the next plan uses
    assert float(clinic["estimated_answer_rate"]) == round(
        rates.segment_hour("clinics", 13).mean, 4
    )
    assert float(everyone["estimated_answer_rate"]) == round(rates.hour(13).mean, 4)
    # Shrinkage: between the overall rate (4 of 9) and the hour's own rate (3 of 4).
    assert 4 / 9 < float(clinic["estimated_answer_rate"]) < 3 / 4
    assert 1 / 5 < float(office["estimated_answer_rate"]) < 4 / 9


def test_the_segment_filter_keeps_one_strip_and_its_week(pages: Pages) -> None:
    seed_calls(pages.team.app.uow_factory())
    rows = table(pages, "?segment=offices")
    assert {r["segment"] for r in rows} == {"offices"}
    week = table(pages, "?segment=clinics", name="best-time-week")
    assert len(week) == 7 * 24
    # The clinic calls were on four days, Monday to Thursday, at 13h Berlin time.
    called = {
        (r["weekday"], r["hour"]): (r["calls"], r["answered"]) for r in week if r["calls"] != "0"
    }
    assert called == {
        ("Mon", "13"): ("1", "1"),
        ("Tue", "13"): ("1", "1"),
        ("Wed", "13"): ("1", "1"),
        ("Thu", "13"): ("1", "0"),
    }
    with pages.team.app.uow_factory()() as uow:
        rates = AnswerRates(uow.timing.counts())
    thursday = next(r for r in week if r["weekday"] == "Thu" and r["hour"] == "13")
    expected = rates.cell(Cell("clinics", 3, 13)).mean  # the planner's own cell estimate
    assert float(thursday["estimated_answer_rate"]) == round(expected, 4)
    everyone = table(pages, name="best-time-week")
    assert sum(int(r["calls"]) for r in everyone) == 9
    page = pages.get("olivia", "/analytics", params={"segment": "nobody"}).text
    assert "No outbound call counted yet for this segment" in page
