"""Phone calls from a telephony provider (issue 6): call-backs, call outcomes, dialing.

- `receive_call`: someone calls us. A known number pops the contact's context up
  on the right screens (R15) and logs callback_received, which pauses the cadence
  on every channel (R12); an unknown number pops a quick-add offer and logs nothing.
- `record_call_status`: a call we made has ended; its outcome is logged once, however
  often the provider repeats the callback.
- `start_call`: click-to-call, through a `Dialer` (the provider's REST API).

Every webhook event is recorded by provider, call id and event name first, in the
same transaction as its effects: a duplicate or retry changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from ringback.domain.access import Actor
from ringback.domain.calls import Call, touch_external_id
from ringback.domain.errors import InvalidField, RuleRefusal
from ringback.domain.model import (
    Channel,
    Contact,
    Direction,
    FollowUpState,
    NextStepKind,
    Outcome,
    Status,
    Touch,
)
from ringback.domain.phone import lookup_key
from ringback.domain.screenpop import ScreenPop, known_caller_pop, unknown_caller_pop
from ringback.services.contacts import UowFactory
from ringback.services.directory import visible_contact
from ringback.services.ports import UnitOfWork
from ringback.services.team_settings import REGION_KEY
from ringback.services.touches import record_touch

PopPublisher = Callable[[ScreenPop], None]
HISTORY_FOR_POP = 10
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class IncomingCall:
    provider: str  # "twilio", "pbx"
    call_id: str
    caller: str  # as the provider sent it
    called: str
    at: datetime


@dataclass(frozen=True)
class Received:
    pop: ScreenPop | None  # None for a duplicate
    logged: Touch | None = None

    @property
    def duplicate(self) -> bool:
        return self.pop is None


def receive_call(
    uow_factory: UowFactory,
    publish: PopPublisher,
    call: IncomingCall,
    fallback_region: str,
    read_uow_factory: UowFactory | None = None,
) -> Received:
    """R15 + R12: pop the caller's context up, then log callback_received.

    The pop is composed in a read-only unit of work and published before the log is
    written, so the rep sees it while the phone still rings, without queueing behind
    other writers. The log is then written once per call, whatever retries come.
    `fallback_region` reads numbers without +code unless the team set a region.
    """
    caller = identify_caller(read_uow_factory or uow_factory, call, fallback_region)
    if caller is None:
        return Received(None)
    publish(caller.pop)
    return log_incoming_call(uow_factory, call, caller)


@dataclass(frozen=True)
class Caller:
    pop: ScreenPop
    contact: Contact | None
    e164: str | None


def identify_caller(
    read_uow_factory: UowFactory, call: IncomingCall, fallback_region: str
) -> Caller | None:
    """Who is calling, and their pop (reads only); None for a call already received."""
    with read_uow_factory() as uow:
        if uow.calls.get(call.provider, call.call_id) is not None:
            return None
        e164 = lookup_key(call.caller, _team_region(uow, fallback_region))
        contact = _caller(uow, e164) if e164 else None
        return Caller(_pop_for(uow, contact, e164 or call.caller, call.at), contact, e164)


def log_incoming_call(uow_factory: UowFactory, call: IncomingCall, caller: Caller) -> Received:
    """Log callback_received for a known caller (R12) and keep the call, once per call."""
    with uow_factory() as uow:
        if not uow.calls.first_time(call.provider, call.call_id, "inbound", call.at):
            return Received(None)  # a retry raced this one: it logs
        contact = caller.contact
        logged = _log_callback(uow, contact, caller.e164, call) if contact is not None else None
        uow.calls.add(_inbound_call_row(call, caller.e164, contact))
        uow.commit()
    return Received(caller.pop, logged)


def _team_region(uow: UnitOfWork, fallback: str) -> str:
    stored = uow.settings.get(REGION_KEY)
    return stored if isinstance(stored, str) and stored else fallback


def _caller(uow: UnitOfWork, e164: str) -> Contact | None:
    """The contact with this number; of several, the one most recently in touch."""
    found = uow.contacts.by_phone(e164)
    if len(found) < 2:
        return found[0] if found else None
    states = uow.states.get_many([c.id for c in found if c.id is not None])
    return max(found, key=lambda c: _last_touch(states.get(c.id or 0)))


def _last_touch(state: FollowUpState | None) -> datetime:
    return (state.last_touch_at if state else None) or _EPOCH


def _pop_for(uow: UnitOfWork, contact: Contact | None, phone: str, at: datetime) -> ScreenPop:
    if contact is None or contact.id is None:
        return unknown_caller_pop(phone, at)
    state = uow.states.get(contact.id)
    history = uow.touches.for_contact(contact.id, HISTORY_FOR_POP)
    return known_caller_pop(contact, state, history, phone, at)


def _log_callback(uow: UnitOfWork, contact: Contact, e164: str | None, call: IncomingCall) -> Touch:
    assert contact.id is not None
    touch = Touch(
        contact.id,
        Channel.CALL,
        Outcome.CALLBACK_RECEIVED,
        call.at,
        direction=Direction.INBOUND,
        phone=e164,
        user=contact.owner,
        external_id=touch_external_id(call.provider, call.call_id),
    )
    return record_touch(uow, touch, contact=contact).touch


def _inbound_call_row(call: IncomingCall, e164: str | None, contact: Contact | None) -> Call:
    return Call(
        call_id=call.call_id,
        provider=call.provider,
        direction=Direction.INBOUND,
        from_number=e164 or call.caller,
        to_number=call.called,
        status="ringing",
        created_at=call.at,
        updated_at=call.at,
        contact_id=None if contact is None else contact.id,
        user=None if contact is None else contact.owner,
    )


# --- outcomes of calls we made ------------------------------------------------------


@dataclass(frozen=True)
class StatusUpdate:
    provider: str
    call_id: str
    status: str  # the provider's word, e.g. Twilio's CallStatus
    outcome: Outcome | None  # None: still in progress, or nothing to log
    at: datetime
    duration_s: int | None = None


@dataclass(frozen=True)
class StatusRecorded:
    duplicate: bool = False
    known: bool = True
    logged: Touch | None = None
    refused: str | None = None  # why the outcome was not logged (a rule)


def record_call_status(uow_factory: UowFactory, update: StatusUpdate) -> StatusRecorded:
    """Record a call's new status; log its outcome once, when it has one."""
    with uow_factory() as uow:
        event = f"status:{update.status}"
        if not uow.calls.first_time(update.provider, update.call_id, event, update.at):
            return StatusRecorded(duplicate=True)
        call = uow.calls.get(update.provider, update.call_id)
        if call is None:
            return StatusRecorded(known=False)  # not a call Ringback made: ignore it
        call.status, call.updated_at = update.status, update.at
        result = StatusRecorded()
        if _has_new_outcome(call, update.outcome):
            assert update.outcome is not None
            result = _log_outcome(uow, call, update.outcome, update)
        uow.calls.update(call)
        uow.commit()
    return result


