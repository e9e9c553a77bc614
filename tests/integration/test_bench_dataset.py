"""The benchmark dataset builder stores what logging the same touches one by one would.

bench/ figures are only worth something if the data behind them is what the product
would hold, so a small build is checked here on both databases: every drawn touch
of a stored contact is stored, and each contact's follow-up state equals the domain's
`advance` folded over its touches (SQLite takes the bulk-load path, PostgreSQL the
repositories).
"""

from __future__ import annotations

from sqlalchemy import func, select

from bench.generate import build_database
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.repositories import SqlStateRepository, SqlTouchRepository
from ringback.adapters.db.tables import contacts, touches
from ringback.domain.model import FollowUpState
from ringback.domain.state import advance

CONTACTS = 300
TOUCHES = 4_000


def test_built_dataset_holds_each_touch_and_the_state_it_folds_to(db_url: str) -> None:
    build_database(db_url, contacts=CONTACTS, touches=TOUCHES, seed=11)

    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            stored_contacts = connection.execute(select(func.count()).select_from(contacts))
            contact_count = stored_contacts.scalar_one()
            per_contact = dict(
                connection.execute(
                    select(touches.c.contact_id, func.count()).group_by(touches.c.contact_id)
                ).all()
            )
            touch_repository = SqlTouchRepository(connection)
            state_repository = SqlStateRepository(connection)
            mismatched = []
            for contact_id in sorted(per_contact):
                state = FollowUpState(contact_id)
                for touch in touch_repository.for_contact(contact_id):
                    state = advance(state, touch)
                if state_repository.get(contact_id) != state:
                    mismatched.append(contact_id)
    finally:
        engine.dispose()

    # The generator writes about 1 % of rows with bad numbers, which the import rejects;
    # touches drawn for those rows have no contact and are not stored.
    assert 0.95 * CONTACTS <= contact_count < CONTACTS
    stored_touches = sum(per_contact.values())
    assert 0.95 * TOUCHES <= stored_touches <= TOUCHES
    assert len(per_contact) > CONTACTS // 2
    assert mismatched == []
