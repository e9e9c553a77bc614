"""Unsubscribing by the link in an email (issue 6): stop email, and only email (R12).

The link's token is signed (adapters/auth/signed_links.py); a tampered or stale one
is InvalidField("token") and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from ringback.adapters.auth.signed_links import read_unsubscribe_token
from ringback.domain.errors import InvalidField, NotFound
from ringback.domain.model import Channel, Contact, Direction, Outcome, Touch, utc
from ringback.services.contacts import UowFactory
from ringback.services.outbox import MailSetup
from ringback.services.touches import record_touch


def unsubscribe_target(setup: MailSetup, uow_factory: UowFactory, token: str) -> Contact:
    """The contact a genuine unsubscribe token names; InvalidField("token") otherwise."""
    contact_id, _ = read_unsubscribe_token(setup.secret, token)
    with uow_factory() as uow:
        try:
            return uow.contacts.get(contact_id)
        except NotFound:
            raise InvalidField("token", "this link is no longer valid") from None


def unsubscribe(setup: MailSetup, uow_factory: UowFactory, token: str, now: datetime) -> Contact:
    """Stop email to the contact the token names (R12, email only); other channels go on.

    Logged as an inbound `unsubscribed` email touch, once: a second click changes nothing.
    """
    contact_id, address = read_unsubscribe_token(setup.secret, token)
    with uow_factory() as uow:
        try:
            contact = uow.contacts.get(contact_id)
        except NotFound:
            raise InvalidField("token", "this link is no longer valid") from None
        if not uow.states.get(contact_id).email_opted_out:
            touch = Touch(
                contact_id,
                Channel.EMAIL,
                Outcome.UNSUBSCRIBED,
                utc(now),
                direction=Direction.INBOUND,
                notes=f"Unsubscribed {address} by the link in an email",
            )
            record_touch(uow, touch)
            uow.commit()
    return contact
