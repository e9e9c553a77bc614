"""The web app on a test database (SQLite and PostgreSQL, through `db_url`).

Personas: olivia owns the account, rita and ravi are reps. `team` holds the app,
a TestClient and an API token per persona; `team.api(who, method, path, ...)`
calls the API as that persona. Passwords are hashed with argon2 at low cost, so
signing in stays fast; `PASSWORD` is everyone's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from ringback.adapters.auth.passwords import Argon2Passwords
from ringback.bootstrap import App
from ringback.domain.access import Role
from ringback.services.accounts import add_user, create_token
from ringback.settings import Settings
from ringback.web.app import create_app

PASSWORD = "correct horse battery"
PERSONAS = {"olivia": Role.OWNER, "rita": Role.REP, "ravi": Role.REP}
CHEAP_ARGON2 = Argon2Passwords(time_cost=1, memory_cost=1024, parallelism=1)
_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Team:
    app: App
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def api(self, who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers(who), **kwargs.pop("headers", {})}
        return self.client.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    def add_contact(self, who: str = "olivia", **fields: Any) -> dict[str, Any]:
        body = {"full_name": "Alice Moreno", "phone": "+1 212 555 0142", "reason": "a referral"}
        response = self.api(who, "POST", "/contacts", json={**body, **fields})
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    def new_browser(self) -> TestClient:
        """A second client with its own cookies."""
        return TestClient(self.client.app)


def csrf_of(page: str) -> str:
    match = _CSRF_INPUT.search(page)
    assert match, "the page has no CSRF field"
    return match.group(1)


def sign_in(browser: TestClient, name: str, password: str = PASSWORD) -> httpx.Response:
    token = csrf_of(browser.get("/login").text)
    form = {"username": name, "password": password, "csrf_token": token, "next": "/"}
    return browser.post("/login", data=form, follow_redirects=False)


@pytest.fixture
def team(db_url: str, tmp_path: Path) -> Iterator[Team]:
    settings = Settings(database_url=db_url, data_dir=tmp_path, session_secret="s" * 40)
    app = App(settings)
    app.passwords = CHEAP_ARGON2  # type: ignore[misc]
    now = datetime.now(UTC)
    made = Team(app, TestClient(create_app(app)))
    for name, role in PERSONAS.items():
        add_user(app.uow_factory(), name, role, PASSWORD, app.passwords, now)
        made.tokens[name] = create_token(app.uow_factory(), name, "tests", now).secret
    yield made
    made.client.close()
    app.engine.dispose()


# --- pages -------------------------------------------------------------------------

# A Tuesday: 10:00 in New York, 15:00 UTC (the users' zone here), inside every
# business calling window of the contacts the page tests create.
NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


@dataclass
class Pages:
    """The team's app at a fixed NOW, with one signed-in browser per persona."""

    team: Team
    browsers: dict[str, TestClient] = field(default_factory=dict)

    def browser(self, who: str) -> TestClient:
        if who not in self.browsers:
            browser = self.team.new_browser()
            assert sign_in(browser, who).status_code == 303
            self.browsers[who] = browser
        return self.browsers[who]

    def get(self, who: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.browser(who).get(path, **kwargs)

    def post(
        self, who: str, path: str, data: dict[str, Any] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """A form POST with the session's CSRF token, not following the redirect."""
        browser = self.browser(who)
        token = csrf_of(browser.get("/settings").text)
        kwargs.setdefault("follow_redirects", False)
        return browser.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


@pytest.fixture
def pages(team: Team) -> Iterator[Pages]:
    from ringback.web.deps import get_now

    team.client.app.dependency_overrides[get_now] = lambda: NOW  # type: ignore[attr-defined]
    made = Pages(team)
    yield made
    for browser in made.browsers.values():
        browser.close()
