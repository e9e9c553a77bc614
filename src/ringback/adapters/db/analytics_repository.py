"""SQL aggregation for the analytics page and `ringback stats`: GROUP BY in the database.

Every query joins the contacts to apply the visibility rule (domain/access.py) and
the segment filter; the user filter keeps the touches that user logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Connection,
    FromClause,
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
# `contact_id + 0` in joins and groupings: it keeps SQLite from walking the touches in
# contact order through the (contact_id, at) index, a random read per touch (30× slower
# on 2M touches), and makes it scan the table once in storage order instead.
CONTACT_OF_TOUCH = touches.c.contact_id + 0
ATTEMPT = and_(OUTBOUND, touches.c.channel != Channel.MEETING.value)


class SqlAnalyticsRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def newest_touch_id(self) -> int:
        return int(self._connection.execute(select(func.max(touches.c.id))).scalar() or 0)

    def call_hours(
        self, scope: StatsFilter, after_id: int = 0, upto_id: int | None = None
    ) -> list[CallHour]:
        """Outbound calls and answered ones per contact zone and UTC hour, among the
        touches with after_id < id <= upto_id (touches are append-only: a range of ids
        is exactly the touches logged since)."""
        ids = [touches.c.id > after_id] if after_id else []
        if upto_id is not None:
            ids.append(touches.c.id <= upto_id)
        hour = self._hour(touches.c.at).label("hour")
        answered = func.sum(
            case((touches.c.outcome.in_(_values(ANSWERED_CALL_OUTCOMES)), 1), else_=0)
        )
        zones = self._contacts_in(scope)
        query = (
            select(zones.c.timezone, hour, func.count(), answered)
            .select_from(touches.join(zones, zones.c.id == CONTACT_OF_TOUCH))
            .where(OUTBOUND, touches.c.channel == Channel.CALL.value, *ids, *self._user(scope))
            .group_by(zones.c.timezone, hour)
        )
        return [
            CallHour(zone, _instant(at), int(calls), int(won or 0))
            for zone, at, calls, won in self._connection.execute(query)
        ]

    def messages(self, scope: StatsFilter) -> list[Message]:
        """Outbound touches that used a template."""
        query = self._touch_query(scope, touches.c.template).where(
            OUTBOUND, touches.c.template.is_not(None), *self._scope(scope)
        )
        rows = self._connection.execute(query).all()
        return [Message(row[0], row[1], str(row[2])) for row in rows]

    def answers(self, scope: StatsFilter) -> list[tuple[int, datetime]]:
        """Inbound answers (call-backs, replies, inbound emails) of the contacts in scope."""
        query = self._touch_query(scope).where(
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

    def reached_attempts(self, scope: StatsFilter) -> dict[tuple[int, int], int]:
        """{(attempts up to and including the first reach, all attempts): reached contacts}."""
        first = self._first_reach(scope)
        until_reached = func.sum(case((touches.c.at <= first.c.first_at, 1), else_=0))
        per_contact = (
            select(until_reached.label("to_first"), func.count().label("total"))
            .select_from(touches.join(first, first.c.contact_id == CONTACT_OF_TOUCH))
            .where(ATTEMPT, *self._user(scope))
            .group_by(CONTACT_OF_TOUCH)
            .subquery()
        )
        pair = (per_contact.c.to_first, per_contact.c.total)
        query = select(*pair, func.count()).group_by(*pair)
        return {(int(a), int(b)): int(n) for a, b, n in self._connection.execute(query)}

    def _first_reach(self, scope: StatsFilter) -> Subquery:
        """Each reached contact in scope with the time it was first reached."""
        return (
            select(touches.c.contact_id, func.min(touches.c.at).label("first_at"))
            .select_from(self._source(scope))
            .where(
                touches.c.outcome.in_(_values(REACHED_OUTCOMES)),
                *self._scope(scope, by_user=False),
            )
            .group_by(touches.c.contact_id)
            .subquery()
        )

    def _count_contacts(self, scope: StatsFilter, outcomes: list[str] | None) -> int:
        conditions = list(self._scope(scope))
        if outcomes is not None:
            conditions.append(touches.c.outcome.in_(outcomes))
        if outcomes is None and not scope.user:
            query = select(func.count()).select_from(contacts).where(*self._contact_scope(scope))
        else:
            query = (
                select(func.count(distinct(touches.c.contact_id)))
                .select_from(self._source(scope))
                .where(*conditions)
            )
        return int(self._connection.execute(query).scalar_one())

    def _touch_query(self, scope: StatsFilter, *extra: ColumnElement[Any]) -> Select[Any]:
        return select(touches.c.contact_id, touches.c.at, *extra).select_from(self._source(scope))

    def _source(self, scope: StatsFilter) -> FromClause:
        """The touches, joined to their contacts only when a contact filter needs them."""
        if not self._contact_scope(scope):
            return touches
        chosen = self._contacts_in(scope)
        return touches.join(chosen, chosen.c.id == CONTACT_OF_TOUCH)

    def _contacts_in(self, scope: StatsFilter) -> CTE:
        """Id and zone of the contacts in scope, materialised once: joining every touch
        to this narrow table is several times faster than to the wide contact rows."""
        chosen = select(contacts.c.id, contacts.c.timezone).where(*self._contact_scope(scope))
        return chosen.cte("chosen").prefix_with("MATERIALIZED")

    def _contact_scope(self, scope: StatsFilter) -> list[ColumnElement[bool]]:
        conditions = [] if scope.visible.owners is None else [owner_allowed(scope.visible)]
        if scope.segment:
            conditions.append(contacts.c.segment == scope.segment)
        return conditions

    def _scope(self, scope: StatsFilter, by_user: bool = True) -> list[ColumnElement[bool]]:
        """Conditions on the touches (the contact filters are in `_source`'s join)."""
        return self._user(scope) if by_user else []

    def _user(self, scope: StatsFilter) -> list[ColumnElement[bool]]:
        return [touches.c.user_name == scope.user] if scope.user else []

    def _hour(self, column: ColumnElement[datetime]) -> ColumnElement[object]:
        if self._connection.dialect.name == "sqlite":
            return func.substr(column, 1, 13)  # stored as "YYYY-MM-DD HH:MM:SS.ffffff"
        return func.date_trunc("hour", column)


def _instant(value: object) -> datetime:
    """The hour a group starts, as aware UTC (SQLite gives text, PostgreSQL a datetime)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(f"{value}:00").replace(tzinfo=UTC)
