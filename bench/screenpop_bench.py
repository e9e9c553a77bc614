"""Screen pop latency: from an inbound-call webhook to the pop arriving at an SSE client.

    python -m bench.screenpop_bench [--rate 50] [--duration 30] [--contacts 2000]
                                    [--postgres URL] [--data DIR]

SQLite (default): one app process (uvicorn, as `ringback serve` runs it) on a fresh
SQLite database holding `--contacts` demo contacts with their history. A rep's
browser session listens on GET /events; the bench sends signed Twilio voice
webhooks (X-Twilio-Signature) open-loop at `--rate` calls per second, each from
another team contact's number, and times each pop from the moment its webhook was
sent to the moment the event arrived on the stream. Every call must pop up and be
logged: missing pops and non-200 answers are counted, and the callback_received
touches are counted in the database afterwards.

--postgres URL: the same against TWO app processes sharing that (scratch, emptied)
PostgreSQL database: webhooks into instance 1, the SSE client on instance 2, so
every pop crosses LISTEN/NOTIFY.

Target (issue 6): p99 ≤ 100 ms at 50 inbound calls/s.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import queue
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

import httpx
from sqlalchemy import text

from ringback.adapters.auth.passwords import Argon2Passwords
from ringback.adapters.db import migrate
from ringback.adapters.telephony.twilio.signature import twilio_signature
from ringback.bootstrap import App
from ringback.domain.access import Role
from ringback.services.accounts import add_user
from ringback.services.demo import seed_demo
from ringback.settings import Settings
from tests.support.live_server import free_port
from tests.support.telephony import SseReader, sign_in_cookies

TOKEN = "bench-twilio-auth-token-0123456789"
PASSWORD = "bench password 1234"
VOICE = "/webhooks/twilio/voice"


def prepare(url: str, contacts: int) -> list[str]:
    """Schema, demo contacts, a rep; the numbers of team contacts (their pops reach her)."""
    migrate.upgrade(url)
    app = App(Settings(database_url=url))
    app.passwords = Argon2Passwords(time_cost=1, memory_cost=1024, parallelism=1)  # type: ignore[misc]
    now = datetime.now(UTC)
    seed_demo(app.uow_factory(), now, count=contacts)
    add_user(app.uow_factory(), "rita", Role.REP, PASSWORD, app.passwords, now)
    with app.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT min(p.e164) FROM contacts c JOIN contact_phones p ON p.contact_id = c.id "
                "WHERE c.owner IS NULL GROUP BY c.id"
            )
        ).all()
    app.engine.dispose()
    numbers = sorted({row[0] for row in rows})
    # One number per contact: a shared number would pop up (and be timed) once only.
    return numbers


def empty_postgres(url: str) -> None:
    app = App(Settings(database_url=url))
    with app.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    app.engine.dispose()


@dataclass(frozen=True)
class Instance:
    base: str
    pid: int

    def cpu_seconds(self) -> float:
        """The app process's CPU time so far, user + system (Linux /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def instance(url: str, folder: Path) -> Iterator[Instance]:
    port = free_port()
    env = {
        **os.environ,
        "RINGBACK_DATABASE_URL": url,
        "RINGBACK_DATA_DIR": str(folder),
        "RINGBACK_SESSION_SECRET": "bench-" + "s" * 40,
        "RINGBACK_TWILIO_AUTH_TOKEN": TOKEN,
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    }
    command = [
        sys.executable, "-m", "uvicorn", "ringback.web.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        "--proxy-headers", "--timeout-graceful-shutdown", "2",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.2)
        yield Instance(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)


async def ring_all(
    base: str, numbers: list[str], rate: float, duration: float
) -> tuple[dict[str, float], list[float], int]:
    """Send the webhooks open-loop; the send instant per number, answer times, failures."""
    count = min(len(numbers), int(rate * duration))
    sent: dict[str, float] = {}
    answered: list[float] = []
    failures = 0
    url = base + VOICE

    async def one(client: httpx.AsyncClient, index: int, number: str) -> None:
        nonlocal failures
        params = {"CallSid": f"CAbench{index:08d}", "From": number, "To": "+18005550100"}
        headers = {"X-Twilio-Signature": twilio_signature(TOKEN, url, params.items())}
        start = time.perf_counter()
        sent[number] = start
        try:
            answer = await client.post(url, data=params, headers=headers)
            ok = answer.status_code == 200
        except httpx.HTTPError:
            ok = False
        answered.append(time.perf_counter() - start)
        failures += not ok

    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        t0 = time.perf_counter()
        tasks = []
        for index, number in enumerate(numbers[:count]):
            delay = t0 + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(client, index, number)))
        await asyncio.gather(*tasks)
    return sent, answered, failures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def listen(base: str, ready: Connection, results: Connection) -> None:
    """The rep's browser, in a process of its own (so the load generator cannot delay
    it): streams /events and sends back when each pop arrived (CLOCK_MONOTONIC, the
    same clock in every process)."""
    reader = SseReader(f"{base}/events", sign_in_cookies(base, "rita", PASSWORD))
    reader.wait_connected()
    ready.send(True)
    arrived: dict[str, float] = {}
    while not results.poll():
        try:
            _, data, at = reader.events.get(timeout=0.2)
        except queue.Empty:
            continue
        arrived.setdefault(data["phone"], at)
    results.recv()
    results.send(arrived)
    reader.close()


