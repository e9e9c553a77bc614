"""Shared pieces of the email tests: a contact ready for email, the sender, the setup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.adapters.email.message import Address
from ringback.domain.model import Contact, Phone, PhoneType
from ringback.domain.sender import Sender
from ringback.services.outbox import MailSetup

UowFactory = Callable[[], SqlUnitOfWork]
MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
SECRET = "k" * 40
SETUP = MailSetup(
    sender=Address("jamie@brightside.example", "Jamie Doe"),
    public_url="https://ringback.example.com/",
    secret=SECRET,
)
SENDER = Sender(name="Jamie Doe", phone="+1 612-555-0123", company="Brightside")


def alice(**changes: object) -> Contact:
    values: dict[str, object] = {
        "full_name": "Alice Moreno",
        "first_name": "Alice",
        "phones": (Phone("+12125550142", PhoneType.WORK, "US", ("America/New_York",)),),
        "email": "alice@example.com",
        "referred_by": "Jordan Lee",
        "reason": "the data engineering roles on your team",
        "timezone": "America/New_York",
        "created_at": datetime(2026, 11, 1, tzinfo=UTC),
    }
    values.update(changes)
    return Contact(**values)  # type: ignore[arg-type]


@pytest.fixture
def add_contact(uow_factory: UowFactory) -> Callable[..., int]:
    def add(**changes: object) -> int:
        with uow_factory() as uow:
            saved = uow.contacts.add(alice(**changes))
            uow.commit()
        assert saved.id is not None
        return saved.id

    return add
