"""Two app processes (uvicorn) on one PostgreSQL database: a call's webhook reaches
instance 1 and the rep, connected to instance 2 only, gets the screen pop (R15)
through LISTEN/NOTIFY within a second."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from ringback.bootstrap import App
from ringback.domain.access import Role
from ringback.domain.contact_input import contact_from_record
from ringback.services.accounts import add_user
from ringback.services.contacts import add_contact
from ringback.settings import Settings
from tests.conftest import _truncate_all
from tests.support.live_server import free_port
from tests.support.telephony import (
    PUBLIC_BASE,
    SseReader,
    sign_in_cookies,
    signed_twilio,
    twilio_settings,
    voice_params,
)

pytestmark = pytest.mark.postgres
PASSWORD = "correct horse battery"
NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


def _environment(db_url: str, folder: Path) -> dict[str, str]:
    env = {**os.environ, "RINGBACK_DATABASE_URL": db_url, "RINGBACK_DATA_DIR": str(folder)}
    env["RINGBACK_SESSION_SECRET"] = "two-instances-" + "s" * 40
    for name, value in twilio_settings().items():
        env[f"RINGBACK_{name.upper()}"] = value
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env


def _start(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "ringback.web.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        "--timeout-graceful-shutdown", "2",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env)
    return process, f"http://127.0.0.1:{port}"


def _wait_ready(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app at {url} exited with {process.returncode}")
        try:
            httpx.get(f"{url}/login", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"the app at {url} did not start")


@pytest.fixture
def database(postgres_db_url: str, _postgres_cleaner: Engine) -> str:
    _truncate_all(_postgres_cleaner)
    app = App(Settings(database_url=postgres_db_url))
    uow_factory = app.uow_factory()
    for name, role in {"olivia": Role.OWNER, "rita": Role.REP}.items():
        add_user(uow_factory, name, role, PASSWORD, app.passwords, NOW)
    record = {"full_name": "Alice Moreno", "phone": "+1 212 555 0142", "company": "Northwind",
              "reason": "her team is hiring", "referred_by": "Jordan Lee"}  # fmt: skip
    add_contact(uow_factory, contact_from_record(record, default_region="US"), NOW)
    app.engine.dispose()
    return postgres_db_url


@pytest.fixture
def instances(database: str, tmp_path: Path) -> Iterator[list[str]]:
    env = _environment(database, tmp_path)
    started = [_start(env), _start(env)]
    try:
        for process, url in started:
            _wait_ready(process, url)
        yield [url for _, url in started]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_webhook_into_one_instance_pops_up_on_a_tab_connected_to_the_other(
    instances: list[str],
) -> None:
    first, second = instances
    reader = SseReader(f"{second}/events", sign_in_cookies(second, "rita", PASSWORD))
    try:
        reader.wait_connected()
        params = voice_params("CA-two-instances", "(212) 555-0142")
        path = "/webhooks/twilio/voice"
        sent = time.perf_counter()
        answer = httpx.post(
            first + path, data=params, headers=signed_twilio(PUBLIC_BASE + path, params)
        )
        assert answer.status_code == 200, answer.text
        popped = reader.next(timeout=1.0)
        assert popped is not None, "no screen pop reached the other instance within a second"
        assert time.perf_counter() - sent < 1.0
        kind, pop = popped
        assert kind == "screen_pop"
        assert (pop["name"], pop["company"], pop["referred_by"]) == (
            "Alice Moreno", "Northwind", "Jordan Lee",
        )  # fmt: skip
    finally:
        reader.close()
