"""SQL reads for the lead score (R11): finished contacts with their touches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Connection, exists, func, or_, select

from ringback.adapters.db import convert
from ringback.adapters.db.repositories import chunks
from ringback.adapters.db.tables import followup_state, touches
from ringback.domain.model import Status, Touch
from ringback.domain.scoring.outcomes import ENGAGED_OUTCOMES, REFUSAL_OUTCOMES

DECIDING = sorted(str(o) for o in ENGAGED_OUTCOMES | REFUSAL_OUTCOMES)


class SqlLearningRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def finished(self, limit: int) -> list[tuple[int, Status]]:
        """Contacts with a deciding touch or a cold status, the latest touched first."""
        decided = exists().where(
            touches.c.contact_id == followup_state.c.contact_id,
            touches.c.outcome.in_(DECIDING),
        )
        query = (
            select(followup_state.c.contact_id, followup_state.c.status)
            .where(or_(followup_state.c.status == Status.COLD.value, decided))
            .order_by(followup_state.c.last_touch_at.desc(), followup_state.c.contact_id)
            .limit(limit)
        )
        return [(row[0], Status(row[1])) for row in self._connection.execute(query)]

    def touches_of(self, contact_ids: Sequence[int]) -> dict[int, list[Touch]]:
        """Each contact's touches, oldest first (contacts without any are left out)."""
        found: dict[int, list[Touch]] = defaultdict(list)
        for chunk in chunks(contact_ids):
            query = (
                select(touches)
                .where(touches.c.contact_id.in_(chunk))
                .order_by(touches.c.contact_id, touches.c.at, touches.c.id)
            )
            for row in self._connection.execute(query).mappings():
                touch = convert.touch_from_row(row)
                found[touch.contact_id].append(touch)
        return dict(found)

    def fingerprint(self) -> str:
        """The newest touch's id: it changes when the history grows (one index lookup)."""
        newest = self._connection.execute(select(func.max(touches.c.id))).scalar()
        return str(newest or 0)
