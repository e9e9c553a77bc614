"""`ringback user`, `ringback token` and `ringback serve` (uvicorn replaced by a stub)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ringback.adapters.auth.passwords import Argon2Passwords
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import sql_uow_factory
from ringback.cli import app
from ringback.domain.access import LoginPolicy
from ringback.services.accounts import BadCredentials, sign_in, user_for_token

runner = CliRunner()
PASSWORD = "correct horse battery"


def run(db_url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What `serve` hands to uvicorn, instead of serving it."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda web, **options: seen.update(web=web, **options))
    return seen


def test_a_user_added_with_a_password_from_stdin_can_create_a_token(
    db_url: str, served: dict[str, Any], tmp_path: Path
) -> None:
    code, out, err = run(db_url, "user", "add", "Rita", "--role", "rep", "--password-stdin",
                         stdin=PASSWORD + "\n")  # fmt: skip
    assert code == 0, err
    assert "rita" in out
    code, token, err = run(db_url, "token", "create", "rita", "--name", "dialer")
    assert code == 0, err
    assert re.fullmatch(r"rb_[\w-]+\n", token)
    assert "not shown again" in err
    code, out, _ = run(db_url, "user", "list", "--json")
    assert '"role": "rep"' in out
    run(db_url, "--data-dir", str(tmp_path), "serve")
    with TestClient(served["web"]) as client:
        headers = {"Authorization": f"Bearer {token.strip()}"}
        assert client.get("/api/v1/contacts", headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["user", "add", "rita", "--role", "boss", "--password-stdin"], PASSWORD, "role"),
        (["user", "add", "team", "--role", "rep", "--password-stdin"], PASSWORD, "reserved"),
        (["user", "add", "rita", "--role", "rep", "--password-stdin"], "short", "10 characters"),
        (["token", "create", "nobody"], None, "no user named"),
        (["token", "revoke", "99"], None, "no token"),
    ],
)
def test_bad_account_commands_fail_with_a_clear_error(
    db_url: str, args: list[str], stdin: str | None, message: str
) -> None:
    code, _, err = run(db_url, *args, stdin=stdin)
    assert code == 1
    assert message in err


def test_a_user_name_is_taken_only_once(db_url: str) -> None:
    for expected in (0, 1):
        code, _, err = run(db_url, "user", "add", "rita", "--role", "rep", "--no-password")
        assert code == expected, err
    assert "already exists" in err


def test_serve_prints_its_address_and_listens_where_told(
    db_url: str, served: dict[str, Any], tmp_path: Path
) -> None:
    code, out, err = run(db_url, "--data-dir", str(tmp_path), "serve", "--host", "0.0.0.0",
                         "--port", "8123")  # fmt: skip
    assert code == 0, err
    assert "http://127.0.0.1:8123/" in out
    assert (served["host"], served["port"]) == ("0.0.0.0", 8123)
    assert served["access_log"] is False  # a line per request only when asked for
    assert served["loop"] == "asyncio"  # fair turns under load (uvicorn_options)


def test_serve_prints_a_line_per_request_when_asked(
    db_url: str, served: dict[str, Any], tmp_path: Path
) -> None:
    code, _, err = run(db_url, "--data-dir", str(tmp_path), "serve", "--access-log")
    assert code == 0, err
    assert served["access_log"] is True


def test_serve_demo_seeds_a_demo_database_and_prints_a_login_that_works(
    served: dict[str, Any], tmp_path: Path
) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "serve", "--demo"])
    assert result.exit_code == 0, result.stderr
    match = re.search(r"user (\w+), password (\S+)", result.stdout)
    assert match, result.stdout
    with TestClient(served["web"]) as browser:
        page = browser.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        form = {"username": match[1], "password": match[2], "csrf_token": token[1]}
        assert browser.post("/login", data=form, follow_redirects=False).status_code == 303
        assert browser.get("/api/v1/contacts", params={"limit": 5}).json()["items"]
    assert (tmp_path / "demo.sqlite").exists()


def test_serve_with_workers_hands_uvicorn_a_factory_that_builds_the_same_app(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several processes each build the app from the settings `serve` resolved."""
    from ringback.cli.serve import worker_app

    seen: dict[str, Any] = {}

    def fake_run(target: Any, **options: Any) -> None:
        seen.update(target=target, **options)
        seen["web"] = worker_app()  # what each worker process does, in this environment

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.delenv("RINGBACK_DATABASE_URL", raising=False)
    run(db_url, "user", "add", "dialer", "--role", "admin", "--no-password")
    _, token, _ = run(db_url, "token", "create", "dialer")

    code, _, err = run(db_url, "--data-dir", str(tmp_path), "serve", "--workers", "3")

    assert code == 0, err
    assert (seen["target"], seen["factory"], seen["workers"]) == (
        "ringback.cli.serve:worker_app", True, 3,
    )  # fmt: skip
    assert "RINGBACK_DATABASE_URL" not in os.environ  # restored once uvicorn returns
    assert seen["web"].state.group_commit is False  # processes take turns: commit each
    with TestClient(seen["web"]) as client:
        headers = {"Authorization": f"Bearer {token.strip()}"}
        assert client.get("/api/v1/contacts", headers=headers).status_code == 200


def test_each_user_gets_their_own_phone_for_click_to_call(db_url: str) -> None:
    code, _, err = run(db_url, "user", "add", "ravi", "--role", "rep", "--no-password",
                       "--phone", "612 555 0142")  # fmt: skip
    assert code == 0, err
    code, _, err = run(db_url, "user", "add", "rita", "--role", "rep", "--no-password",
                       "--phone", "call me")  # fmt: skip
    assert code == 1 and "phone" in err
    run(db_url, "user", "add", "rita", "--role", "rep", "--no-password")

    code, out, err = run(db_url, "user", "phone", "rita", "(612) 555-0199")
    assert code == 0, err
    assert "+1 612-555-0199" in out
    _, listed, _ = run(db_url, "user", "list", "--json")
    assert '"phone": "+16125550199"' in listed and '"phone": "+16125550142"' in listed
    code, _, err = run(db_url, "user", "phone", "rita", "call me")
    assert code == 1 and "phone" in err
    code, out, _ = run(db_url, "user", "phone", "rita")
    assert code == 0 and "rep_phone" in out
    _, listed, _ = run(db_url, "user", "list", "--json")
    assert '"phone": null' in listed


def test_a_deactivated_user_cannot_sign_in_nor_use_tokens_until_activated(db_url: str) -> None:
    run(db_url, "user", "add", "olivia", "--role", "owner", "--no-password")
    run(db_url, "user", "add", "rita", "--role", "rep", "--password-stdin", stdin=PASSWORD)
    _, token, _ = run(db_url, "token", "create", "rita", "--name", "dialer")
    factory = sql_uow_factory(make_engine(db_url))
    hasher, now = Argon2Passwords(), datetime.now(UTC)

    code, out, err = run(db_url, "user", "deactivate", "rita")
    assert code == 0, err
    assert "rita is deactivated" in out
    assert user_for_token(factory, token.strip()) is None
    with pytest.raises(BadCredentials):
        sign_in(factory, "rita", PASSWORD, "127.0.0.1", hasher, LoginPolicy(), now)
    code, _, err = run(db_url, "user", "deactivate", "olivia")
    assert code == 1 and "last active owner" in err

    code, out, _ = run(db_url, "user", "activate", "rita")
    assert code == 0 and "rita is active" in out
    assert user_for_token(factory, token.strip()) is not None
    _, listed, _ = run(db_url, "user", "list", "--json")
    assert '"active": false' not in listed
