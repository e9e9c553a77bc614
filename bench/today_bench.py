"""How fast the Today page renders for a user with thousands of due contacts.

    python -m bench.today_bench [--due 5000] [--repeat 9] [--db PATH]

Seeds `--due` contacts, all due before the day starts (new and active ones, in five
cities and three countries, plus a few promised call-backs and appointments for
today), into a fresh SQLite database (a temporary one unless --db), signs in as a
rep and times GET / through the real app (Starlette's TestClient: routing,
session, the plan at the daily capacity, the template), median of `--repeat`
runs after one warm-up. Target (issue 4): under 300 ms for 5,000 due contacts.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from ringback.bootstrap import App
from ringback.domain.access import Role
from ringback.domain.contact_input import contact_from_record
from ringback.domain.errors import InvalidField
from ringback.domain.model import Contact, FollowUpState, Status, utc
from ringback.services.accounts import add_user
from ringback.services.plan import plan_range
from ringback.settings import Settings
from ringback.web.app import create_app
from ringback.web.deps import get_now

NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # a Tuesday: 10:00 in New York
DAY_START = datetime(2026, 3, 3, tzinfo=UTC)
TARGET_MS = 300.0
PASSWORD = "bench password 123"
PLACES = (
    ("+1 212 555 {:04d}", "New York"),
    ("+1 312 555 {:04d}", "Chicago"),
    ("+1 415 555 {:04d}", "San Francisco"),
    ("+44 20 7946 {:04d}", "London"),
    ("+49 30 1234 {:04d}", "Berlin"),
)
BOOKED_EVERY = 100  # one contact in this many has a call-back or appointment today


def seed(app: App, due: int) -> int:
    """`due` contacts due before the day starts; returns how many were stored."""
    contacts: list[Contact] = []
    for index in range(due):
        pattern, city = PLACES[index % len(PLACES)]
        record = {
            "full_name": f"Contact {index:05d}",
            "phone": pattern.format(index // len(PLACES) % 10_000),
            "company": f"Company {index % 700}",
            "segment": "bench",
            "reason": f"a referral from {city}",
            "referred_by": "Jordan Lee",
        }
        try:
            contacts.append(contact_from_record(record, default_region="US", created_at=NOW))
        except InvalidField:
            continue
    with app.uow_factory()() as uow:
        ids = uow.contacts.add_many(contacts)
        uow.states.save_many([_state(i, n) for n, i in enumerate(ids)])
        uow.commit()
    return len(ids)


def _state(contact_id: int, index: int) -> FollowUpState:
    due_at = DAY_START - timedelta(minutes=7 * (index + 1))
    if index % BOOKED_EVERY == 0:
        later = utc(NOW + timedelta(hours=1 + index % 5))
        return FollowUpState(contact_id, Status.WARM, promised_at=later, next_due_at=later)
    status = Status.NEW if index % 3 else Status.ACTIVE
    attempts = 0 if status is Status.NEW else 1 + index % 4
    return FollowUpState(
        contact_id, status, attempts=attempts, next_due_at=due_at,
        last_touch_at=due_at - timedelta(days=3) if attempts else None,
    )  # fmt: skip


def signed_in(client: TestClient) -> None:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    form = {"username": "rita", "password": PASSWORD, "csrf_token": token.group(1), "next": "/"}
    response = client.post("/login", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text


def timed(client: TestClient, repeat: int) -> tuple[list[float], int, int]:
    """Milliseconds per GET / (after one warm-up), the page size and its items."""
    client.get("/")
    times: list[float] = []
    body = ""
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get("/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        body = response.text
    return times, len(body.encode()), body.count('class="plan-item card')


def plan_only(app: App, repeat: int) -> float:
    uow_factory = app.uow_factory()
    runs = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        plan_range(uow_factory, DAY_START, DAY_START + timedelta(days=1), user="rita")
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs[1:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--due", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--db", type=Path, help="SQLite file to create (default: a temporary one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        path = args.db or Path(scratch) / "today.sqlite"
        if path.exists():
            parser.error(f"{path} exists: the benchmark needs a fresh database")
        settings = Settings(
            database_url=f"sqlite:///{path}", data_dir=Path(scratch), session_secret="b" * 40
        )
        app = App(settings)
        app.ensure_schema()
        started = time.perf_counter()
        stored = seed(app, args.due)
        seeded = time.perf_counter() - started
        add_user(app.uow_factory(), "rita", Role.REP, PASSWORD, app.passwords, NOW)
        web = create_app(app)
        web.dependency_overrides[get_now] = lambda: NOW
        with TestClient(web) as client:
            signed_in(client)
            times, size, items = timed(client, args.repeat)
        plan_ms = plan_only(app, args.repeat)
        app.engine.dispose()
    median = statistics.median(times)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"database: SQLite, {stored} contacts due (seeded in {seeded:.1f} s)")
    print(f"GET / as a rep: {items} items planned, {size / 1024:.0f} KiB of HTML")
    print(
        f"GET / median {median:.1f} ms over {args.repeat} runs "
        f"(min {min(times):.1f}, max {max(times):.1f})"
    )
    print(f"of which plan_range alone: median {plan_ms:.1f} ms")
    verdict = "met" if median < TARGET_MS else "NOT met"
    print(f"target < {TARGET_MS:.0f} ms: {verdict}")
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
