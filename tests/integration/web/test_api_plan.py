"""GET /api/v1/plan on SQLite and PostgreSQL: the CLI's plan, and whose plan it is."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import Team
from typer.testing import CliRunner

from ringback.cli import app as cli
from ringback.web.api.schemas import PlanPublic


def next_monday() -> datetime:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def people(team: Team) -> dict[str, int]:
    """Alice (New York, one unanswered call), Bernd (Berlin, promised a call-back on
    Wednesday 15:00 his time, to rita only), Priya (Bengaluru, rita's own contact)."""
    ago = iso(datetime.now(UTC) - timedelta(days=3))
    alice = team.add_contact()["id"]
    bernd = team.add_contact(full_name="Bernd Hoffmann", phone="+49 30 12345678")["id"]
    priya = team.add_contact(full_name="Priya Raman", phone="+91 80 2345 6789", owner="rita")["id"]
    promised = iso(next_monday() + timedelta(days=2, hours=14))
    batch = [
        {"contact_id": alice, "outcome": "no_answer", "at": ago},
        {"contact_id": bernd, "outcome": "call_later", "at": ago, "next_at": promised,
         "next_scope": "useronly"},
        {"contact_id": priya, "outcome": "no_answer", "at": ago},
    ]  # fmt: skip
    assert team.api("rita", "POST", "/touches", json=batch).status_code == 201
    return {"alice": alice, "bernd": bernd, "priya": priya}


def api_plan(team: Team, who: str, start: datetime, end: datetime, **params: Any) -> Any:
    response = team.api(who, "GET", "/plan", params={"from": iso(start), "to": iso(end), **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_api_plan_is_exactly_the_cli_plan(team: Team, db_url: str) -> None:
    people(team)
    start, end = next_monday(), next_monday() + timedelta(days=7)
    result = CliRunner().invoke(
        cli, ["--db", db_url, "plan", "--from", iso(start), "--to", iso(end), "--json"]
    )
    assert result.exit_code == 0, result.stderr
    from_cli = json.loads(result.stdout)
    from_api = api_plan(team, "olivia", start, end)
    assert from_api["items"] and from_api["items"] == from_cli["items"]
    assert from_api == from_cli
    PlanPublic.model_validate(from_api)


def test_the_capacity_parameter_defers_the_rest_r14_r18(team: Team) -> None:
    people(team)
    wednesday = next_monday() + timedelta(days=2)
    data = api_plan(team, "olivia", wednesday, wednesday + timedelta(days=1), capacity=1)
    assert [i["tier"] for i in data["items"]] == ["promised"]
    assert data["deferred_total"] >= 1


def test_a_useronly_call_back_is_in_its_reps_plan_only(team: Team) -> None:
    ids = people(team)
    start, end = next_monday(), next_monday() + timedelta(days=7)
    ritas = {i["contact_id"]: i["tier"] for i in api_plan(team, "rita", start, end)["items"]}
    ravis = {i["contact_id"] for i in api_plan(team, "ravi", start, end)["items"]}
    assert ritas[ids["bernd"]] == "promised"
    assert ids["bernd"] not in ravis
    assert ids["alice"] in ravis  # the team's


def test_a_reps_plan_never_holds_another_reps_private_contact(team: Team) -> None:
    ids = people(team)
    start, end = next_monday(), next_monday() + timedelta(days=7)
    assert ids["priya"] in {i["contact_id"] for i in api_plan(team, "rita", start, end)["items"]}
    assert ids["priya"] not in {
        i["contact_id"] for i in api_plan(team, "ravi", start, end)["items"]
    }


def test_only_owners_and_admins_see_another_users_plan(team: Team) -> None:
    people(team)
    start, end = next_monday(), next_monday() + timedelta(days=7)
    as_owner = api_plan(team, "olivia", start, end, user="ravi")
    assert as_owner == api_plan(team, "ravi", start, end)
    params = {"from": iso(start), "to": iso(end), "user": "rita"}
    assert team.api("ravi", "GET", "/plan", params=params).status_code == 403


def test_a_bad_range_is_422_naming_the_parameter(team: Team) -> None:
    for params, field in (
        ({"from": "2026-03-03T00:00:00Z", "to": "2026-03-02T00:00:00Z"}, "to"),
        ({"from": "tomorrow", "to": "2026-03-02T00:00:00Z"}, "from"),
        ({"to": "2026-03-02T00:00:00Z"}, "from"),
        ({"from": "2026-03-02T00:00:00Z", "to": "2026-03-03T00:00:00Z", "capacity": 0}, "capacity"),
        ({"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}, "to"),  # too long
        ({"from": "0001-01-01T00:00:00Z", "to": "0001-01-02T00:00:00Z"}, "from"),
    ):
        response = team.api("olivia", "GET", "/plan", params=params)
        assert response.status_code == 422
        assert response.json()["error"]["field"] == field
