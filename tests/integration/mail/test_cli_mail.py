"""`ringback email`, `worker --once` and `calendar-url` from the terminal (issue 6)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import sql_uow_factory
from ringback.cli import app
from ringback.domain.model import Outcome
from tests.integration.mail.servers import Collector, free_port, smtp_server

runner = CliRunner()
ENV = {
    "RINGBACK_SENDER_NAME": "Jamie Doe",
    "RINGBACK_SENDER_PHONE": "+1 612 555 0123",
    "RINGBACK_SENDER_COMPANY": "Brightside",
    "RINGBACK_MAIL_FROM": "jamie@brightside.example",
    "RINGBACK_PUBLIC_BASE_URL": "https://ringback.example.com",
    "RINGBACK_SESSION_SECRET": "s" * 40,
    "RINGBACK_USER": "jamie",
}


def run(db_url: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args], env={**ENV, **(env or {})})
    return result.exit_code, result.stdout, result.stderr


def add(db_url: str) -> str:
    code, out, err = run(db_url, "add", "--name", "Alice Moreno", "--phone", "+1 212 555 0142",
                         "--email", "alice@example.com", "--referred-by", "Jordan Lee",
                         "--reason", "the roles on your team", "--json")  # fmt: skip
    assert code == 0, err
    return str(json.loads(out)["id"])


def test_email_queues_and_the_worker_sends_it(db_url: str) -> None:
    contact = add(db_url)
    collector = Collector()
    with smtp_server(collector) as config:
        smtp = {
            "RINGBACK_SMTP_HOST": config.host,
            "RINGBACK_SMTP_PORT": str(config.port),
            "RINGBACK_SMTP_STARTTLS": "false",
        }
        code, out, err = run(db_url, "email", contact, "--step", "email_first", "--json")
        assert code == 0, err
        queued = json.loads(out)
        assert collector.received == []  # only queued
        code, out, err = run(db_url, "worker", "--once", "--json", env=smtp)

    assert code == 0, err
    assert json.loads(out)["sent"]["sent"] == [queued["id"]]
    [received] = collector.received
    assert received.message["Message-ID"] == queued["message_id"]
    engine = make_engine(db_url)
    try:
        with sql_uow_factory(engine)() as uow:
            touch = uow.touches.by_external_id(queued["message_id"])
    finally:
        engine.dispose()
    assert touch is not None and (touch.outcome, touch.user) == (Outcome.SENT, "jamie")


def test_email_to_a_contact_who_unsubscribed_is_refused_with_the_rule(db_url: str) -> None:
    contact = add(db_url)
    code, _, err = run(db_url, "log", contact, "--channel", "email", "--outcome", "bounced")
    assert code == 0, err

    code, _, err = run(db_url, "email", contact, "--step", "email_first")

    assert code == 1 and "R11" in err


def test_worker_without_servers_says_what_to_set(db_url: str) -> None:
    code, _, err = run(db_url, "worker", "--once")
    assert code == 1 and "RINGBACK_SMTP_HOST" in err


def test_calendar_url_is_stable_until_rotated(db_url: str) -> None:
    code, first, err = run(db_url, "calendar-url", "--json")
    assert code == 0, err
    url = json.loads(first)["url"]
    assert url.startswith("https://ringback.example.com/calendar/") and url.endswith(".ics")
    assert run(db_url, "calendar-url")[1].strip() == url
    rotated = run(db_url, "calendar-url", "--rotate")[1].strip()
    assert rotated != url and run(db_url, "calendar-url")[1].strip() == rotated


def test_worker_reports_an_unreachable_mailbox_and_carries_on(db_url: str) -> None:
    imap = {
        "RINGBACK_IMAP_HOST": "127.0.0.1",
        "RINGBACK_IMAP_PORT": str(free_port()),
        "RINGBACK_IMAP_SSL": "false",
    }
    code, out, err = run(db_url, "worker", "--once", "--json", env=imap)

    assert code == 0 and "IMAP 127.0.0.1" in err
    assert json.loads(out) == {"sent": None, "read": None}
