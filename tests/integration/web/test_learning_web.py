"""The lead score on /api/v1/contacts (R11) and the Analytics page with its CSV downloads."""

from __future__ import annotations

import csv
import io

from conftest import NOW, Pages, Team

from ringback.services.scoring import refit
from ringback.web.api.schemas import ContactPage, ContactPublic
from tests.integration.learning_history import seed_referral_history


def test_score_is_null_with_too_little_history(team: Team) -> None:
    created = team.add_contact()
    assert created["score"] is None and created["score_factors"] == []
    fetched = team.api("olivia", "GET", f"/contacts/{created['id']}").json()
    assert fetched["score"] is None
    ContactPublic.model_validate(fetched)


def test_contacts_carry_their_lead_score_and_top_factors(team: Team) -> None:
    seed_referral_history(team.app.uow_factory(), count=60)
    referred = team.add_contact(full_name="Rae Ref", referred_by="Jordan Lee")
    plain = team.add_contact(full_name="Pat Plain", phone="+1 212 555 0199")
    high = team.api("olivia", "GET", f"/contacts/{referred['id']}").json()
    low = team.api("olivia", "GET", f"/contacts/{plain['id']}").json()
    assert 0 < low["score"] < high["score"] < 1
    assert high["score_factors"][0]["feature"] == "referral given"
    assert high["score_factors"][0]["contribution"] > 0
    page = team.api("olivia", "GET", "/contacts", params={"q": "Rae"}).json()
    ContactPage.model_validate(page)
    assert page["items"][0]["score"] == high["score"]


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def history_for_pages(pages: Pages) -> None:
    seed_referral_history(pages.team.app.uow_factory(), count=20)  # the team's contacts
    seed_referral_history(pages.team.app.uow_factory(), count=10, owner="ravi")


def test_the_analytics_page_shows_every_chart_and_is_in_the_nav(pages: Pages) -> None:
    history_for_pages(pages)
    page = pages.get("olivia", "/analytics").text
    assert '<a href="/analytics" aria-current="page">Analytics</a>' in page
    assert page.count("<svg") == 6  # all but the call-back rates (no templates); best time: 2
    assert "No templated messages yet." in page
    # Contact 0 of each batch: a no-answer call on Monday 10:00 New York time.
    assert "Mon 10h: 0/2 answered (0%)" in page
    for chart in ("heatmap", "callbacks", "funnel", "attempts", "touches"):
        assert f'href="/analytics/{chart}.csv"' in page


def test_csv_downloads_respect_visibility_and_filters(pages: Pages) -> None:
    history_for_pages(pages)
    owner = rows(pages.get("olivia", "/analytics/funnel.csv").text)
    assert owner[0] == ["stage", "contacts", "of_previous", "of_first"]
    assert owner[1][:2] == ["new", "30"]
    rep = pages.get("rita", "/analytics/funnel.csv")
    assert rep.headers["content-type"].startswith("text/csv")
    assert rows(rep.text)[1][:2] == ["new", "20"]  # not ravi's own ten
    reached = {r[0]: int(r[1]) for r in rows(rep.text)[1:]}
    assert reached["reached"] == 20 and reached["engaged"] == 10
    heat = rows(pages.get("olivia", "/analytics/heatmap.csv").text)
    assert len(heat) == 1 + 7 * 24
    assert sum(int(r[2]) for r in heat[1:]) == 30 + 15  # one no-answer each, refusals are calls
    only_ravi = rows(pages.get("olivia", "/analytics/funnel.csv", params={"segment": "none"}).text)
    assert only_ravi[1][:2] == ["new", "0"]


def test_an_unknown_chart_is_not_found(pages: Pages) -> None:
    assert pages.get("olivia", "/analytics/nothing.csv").status_code == 404


def test_the_contact_page_shows_the_score_and_its_factors(pages: Pages) -> None:
    lone = pages.team.add_contact(full_name="Lone Lead")
    assert 'class="lead-score">—' in pages.get("olivia", f"/contacts/{lone['id']}").text
    seed_referral_history(pages.team.app.uow_factory(), count=60)
    # The page used the cached "too little history" fit; it is fresh, so refit by hand.
    refit(pages.team.app.uow_factory(), NOW)
    referred = pages.team.add_contact(full_name="Rae Ref", referred_by="Jordan Lee")
    page = pages.get("olivia", f"/contacts/{referred['id']}").text
    assert 'class="lead-score">—' not in page
    assert "referral given (+" in page