def run(
    label: str,
    hooks: Instance,
    stream: Instance,
    numbers: list[str],
    args: argparse.Namespace,
    url: str,
) -> None:
    ready_here, ready_there = multiprocessing.Pipe()
    results_here, results_there = multiprocessing.Pipe()
    browser = multiprocessing.Process(target=listen, args=(stream.base, ready_there, results_there))
    browser.start()
    assert ready_here.poll(60), "the event stream did not open"
    servers = {hooks, stream}
    cpu_before = time.process_time()
    servers_before = sum(server.cpu_seconds() for server in servers)
    sent, answered, failures = asyncio.run(ring_all(hooks.base, numbers, args.rate, args.duration))
    client_cpu = time.process_time() - cpu_before
    time.sleep(5)  # let the last pops arrive
    servers_cpu = sum(server.cpu_seconds() for server in servers) - servers_before
    results_here.send("stop")
    arrived: dict[str, float] = results_here.recv()
    browser.join(timeout=10)
    latencies = [arrived[n] - sent[n] for n in sent if n in arrived]
    app = App(Settings(database_url=url))
    with app.engine.connect() as connection:
        logged = connection.execute(
            text("SELECT count(*) FROM touches WHERE outcome = 'callback_received'")
        ).scalar_one()
    app.engine.dispose()
    print(f"\n== {label}: {len(sent)} calls at {args.rate:g}/s over {len(sent) / args.rate:.0f} s")
    print(f"pops received: {len(latencies)} of {len(sent)}; webhook failures: {failures}; "
          f"callback_received logged: {logged}")  # fmt: skip
    if latencies:
        print("webhook → pop on the SSE stream: "
              f"p50 {ms(statistics.median(latencies))}, p95 {ms(percentile(latencies, 0.95))}, "
              f"p99 {ms(percentile(latencies, 0.99))}, max {ms(max(latencies))}")  # fmt: skip
    p50, p99 = statistics.median(answered), percentile(answered, 0.99)
    print(f"webhook answer (TwiML): p50 {ms(p50)}, p99 {ms(p99)}")
    calls = max(1, len(sent))
    print(f"app CPU (all instances, user + system): {ms(servers_cpu / calls)} per call")
    print(f"load generator CPU: {ms(client_cpu / calls)} per call")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--postgres", help="a scratch PostgreSQL URL (it is emptied)")
    parser.add_argument("--data", type=Path, help="where the SQLite database goes")
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} CPUs; load average before: {os.getloadavg()}")  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.data or Path(scratch)
        if args.postgres:
            empty_postgres(args.postgres)
            url = args.postgres
            numbers = prepare(url, args.contacts)
            with instance(url, folder) as first, instance(url, folder) as second:
                run("PostgreSQL, two instances", first, second, numbers, args, url)
        else:
            url = f"sqlite:///{folder / 'screenpop.sqlite'}"
            numbers = prepare(url, args.contacts)
            with instance(url, folder) as base:
                run("SQLite, one instance", base, base, numbers, args, url)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
