"""Importing touches from a dialer's CSV or JSON Lines into SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.adapters.documents.csv_io import read_csv, read_jsonl
from ringback.domain.contact_input import contact_from_record
from ringback.domain.errors import InvalidField
from ringback.domain.model import Outcome, Status
from ringback.services.contacts import add_contact
from ringback.services.importing import ImportReport
from ringback.services.touch_import import import_touches

UowFactory = Callable[[], SqlUnitOfWork]
NOW = datetime(2026, 3, 1, tzinfo=UTC)


class Rejects:
    def __init__(self) -> None:
        self.rows: list[tuple[int, str]] = []

    def reject(self, row: int, values: Any, error: InvalidField) -> None:
        self.rows.append((row, error.field))


def add_people(uow_factory: UowFactory) -> list[int]:
    people = [
        {"full_name": "Alice Moreno", "mobile": "+1 415 555 0100", "email": "alice@example.com"},
        {"full_name": "Bob Stone", "work_phone": "+44 20 7946 0958"},
    ]
    ids = []
    for record in people:
        contact = contact_from_record(record, default_region="US")
        ids.append(add_contact(uow_factory, contact, NOW).id or 0)
    return ids


DIALER_CSV = """\
contact,channel,outcome,direction,at,duration,call_id,notes
(415) 555-0100,call,voicemail_left,outbound,2026-03-03T10:00:00Z,25,CA2,second try
+14155550100,call,no_answer,outbound,2026-03-02T10:00:00Z,,CA1,
bob@nowhere.example,call,busy,outbound,2026-03-02T11:00:00Z,,CA3,
{bob},call,ghosted,outbound,2026-03-02T11:00:00Z,,CA4,
{bob},call,busy,outbound,not-a-date,,CA5,
alice@example.com,email,sent,outbound,2026-03-04T08:00:00Z,,,
{bob},call,connected,outbound,2026-03-05T15:00:00+01:00,300,,said call next month
"""


def import_csv(text: str, uow_factory: UowFactory, **options: Any) -> tuple[ImportReport, Rejects]:
    rejects = Rejects()
    table = read_csv(io.StringIO(text))
    report = import_touches(
        table.rows, uow_factory, default_region="US", rejects=rejects, **options
    )
    return report, rejects


def test_good_touches_are_logged_in_time_order_bad_ones_rejected(uow_factory: UowFactory) -> None:
    alice, bob = add_people(uow_factory)
    report, rejects = import_csv(DIALER_CSV.format(bob=bob), uow_factory)
    assert (report.imported, report.rejected) == (4, 3)
    assert sorted(rejects.rows) == [(4, "contact"), (5, "outcome"), (6, "at")]
    with uow_factory() as uow:
        alices = uow.touches.for_contact(alice)
        assert [t.outcome for t in alices] == [
            Outcome.NO_ANSWER,
            Outcome.VOICEMAIL_LEFT,
            Outcome.SENT,
        ]
        assert [t.external_id for t in alices][:2] == ["CA1", "CA2"]
        state = uow.states.get(alice)
        assert state.attempts == 3
        assert state.last_touch_at == datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
        bobs = uow.touches.for_contact(bob)
        assert bobs[0].at == datetime(2026, 3, 5, 14, 0, tzinfo=UTC)
        assert bobs[0].duration_s == 300
        assert uow.states.get(bob).status is Status.WARM


def test_rerun_skips_touches_already_imported(uow_factory: UowFactory) -> None:
    _, bob = add_people(uow_factory)
    import_csv(DIALER_CSV.format(bob=bob), uow_factory)
    again, _ = import_csv(DIALER_CSV.format(bob=bob), uow_factory)
    assert (again.imported, again.skipped) == (0, 4)
    with uow_factory() as uow:
        assert uow.touches.count() == 4


def test_dry_run_logs_nothing(uow_factory: UowFactory) -> None:
    _, bob = add_people(uow_factory)
    report, _ = import_csv(DIALER_CSV.format(bob=bob), uow_factory, dry_run=True)
    assert (report.imported, report.rejected) == (4, 3)
    with uow_factory() as uow:
        assert uow.touches.count() == 0


def test_json_lines_from_a_phone_system(uow_factory: UowFactory) -> None:
    alice, _ = add_people(uow_factory)
    lines = (
        '{"phone": "+14155550100", "outcome": "no-answer", "at": "2026-03-02T10:00:00Z",'
        ' "duration": 0, "call_sid": "CA9"}\n'
        "\n"
        '{"phone": "+14155550100", "outcome": "callback_received", "direction": "inbound",'
        ' "at": "2026-03-02T12:00:00Z", "call_sid": "CA10"}\n'
        '{"phone": "+14155550100", "outcome": "busy", "at": 17}\n'
    )
    rejects = Rejects()
    report = import_touches(
        read_jsonl(io.StringIO(lines)),
        uow_factory,
        default_region="US",
        rejects=rejects,
        first_row=1,
    )
    assert (report.imported, report.blank, rejects.rows) == (2, 1, [(4, "at")])
    with uow_factory() as uow:
        assert uow.states.get(alice).status is Status.WARM
