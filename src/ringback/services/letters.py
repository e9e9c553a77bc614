"""Mailed notes (R9): one contact's letter, or every letter the day's plan holds.

The day's letters are the plan items whose channel is `letter` (services/plan.py
`plan_range`, so the same order, capacity and guardrails as `ringback today`).
The cadence plans a letter only where a postal address is known; a contact whose
address went missing since is reported as skipped, never dropped silently (R18).
Printing is not mailing: the user logs `letter / mailed` once the envelope is posted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from ringback.domain.errors import InvalidField, RuleRefusal
from ringback.domain.letters import Letter, compose_letter
from ringback.domain.model import Channel, Contact, Status
from ringback.domain.policy import Policy
from ringback.domain.sender import Sender
from ringback.services.contacts import UowFactory
from ringback.services.plan import plan_range

BodyFor = Callable[[Contact], str | None]
SENDER_ADDRESS_NEEDED = (
    "a letter's reply postcard comes back to you, so your postal address is needed: "
    "set RINGBACK_SENDER_ADDRESS (lines separated by ';'), see docs/settings.md"
)


@dataclass(frozen=True)
class PaperChoice:
    """The paper setting (auto, a4, letter) and the country assumed when a contact has none."""

    setting: str = "auto"
    fallback_country: str | None = None


AUTO_PAPER = PaperChoice()


@dataclass(frozen=True)
class Skipped:
    contact_id: int | None
    name: str
    reason: str


@dataclass(frozen=True)
class LetterBatch:
    day: date
    letters: tuple[Letter, ...]
    skipped: tuple[Skipped, ...]


def check_sender(sender: Sender) -> Sender:
    """The sender, if a letter can be signed and answered: the reply card (R9) is
    addressed back to them, so InvalidField("sender_address") without an address."""
    if not sender.address:
        raise InvalidField("sender_address", SENDER_ADDRESS_NEEDED)
    return sender


def letter_for(
    uow_factory: UowFactory,
    contact_id: int,
    sender: Sender,
    day: date,
    paper: PaperChoice = AUTO_PAPER,
    *,
    body: str | None = None,
) -> Letter:
    """The letter and reply card for one contact, dated `day` (R9); R12 refuses."""
    with uow_factory() as uow:
        contact = uow.contacts.get(contact_id)
        if uow.states.get(contact_id).status is Status.DO_NOT_CONTACT:
            raise RuleRefusal("R12", f"{contact.first_name} asked not to be contacted")
    return _compose(contact, sender, day, paper, body)


def letters_due(
    uow_factory: UowFactory,
    start: datetime,
    end: datetime,
    day: date,
    sender: Sender,
    paper: PaperChoice = AUTO_PAPER,
    *,
    user: str | None = None,
    body_for: BodyFor | None = None,
    policy: Policy | None = None,
) -> LetterBatch:
    """The letters planned in [start, end) (the user's day `day`), in plan order;
    `policy` None: the team's stored one, as Today plans with."""
    plan = plan_range(uow_factory, start, end, None, user, policy)
    ids = [
        item.contact_id
        for item in plan.items
        if item.action.channel is Channel.LETTER and item.contact_id is not None
    ]
    with uow_factory() as uow:
        contacts = uow.contacts.get_many(ids)
    letters: list[Letter] = []
    skipped: list[Skipped] = []
    for contact in (contacts[i] for i in ids if i in contacts):
        try:
            body = body_for(contact) if body_for else None
            letters.append(_compose(contact, sender, day, paper, body))
        except InvalidField as error:
            if error.field != "address":
                raise
            skipped.append(Skipped(contact.id, contact.full_name, error.message))
    return LetterBatch(day, tuple(letters), tuple(skipped))


def _compose(
    contact: Contact, sender: Sender, day: date, paper: PaperChoice, body: str | None
) -> Letter:
    return compose_letter(
        contact,
        sender,
        day,
        paper_setting=paper.setting,
        fallback_country=paper.fallback_country,
        body=body,
    )
