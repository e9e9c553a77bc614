"""A synthetic finished history for the lead score and analytics tests.

`seed_referral_history` writes contacts whose engagement depends on one known fact:
a referral. Referred contacts call back (positive), the others say no (negative),
except every fifth contact of each kind goes the other way, so the relation is
strong but not perfect. Finishing times grow with the contact's index, so a
time-ordered split has both kinds on each side.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ringback.domain.model import (
    Channel,
    Contact,
    Direction,
    FollowUpState,
    Outcome,
    Status,
    Touch,
)
from ringback.services.ports import UnitOfWork

START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York


def seed_referral_history(
    uow_factory: Callable[[], UnitOfWork], count: int = 60, owner: str | None = None
) -> list[int]:
    """Write `count` finished contacts; returns their ids."""
    with uow_factory() as uow:
        contacts = [_contact(i, owner) for i in range(count)]
        ids = uow.contacts.add_many(contacts)
        touches: list[Touch] = []
        states: list[FollowUpState] = []
        for i, contact_id in enumerate(ids):
            referred = i % 2 == 0
            engaged = referred != (i % 10 in (0, 1))
            at = START + timedelta(hours=6 * i)
            touches.append(Touch(contact_id, Channel.CALL, Outcome.NO_ANSWER, at))
            decided = at + timedelta(days=1)
            if engaged:
                touches.append(
                    Touch(
                        contact_id,
                        Channel.CALL,
                        Outcome.CALLBACK_RECEIVED,
                        decided,
                        direction=Direction.INBOUND,
                    )
                )
            else:
                touches.append(Touch(contact_id, Channel.CALL, Outcome.NOT_INTERESTED, decided))
            status = Status.WARM if engaged else Status.NOT_INTERESTED
            states.append(FollowUpState(contact_id, status=status, last_touch_at=decided))
        uow.touches.add_many(touches)
        uow.states.save_many(states)
        uow.commit()
    return ids


def _contact(index: int, owner: str | None) -> Contact:
    return Contact(
        full_name=f"Person {index}",
        first_name="Person",
        referred_by="Jordan Lee" if index % 2 == 0 else None,
        reason="a referral",
        timezone="America/New_York",
        owner=owner,
        created_at=START - timedelta(days=1),
    )
