"""Calls on in-memory fakes: the screen pop (R15) and its audience, callback_received
pausing the cadence (R12), idempotent webhooks, and what a pop says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ringback.domain.access import hears_screen_pop
from ringback.domain.calls import Call
from ringback.domain.model import Channel, Direction, Outcome, Status, Touch
from ringback.domain.screenpop import ScreenPop
from ringback.services.calls import (
    IncomingCall,
    StatusUpdate,
    receive_call,
    record_call_status,
)
from ringback.services.contacts import add_contact
from ringback.services.touches import log_touch
from tests.unit.domain.personas import alice
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def added(uow: FakeUnitOfWork, **changes: object) -> int:
    contact = add_contact(lambda: uow, alice(**changes), NOW - timedelta(days=10))
    assert contact.id is not None
    return contact.id


def ring(uow: FakeUnitOfWork, caller: str, call_id: str = "CA1") -> tuple[list[ScreenPop], bool]:
    pops: list[ScreenPop] = []
    received = receive_call(
        lambda: uow, pops.append, IncomingCall("twilio", call_id, caller, "+18005550100", NOW), "US"
    )
    return pops, received.duplicate


def test_a_known_caller_pops_up_with_context_and_is_logged_r15_r12(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow, company="Northwind", referred_by="Jordan Lee", reason="hiring")
    promise = Touch(
        contact_id, Channel.CALL, Outcome.CALL_LATER, NOW - timedelta(days=1),
        notes="asked for Thursday", next_at=NOW + timedelta(days=2),
    )  # fmt: skip
    log_touch(lambda: uow, promise)

    pops, _ = ring(uow, "212 555 0142")

    [pop] = pops
    assert (pop.name, pop.company, pop.referred_by) == ("Alice Moreno", "Northwind", "Jordan Lee")
    assert pop.promised == "call back at 2026-03-05T15:00:00+00:00 — asked for Thursday"
    assert (
        pop.opener
        == "Hi Alice, thanks for calling back! Jordan Lee suggested we talk about hiring."
    )
    assert [t.outcome for t in pop.touches] == ["call_later"]
    latest = uow.committed.touches[-1]
    assert (latest.outcome, latest.direction) == (Outcome.CALLBACK_RECEIVED, Direction.INBOUND)
    assert uow.committed.states[contact_id].status is Status.WARM  # R12


def test_a_retried_call_pops_and_logs_once(uow: FakeUnitOfWork) -> None:
    added(uow)
    ring(uow, "+12125550142")
    first, duplicate = ring(uow, "+12125550142", "CA2")
    again, duplicate_again = ring(uow, "+12125550142", "CA2")
    assert (len(first), duplicate) == (1, False)
    assert (again, duplicate_again) == ([], True)
    assert [t.external_id for t in uow.committed.touches] == ["twilio:CA1", "twilio:CA2"]


def test_an_unknown_number_pops_a_quick_add_offer_and_logs_nothing(uow: FakeUnitOfWork) -> None:
    added(uow)
    pops, _ = ring(uow, "anonymous")
    assert pops[0].contact_id is None and pops[0].phone == "anonymous"
    assert uow.committed.touches == []


@pytest.mark.parametrize(
    ("user", "owner", "hears"),
    [
        ("rita", None, True),
        ("rita", "rita", True),
        ("rita", "ravi", False),
        ("olivia", "ravi", False),
    ],
)
def test_a_pop_reaches_the_owner_or_everyone_for_team_contacts(
    user: str, owner: str | None, hears: bool
) -> None:
    assert hears_screen_pop(user, owner) is hears


def test_a_call_outcome_is_logged_once_for_the_rep_who_placed_it(uow: FakeUnitOfWork) -> None:
    contact_id = added(uow)
    with uow:
        uow.calls.add(Call("CA9", "twilio", Direction.OUTBOUND, "+1", "+12125550142", "queued",
                           NOW, NOW, contact_id=contact_id, user="rita"))  # fmt: skip
        uow.commit()
    update = StatusUpdate("twilio", "CA9", "busy", Outcome.BUSY, NOW, 0)
    assert record_call_status(lambda: uow, update).logged is not None
    assert record_call_status(lambda: uow, update).duplicate
    [touch] = uow.committed.touches
    assert (touch.outcome, touch.user) == (Outcome.BUSY, "rita")