def _has_new_outcome(call: Call, outcome: Outcome | None) -> bool:
    outbound = call.direction is Direction.OUTBOUND and call.contact_id is not None
    return outbound and outcome is not None and call.outcome is None


def _log_outcome(
    uow: UnitOfWork, call: Call, outcome: Outcome, update: StatusUpdate
) -> StatusRecorded:
    assert call.contact_id is not None
    touch = outcome_touch(call.contact_id, outcome, update.at, call, update.duration_s)
    try:
        logged = record_touch(uow, touch).touch
    except RuleRefusal as refusal:
        return StatusRecorded(refused=str(refusal))
    call.outcome = outcome
    return StatusRecorded(logged=logged)


def outcome_touch(
    contact_id: int, outcome: Outcome, at: datetime, call: Call, duration_s: int | None
) -> Touch:
    """The touch a finished outbound call logs. A connected call is logged with no
    next step yet: the rep adds it (R3) when logging the conversation's result."""
    connected = outcome is Outcome.CONNECTED
    return Touch(
        contact_id,
        Channel.CALL,
        outcome,
        at,
        duration_s=duration_s,
        user=call.user,
        phone=call.to_number,
        next_kind=NextStepKind.NONE if connected else None,
        notes=f"{call.provider} call {call.status}" if connected else None,
        external_id=call.touch_external_id,
    )


# --- a call ended on a PBX ------------------------------------------------------------


def record_pbx_call_end(
    uow_factory: UowFactory, call: IncomingCall, outcome: Outcome, region: str
) -> StatusRecorded:
    """A call we made from the PBX to `call.called` ended: log `outcome` for that contact."""
    e164 = lookup_key(call.called, region)
    with uow_factory() as uow:
        if not uow.calls.first_time(call.provider, call.call_id, "call_ended", call.at):
            return StatusRecorded(duplicate=True)
        contact = _caller(uow, e164) if e164 else None
        if contact is None or contact.id is None:
            return StatusRecorded(known=False)
        row = Call(
            call_id=call.call_id,
            provider=call.provider,
            direction=Direction.OUTBOUND,
            from_number=call.caller,
            to_number=e164 or call.called,
            status="ended",
            created_at=call.at,
            updated_at=call.at,
            contact_id=contact.id,
            user=contact.owner,
        )
        update = StatusUpdate(call.provider, call.call_id, "ended", outcome, call.at)
        result = _log_outcome(uow, row, outcome, update)
        uow.calls.add(row)
        uow.commit()
    return result


# --- click-to-call --------------------------------------------------------------------


class Dialer(Protocol):
    def start_call(self, to: str, connect_to: str, status_callback: str) -> str:
        """Ring `to` and connect it to `connect_to`; returns the provider's call id."""


def start_call(
    uow_factory: UowFactory,
    actor: Actor,
    contact_id: int,
    dialer: Dialer,
    *,
    provider: str,
    connect_to: str,
    status_callback: str,
    now: datetime,
) -> Call:
    """Dial the contact's first working number for `actor` (never after do-not-contact)."""
    with uow_factory() as uow:
        contact = visible_contact(uow, actor, contact_id)
        state = uow.states.get(contact_id)
    if state.status is Status.DO_NOT_CONTACT:
        raise RuleRefusal("R12", "this contact asked not to be contacted")
    number = _number_to_dial([phone.e164 for phone in contact.phones], state)
    call_id = dialer.start_call(number, connect_to, status_callback)
    call = Call(
        call_id=call_id,
        provider=provider,
        direction=Direction.OUTBOUND,
        from_number=connect_to,
        to_number=number,
        status="queued",
        created_at=now,
        updated_at=now,
        contact_id=contact_id,
        user=actor.name,
    )
    with uow_factory() as uow:
        uow.calls.add(call)
        uow.commit()
    return call


def _number_to_dial(numbers: Sequence[str], state: FollowUpState) -> str:
    working = [n for n in numbers if n not in state.bad_numbers]
    if not working:
        raise InvalidField("phone", "the contact has no working phone number to call")
    return working[0]
