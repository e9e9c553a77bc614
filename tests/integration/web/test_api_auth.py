"""Who may call the web app: API tokens, sessions, CSRF on forms, the login rate limit."""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD, Team, csrf_of, sign_in

from ringback.services.accounts import revoke_token, set_password
from ringback.web.token_cache import TRUST_SECONDS, TokenCache


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/contacts"),
        ("GET", "/contacts/1"),
        ("POST", "/touches"),
        ("GET", "/plan?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z"),
        ("GET", "/appointments/1.ics"),
    ],
)
def test_the_api_needs_credentials_401(team: Team, method: str, path: str) -> None:
    response = team.client.request(method, f"/api/v1{path}", json={})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_token_works_as_its_user(team: Team) -> None:
    team.add_contact("rita", owner="rita")
    response = team.api("rita", "GET", "/contacts")
    assert response.status_code == 200
    assert [c["owner"] for c in response.json()["items"]] == ["rita"]


@pytest.mark.parametrize("token", ["rb_made-up", "not-even-ours", ""])
def test_an_unknown_token_is_refused_401(team: Team, token: str) -> None:
    response = team.client.get("/api/v1/contacts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_revoked_token_is_refused_401(team: Team) -> None:
    with team.app.uow_factory()() as uow:
        user = uow.users.by_name("rita")
        assert user is not None and user.id is not None
        (token,) = uow.tokens.for_user(user.id)
    assert token.id is not None
    revoke_token(team.app.uow_factory(), token.id)
    assert team.api("rita", "GET", "/contacts").status_code == 401


def test_signing_in_opens_the_pages_and_signing_out_closes_them(team: Team) -> None:
    browser = team.new_browser()
    assert browser.get("/", follow_redirects=False).headers["location"] == "/login?next=/"
    response = sign_in(browser, "rita")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = browser.get("/")
    assert page.status_code == 200 and "Today" in page.text and "rita" in page.text
    browser.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert browser.get("/", follow_redirects=False).status_code == 303


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(team: Team) -> None:
    browser = team.new_browser()
    for name, password in (("rita", "wrong password"), ("nobody", PASSWORD)):
        response = sign_in(browser, name, password)
        assert response.status_code == 401
        assert "wrong user name or password" in response.text


def test_a_form_without_the_csrf_token_is_refused_403(team: Team) -> None:
    browser = team.new_browser()
    browser.get("/login")  # a session exists, so only the token is missing
    form = {"username": "rita", "password": PASSWORD}
    assert browser.post("/login", data=form).status_code == 403
    assert browser.post("/login", data={**form, "csrf_token": "forged"}).status_code == 403


def test_a_csrf_token_from_another_session_is_refused_403(team: Team) -> None:
    mallory = team.new_browser()
    stolen = csrf_of(mallory.get("/login").text)
    victim = team.new_browser()
    sign_in(victim, "rita")
    assert victim.post("/logout", data={"csrf_token": stolen}).status_code == 403


def test_signing_out_needs_the_csrf_token_403(team: Team) -> None:
    browser = team.new_browser()
    sign_in(browser, "rita")
    assert browser.post("/logout").status_code == 403
    assert browser.get("/", follow_redirects=False).status_code == 200


def test_a_browser_session_may_call_the_api_but_writes_need_the_csrf_header(team: Team) -> None:
    browser = team.new_browser()
    sign_in(browser, "olivia")
    token = csrf_of(browser.get("/").text)
    body = {"full_name": "Ana Lima", "phone": "+49 30 12345678"}
    assert browser.get("/api/v1/contacts").status_code == 200
    refused = browser.post("/api/v1/contacts", json=body)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    created = browser.post("/api/v1/contacts", json=body, headers={"X-CSRF-Token": token})
    assert created.status_code == 201
    touch = {"contact_id": created.json()["id"], "outcome": "busy"}
    assert browser.post("/api/v1/touches", json=touch).status_code == 403
    logged = browser.post("/api/v1/touches", json=touch, headers={"X-CSRF-Token": token})
    assert logged.status_code == 201


def test_a_bearer_token_needs_no_csrf_token(team: Team) -> None:
    response = team.api(
        "olivia", "POST", "/contacts", json={"full_name": "Ana", "phone": "+4930123456"}
    )
    assert response.status_code == 201


def test_five_failed_sign_ins_lock_the_name_out_429(team: Team) -> None:
    browser = team.new_browser()
    for _ in range(5):
        assert sign_in(browser, "rita", "wrong password").status_code == 401
    locked = sign_in(browser, "rita")  # even the right password, for now
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) == 15 * 60
    assert sign_in(browser, "ravi").status_code == 303  # another name is not affected


def test_changing_the_password_ends_open_sessions(team: Team) -> None:
    browser = team.new_browser()
    sign_in(browser, "rita")
    set_password(team.app.uow_factory(), "rita", "a brand new password", team.app.passwords)
    assert browser.get("/", follow_redirects=False).status_code == 303


def test_the_openapi_schema_is_served_under_api_v1_and_its_references_resolve(team: Team) -> None:
    schema = team.client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/contacts/lookup", "/api/v1/touches", "/api/v1/plan"} <= set(schema["paths"])
    assert "/login" not in schema["paths"]
    text = str(schema)
    names = set(schema["components"]["schemas"])
    for ref in set(re.findall(r"#/components/schemas/([\w-]+)", text)):
        assert ref in names, ref
    assert "token" in schema["components"]["securitySchemes"]


def test_pages_get_security_headers(team: Team) -> None:
    page = team.client.get("/login")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert team.client.get("/static/htmx.min.js").status_code == 200


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/contacts?q=ana", "/contacts?q=ana"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
    ],
)
def test_signing_in_returns_to_a_page_of_this_site_only(
    team: Team, target: str, landing: str
) -> None:
    browser = team.new_browser()
    token = csrf_of(browser.get("/login").text)
    form = {"username": "rita", "password": PASSWORD, "csrf_token": token, "next": target}
    response = browser.post("/login", data=form, follow_redirects=False)
    assert response.headers["location"] == landing


def test_an_unknown_page_is_an_html_404_and_an_unknown_api_path_a_json_one(team: Team) -> None:
    page = team.client.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    api = team.api("olivia", "GET", "/no-such-thing")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


def _rita_token_id(team: Team) -> int:
    with team.app.uow_factory()() as uow:
        user = uow.users.by_name("rita")
        assert user is not None and user.id is not None
        (token,) = uow.tokens.for_user(user.id)
    assert token.id is not None
    return token.id


def test_post_touches_refuses_a_revoked_token_once_its_trust_window_is_over(team: Team) -> None:
    """The touches route trusts a checked token for TRUST_SECONDS (web/token_cache.py)."""
    clock = [1_000.0]
    team.client.app.state.touch_tokens = TokenCache(clock=lambda: clock[0])  # type: ignore[attr-defined]
    alice = team.add_contact()
    touch = {"contact_id": alice["id"], "outcome": "no_answer"}
    assert team.api("rita", "POST", "/touches", json=touch).status_code == 201

    revoke_token(team.app.uow_factory(), _rita_token_id(team))
    assert team.api("rita", "GET", "/contacts").status_code == 401  # other routes: at once
    clock[0] += TRUST_SECONDS - 0.5
    assert team.api("rita", "POST", "/touches", json=touch).status_code == 201  # still trusted
    clock[0] += 1.0
    refused = team.api("rita", "POST", "/touches", json=touch)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"
