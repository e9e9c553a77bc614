"""SQLAlchemy Core storage of outgoing email jobs and IMAP cursors (issue 6).

Claiming is one UPDATE over a sub-select of due ids. On PostgreSQL the sub-select
takes `FOR UPDATE SKIP LOCKED`, so concurrent workers pass over each other's rows
instead of waiting and never claim the same job; SQLite has one writer at a time,
so the single UPDATE is atomic there as it stands.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, insert, or_, select, update

from ringback.adapters.db.tables import mailbox_cursors, outbox
from ringback.domain.errors import NotFound
from ringback.domain.outbox import CLAIM_LEASE, Failure, JobKind, JobState, OutboxJob

_FIELDS = (
    "contact_id",
    "kind",
    "to_address",
    "subject",
    "message",
    "message_id",
    "next_attempt_at",
    "created_at",
    "template",
    "state",
    "permanent",
    "attempts",
    "last_error",
    "sent_at",
)


def _values(job: OutboxJob) -> dict[str, Any]:
    values = {name: getattr(job, name) for name in _FIELDS}
    values.update(user_name=job.user, kind=job.kind.value, state=job.state.value)
    return values


def _job(row: RowMapping) -> OutboxJob:
    values = {name: row[name] for name in _FIELDS}
    values.update(kind=JobKind(row["kind"]), state=JobState(row["state"]))
    return OutboxJob(user=row["user_name"], id=row["id"], **values)


class SqlOutboxRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, job: OutboxJob) -> OutboxJob:
        new_id = self.connection.execute(
            insert(outbox).values(**_values(job)).returning(outbox.c.id)
        ).scalar_one()
        return _with_id(job, new_id)

    def get(self, job_id: int) -> OutboxJob:
        row = self.connection.execute(select(outbox).where(outbox.c.id == job_id)).mappings()
        found = row.first()
        if found is None:
            raise NotFound(f"no outbox message with id {job_id}")
        return _job(found)

    def recent(self, state: JobState | None = None, limit: int = 50) -> list[OutboxJob]:
        query = select(outbox).order_by(outbox.c.id.desc()).limit(limit)
        if state is not None:
            query = query.where(outbox.c.state == state.value)
        return [_job(row) for row in self.connection.execute(query).mappings()]

    def claim_due(self, now: datetime, limit: int) -> list[OutboxJob]:
        """Move up to `limit` due jobs to `sending` for this worker and return them."""
        c = outbox.c
        due = or_(
            and_(c.state == JobState.QUEUED.value, c.next_attempt_at <= now),
            and_(c.state == JobState.SENDING.value, c.claimed_at <= now - CLAIM_LEASE),
        )
        ids = (
            select(c.id)
            .where(due)
            .order_by(c.next_attempt_at, c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = self.connection.execute(
            update(outbox)
            .where(c.id.in_(ids))
            .values(state=JobState.SENDING.value, claimed_at=now, attempts=c.attempts + 1)
            .returning(*outbox.columns)
        ).mappings()
        return sorted((_job(row) for row in claimed), key=lambda j: (j.next_attempt_at, j.id))

    def mark_sent(self, job_id: int, now: datetime) -> None:
        self._set(job_id, state=JobState.SENT.value, sent_at=now, last_error=None)

    def mark_failed(self, job_id: int, failure: Failure) -> None:
        if failure.permanent:
            self._set(job_id, state=JobState.FAILED.value, permanent=True, last_error=failure.error)
            return
        assert failure.retry_at is not None
        self._set(
            job_id,
            state=JobState.QUEUED.value,
            next_attempt_at=failure.retry_at,
            last_error=failure.error,
        )

    def _set(self, job_id: int, **values: Any) -> None:
        self.connection.execute(update(outbox).where(outbox.c.id == job_id).values(**values))

    def cursor(self, mailbox: str) -> tuple[int, int] | None:
        """(UIDVALIDITY, last UID read) of `mailbox`, or None before its first poll."""
        c = mailbox_cursors.c
        row = self.connection.execute(
            select(c.uidvalidity, c.last_uid).where(c.mailbox == mailbox)
        ).first()
        return None if row is None else (row.uidvalidity, row.last_uid)

    def save_cursor(self, mailbox: str, uidvalidity: int, last_uid: int, at: datetime) -> None:
        values = {"uidvalidity": uidvalidity, "last_uid": last_uid, "updated_at": at}
        c = mailbox_cursors.c
        found = self.connection.execute(
            update(mailbox_cursors).where(c.mailbox == mailbox).values(**values)
        )
        if found.rowcount == 0:
            self.connection.execute(insert(mailbox_cursors).values(mailbox=mailbox, **values))


def _with_id(job: OutboxJob, new_id: int) -> OutboxJob:
    return replace(job, id=new_id)
