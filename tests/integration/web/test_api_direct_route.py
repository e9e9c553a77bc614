"""POST /api/v1/touches with a bearer token is answered in front of the middleware
stack (web/direct.py): the same answers, errors and headers as through the stack."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Team, csrf_of, sign_in
from fastapi.testclient import TestClient

from ringback.web.api import touches as touches_route
from ringback.web.direct import DirectRoutes
from ringback.web.security import CSRF_HEADER

SAFE_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
MONDAY = "2026-03-02T15:00:00Z"


def _signed_in_browser(team: Team) -> tuple[TestClient, dict[str, str]]:
    """A browser signed in as olivia, and the header its API calls need (CSRF)."""
    browser = team.new_browser()
    assert sign_in(browser, "olivia").status_code == 303
    return browser, {CSRF_HEADER: csrf_of(browser.get("/settings").text)}


def _has_safe_headers(headers: Any) -> bool:
    return all(headers.get(name) == value for name, value in SAFE_HEADERS.items())


@pytest.mark.parametrize(
    "body",
    [
        {"contact_id": 1, "channel": "call", "outcome": "sang_a_song"},  # 422, field named
        {"contact_id": 999_999, "channel": "call", "outcome": "no_answer"},  # 404
        [],  # 422: an empty batch
    ],
)
def test_an_error_is_the_same_answer_as_through_the_whole_stack(team: Team, body: Any) -> None:
    team.add_contact()
    browser, csrf = _signed_in_browser(team)  # no bearer token: the whole stack
    through_stack = browser.post("/api/v1/touches", json=body, headers=csrf)
    direct = team.api("olivia", "POST", "/touches", json=body)
    assert isinstance(team.client.app.middleware_stack, DirectRoutes)  # type: ignore[attr-defined]
    assert direct.status_code == through_stack.status_code >= 400
    assert direct.json() == through_stack.json()
    assert _has_safe_headers(direct.headers) and _has_safe_headers(through_stack.headers)


def test_a_logged_touch_and_an_unknown_token_carry_the_security_headers(team: Team) -> None:
    alice = team.add_contact()
    body = {"contact_id": alice["id"], "channel": "call", "outcome": "no_answer", "at": MONDAY}
    logged = team.api("olivia", "POST", "/touches", json=body)
    assert logged.status_code == 201 and _has_safe_headers(logged.headers)
    assert logged.json()["touch"]["contact_id"] == alice["id"]
    stranger = team.client.post(
        "/api/v1/touches", json=body, headers={"Authorization": "Bearer rb_not-a-token"}
    )
    assert stranger.status_code == 401 and _has_safe_headers(stranger.headers)
    assert stranger.json()["error"]["code"] == "not_authenticated"


def test_an_unexpected_failure_is_a_500(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any) -> Any:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(touches_route, "_post_touches", broken)
    client = TestClient(team.client.app, raise_server_exceptions=False)
    body = {"contact_id": 1, "channel": "call", "outcome": "no_answer"}
    answer = client.post("/api/v1/touches", json=body, headers=team.headers("olivia"))
    assert answer.status_code == 500
