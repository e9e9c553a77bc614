"""SQL aggregation for the analytics page and `ringback stats`: GROUP BY in the database.

Every query joins the contacts to apply the visibility rule (domain/access.py) and
the segment filter; the user filter keeps the touches that user logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    and_,
    case,
    distinct,
    func,
    select,
)

from ringback.adapters.db.repositories import owner_allowed
from ringback.adapters.db.tables import contacts, touches
from ringback.domain.analytics import CallHour, Message
from ringback.domain.model import Channel, Direction
from ringback.domain.scoring.outcomes import (
    ANSWERED_CALL_OUTCOMES,
    CALLBACK_OUTCOMES,
    ENGAGED_OUTCOMES,
    REACHED_OUTCOMES,
    WON_OUTCOMES,
)
from ringback.services.ports import StatsFilter


def _values(outcomes: Iterable[object]) -> list[str]:
    return sorted(str(o) for o in outcomes)


OUTBOUND = touches.c.direction == Direction.OUTBOUND.value
ATTEMPT = and_(OUTBOUND, touches.c.channel != Channel.MEETING.value)


class SqlAnalyticsRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def call_hours(self, scope: StatsFilter) -> list[CallHour]:
        """Outbound calls and answered ones per contact zone and UTC hour."""
        hour = self._hour(touches.c.at).label("hour")
        answered = func.sum(
            case((touches.c.outcome.in_(_values(ANSWERED_CALL_OUTCOMES)), 1), else_=0)
        )
        query = (
            select(contacts.c.timezone, hour, func.count(), answered)
            .select_from(touches.join(contacts, contacts.c.id == touches.c.contact_id))
            .where(OUTBOUND, touches.c.channel == Channel.CALL.value, *self._scope(scope))
            .group_by(contacts.c.timezone, hour)
        )
        return [
            CallHour(zone, _instant(at), int(calls), int(won or 0))
            for zone, at, calls, won in self._connection.execute(query)
        ]

    def messages(self, scope: StatsFilter) -> list[Message]:
        """Outbound touches that used a template."""
        query = self._touch_query(touches.c.template).where(
            OUTBOUND, touches.c.template.is_not(None), *self._scope(scope)
        )
        rows = self._connection.execute(query).all()
        return [Message(row[0], row[1], str(row[2])) for row in rows]

    def answers(self, scope: StatsFilter) -> list[tuple[int, datetime]]:
        """Inbound answers (call-backs, replies, inbound emails) of the contacts in scope."""
        query = self._touch_query().where(
            touches.c.outcome.in_(_values(CALLBACK_OUTCOMES)), *self._scope(scope, by_user=False)
        )
        return [(row[0], row[1]) for row in self._connection.execute(query).all()]

    def funnel_counts(self, scope: StatsFilter) -> list[tuple[str, int]]:
        """Contacts in scope (those the user touched, with a user filter), then each stage."""
        stages = [
            ("reached", REACHED_OUTCOMES),
            ("engaged", ENGAGED_OUTCOMES),
            ("won", WON_OUTCOMES),
        ]
        counts = [("new", self._count_contacts(scope, None))]
        counts += [(name, self._count_contacts(scope, _values(o))) for name, o in stages]
        return counts

    def attempts_to_first_reach(self, scope: StatsFilter) -> dict[int, int]:
        """{attempts up to and including the first reach: number of contacts}."""
        first = self._first_reach(scope)
        per_contact = (
            select(func.count().label("n"))
            .select_from(touches.join(first, first.c.contact_id == touches.c.contact_id))
            .where(ATTEMPT, touches.c.at <= first.c.first_at, *self._user(scope))
            .group_by(touches.c.contact_id)
            .subquery()
        )
        return self._histogram(per_contact.c.n)

    def attempts_per_reached(self, scope: StatsFilter) -> dict[int, int]:
        """{attempts over the whole history: number of reached contacts}."""
        first = self._first_reach(scope)
        conditions = [ATTEMPT, *self._user(scope)]
        per_contact = (
            select(func.count().label("n"))
            .select_from(touches.join(first, first.c.contact_id == touches.c.contact_id))
            .where(*conditions)
            .group_by(touches.c.contact_id)
            .subquery()
        )
        return self._histogram(per_contact.c.n)

    def _first_reach(self, scope: StatsFilter) -> Subquery:
        """Each reached contact in scope with the time it was first reached."""
        return (
            select(touches.c.contact_id, func.min(touches.c.at).label("first_at"))
            .select_from(touches.join(contacts, contacts.c.id == touches.c.contact_id))
            .where(
                touches.c.outcome.in_(_values(REACHED_OUTCOMES)),
                *self._scope(scope, by_user=False),
            )
            .group_by(touches.c.contact_id)
            .subquery()
        )

    def _histogram(self, column: ColumnElement[int]) -> dict[int, int]:
        query = select(column, func.count()).group_by(column)
        return {int(n): int(k) for n, k in self._connection.execute(query)}

    def _count_contacts(self, scope: StatsFilter, outcomes: list[str] | None) -> int:
        joined = touches.join(contacts, contacts.c.id == touches.c.contact_id)
        conditions = list(self._scope(scope))
        if outcomes is not None:
            conditions.append(touches.c.outcome.in_(outcomes))
        if outcomes is None and not scope.user:
            query = select(func.count()).select_from(contacts).where(*self._contact_scope(scope))
        else:
            query = (
                select(func.count(distinct(touches.c.contact_id)))
                .select_from(joined)
                .where(*conditions)
            )
        return int(self._connection.execute(query).scalar_one())

    def _touch_query(self, *extra: ColumnElement[Any]) -> Select[Any]:
        return select(touches.c.contact_id, touches.c.at, *extra).select_from(
            touches.join(contacts, contacts.c.id == touches.c.contact_id)
        )

    def _contact_scope(self, scope: StatsFilter) -> list[ColumnElement[bool]]:
        conditions = [owner_allowed(scope.visible)]
        if scope.segment:
            conditions.append(contacts.c.segment == scope.segment)
        return conditions

    def _scope(self, scope: StatsFilter, by_user: bool = True) -> list[ColumnElement[bool]]:
        return self._contact_scope(scope) + (self._user(scope) if by_user else [])

    def _user(self, scope: StatsFilter) -> list[ColumnElement[bool]]:
        return [touches.c.user_name == scope.user] if scope.user else []

    def _hour(self, column: ColumnElement[datetime]) -> ColumnElement[object]:
        if self._connection.dialect.name == "sqlite":
            return func.strftime("%Y-%m-%d %H:00:00", column)
        return func.date_trunc("hour", column)


def _instant(value: object) -> datetime:
    """The hour a group starts, as aware UTC (SQLite gives text, PostgreSQL a datetime)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
