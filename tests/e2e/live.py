"""The real app, served by uvicorn on a free port, on a temporary SQLite database with
demo data and known users — for the browser tests and the screenshots in docs/.

    with live_app(folder) as live:      # live.url, live.contacts["alice"], …
        ...

Time is frozen at NOW (a Tuesday, inside business hours in Europe and the US), so
the day's plan is the same whatever day the tests run. Personas as in the
integration tests: olivia owns the account, rita and ravi are reps.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ringback.adapters.auth.passwords import Argon2Passwords
from ringback.bootstrap import App
from ringback.domain.access import Role
from ringback.domain.contact_input import contact_from_record
from ringback.domain.model import Channel, Outcome, Touch
from ringback.services.accounts import add_user
from ringback.services.contacts import add_contact
from ringback.services.demo import seed_demo
from ringback.services.touches import log_touch
from ringback.settings import Settings
from ringback.web.app import create_app
from ringback.web.deps import get_now
from tests.support.live_server import serve

NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # Tue 16:00 in Berlin, 10:00 in New York
USER_ZONE = "Europe/Berlin"
PASSWORD = "correct horse battery"
PERSONAS = {"olivia": Role.OWNER, "rita": Role.REP, "ravi": Role.REP}
DEMO_CONTACTS = 60
# Who the scripts introduce (R7): the number is said in chunks, "612 · 555 · 0188".
SENDER_NAME, SENDER_PHONE = "Sam Carter", "+1 612 555 0188"
TWILIO_TOKEN = "e2e-twilio-auth-token-0123456789"  # signs the inbound-call webhook


@dataclass
class LiveApp:
    url: str
    app: App
    contacts: dict[str, int] = field(default_factory=dict)


def build(folder: Path) -> tuple[App, dict[str, int]]:
    """A migrated SQLite database in `folder` with demo data, users and known contacts."""
    settings = Settings(
        database_url=f"sqlite:///{folder / 'ringback.sqlite'}",
        data_dir=folder,
        session_secret="e2e-" + "s" * 40,
        user_timezone=USER_ZONE,
        sender_name=SENDER_NAME,
        sender_phone=SENDER_PHONE,
        twilio_auth_token=TWILIO_TOKEN,
    )
    app = App(settings)
    app.passwords = Argon2Passwords(time_cost=1, memory_cost=1024, parallelism=1)  # type: ignore[misc]
    app.ensure_schema()
    uow_factory = app.uow_factory()
    seed_demo(uow_factory, NOW, count=DEMO_CONTACTS)
    for name, role in PERSONAS.items():
        add_user(uow_factory, name, role, PASSWORD, app.passwords, NOW)
    known = {
        "alice": {"full_name": "Alice Moreno", "phone": "(212) 555-0142", "company": "Northwind",
                  "referred_by": "Jordan Lee", "reason": "her team is hiring data engineers",
                  "email": "alice@example.com", "segment": "data engineering hiring"},
        "ravi_private": {"full_name": "Priyanka Private", "phone": "+1 646 555 0199",
                         "owner": "ravi", "reason": "ravi's own lead"},
    }  # fmt: skip
    ids: dict[str, int] = {}
    for key, record in known.items():
        contact = contact_from_record(record, default_region="US", created_at=NOW)
        saved = add_contact(uow_factory, contact, NOW - timedelta(days=10))
        assert saved.id is not None
        ids[key] = saved.id
    # Alice asked to be called back this afternoon her time: a promised call-back (R4),
    # so she is near the top of Today (R18).
    promised = Touch(
        ids["alice"], Channel.CALL, Outcome.CALL_LATER, NOW - timedelta(days=6),
        user="rita", next_at=NOW + timedelta(hours=1),
    )  # fmt: skip
    log_touch(uow_factory, promised)
    return app, ids


@contextmanager
def live_app(folder: Path) -> Iterator[LiveApp]:
    app, ids = build(folder)
    web = create_app(app)
    web.dependency_overrides[get_now] = lambda: NOW
    try:
        with serve(web) as url:
            yield LiveApp(url, app, ids)
    finally:
        app.engine.dispose()
