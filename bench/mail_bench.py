"""The email worker's sending rate (issue 6) against a local SMTP server (aiosmtpd).

    python -m bench.mail_bench [--emails 500] [--workers 1] [--db URL]

Queues `--emails` rendered emails (queue_email: script, MIME, outbox row) on a fresh
SQLite database (or the empty, migrated database `--db` names), then runs
`--workers` threads of `send_due` rounds (20 jobs a round) until the outbox is
empty, against aiosmtpd on 127.0.0.1. Prints the queueing and sending rates, and
checks that every email arrived exactly once and every sent email logged its touch.
Not a timed test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller

from ringback.adapters.db import migrate
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import sql_uow_factory
from ringback.adapters.email.message import Address
from ringback.adapters.email.smtp import SmtpConfig, SmtpSender
from ringback.domain.model import Contact, Phone, PhoneType
from ringback.domain.scripts import StepKind
from ringback.domain.sender import Sender
from ringback.services.outbox import MailSetup, queue_email, send_due
from tests.integration.mail.servers import Collector, free_port

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
SETUP = MailSetup(Address("jamie@brightside.example", "Jamie Doe"), "https://r.example", "k" * 40)
SENDER = Sender(name="Jamie Doe", phone="+1 612-555-0123", company="Brightside")


def contact(n: int) -> Contact:
    return Contact(
        full_name=f"Person {n} Moreno",
        first_name=f"Person{n}",
        phones=(Phone("+12125550142", PhoneType.WORK, "US", ("America/New_York",)),),
        email=f"p{n}@example.com",
        referred_by="Jordan Lee",
        reason="the data engineering roles on your team",
        timezone="America/New_York",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'mail.sqlite'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = sql_uow_factory(engine)
    with factory() as uow:
        ids = uow.contacts.add_many([contact(n) for n in range(args.emails)])
        uow.commit()
    started = time.perf_counter()
    for contact_id in ids:
        queue_email(factory, SETUP, contact_id, SENDER, NOW, step=StepKind.EMAIL_FIRST)
    queued_s = time.perf_counter() - started

    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    sender = SmtpSender(SmtpConfig("127.0.0.1", port, starttls=False))
    sent: list[int] = []

    def worker() -> None:
        while True:
            report = send_due(factory, sender, "jamie@brightside.example", NOW)
            sent.extend(report.sent)
            if not (report.sent or report.retrying or report.failed):
                return

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent_s = time.perf_counter() - started
    controller.stop()

    ids_seen = [r.message["Message-ID"] for r in collector.received]
    with factory() as uow:
        touches = uow.touches.count()
    engine.dispose()
    assert len(ids_seen) == len(set(ids_seen)) == len(sent) == args.emails, "lost or doubled"
    assert touches == args.emails, f"{touches} touches for {args.emails} emails"
    print(f"database: {url.split(':')[0]}, workers: {args.workers}, emails: {args.emails}")
    print(f"queued: {args.emails / queued_s:,.0f} emails/s ({queued_s:.2f} s)")
    print(f"sent:   {args.emails / sent_s:,.0f} emails/s ({sent_s:.2f} s), each once, each logged")


if __name__ == "__main__":
    main()
