"""Email out (issue 6): queue a rendered email, and send what is due.

`queue_email` renders the contact's email step through `script_for` (the same
script the plan shows), refuses what may not be sent (R11, R12, R19), and stores
the whole MIME message in the outbox with its Message-ID and unsubscribe link.
`send_due` is one round of the worker: claim due jobs (no two workers claim the
same), send each over SMTP, then record it — sent (and the email touch, whose
external_id is the Message-ID, so replies can be matched to it), queued again for
a later try with backoff, or failed for good.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from ringback.adapters.auth.signed_links import unsubscribe_token
from ringback.adapters.documents.invites import slot_invites
from ringback.adapters.email.message import (
    Address,
    CalendarPart,
    Outgoing,
    build_message,
    new_message_id,
)
from ringback.adapters.email.smtp import DeliveryError
from ringback.domain.cadence.channels import choose_step
from ringback.domain.errors import InvalidField, RingbackError
from ringback.domain.model import Channel, Contact, Direction, Outcome, Touch, utc
from ringback.domain.outbox import (
    JobKind,
    OutboxJob,
    after_failure,
    email_refusal,
)
from ringback.domain.scripts import (
    DEFAULT_AUDIENCE,
    DEFAULT_FLAGGED_PHRASES,
    KIND_OF_KEY,
    StepKind,
)
from ringback.domain.sender import Sender
from ringback.services.cadences import stored_cadence_for
from ringback.services.contacts import UowFactory
from ringback.services.ports import MailTransport, UnitOfWork
from ringback.services.scripts import HISTORY, script_for
from ringback.services.slots import CallProposal, propose_call_times
from ringback.services.touches import record_touch


@dataclass(frozen=True)
class MailSetup:
    """What composing mail needs: the From address, the public URL and the link key."""

    sender: Address | None
    public_url: str | None
    secret: str

    def from_address(self) -> Address:
        if self.sender is None:
            raise InvalidField("mail_from", "set RINGBACK_MAIL_FROM (or sender_email) to send")
        return self.sender

    def link(self, path: str) -> str:
        if not self.public_url:
            raise InvalidField(
                "public_base_url",
                "set RINGBACK_PUBLIC_BASE_URL so emails can carry an unsubscribe link",
            )
        return f"{self.public_url.rstrip('/')}/{path.lstrip('/')}"

    def unsubscribe_url(self, contact_id: int, email: str) -> str:
        return self.link(f"unsubscribe/{unsubscribe_token(self.secret, contact_id, email)}")


def queue_email(
    uow_factory: UowFactory,
    setup: MailSetup,
    contact_id: int,
    user: Sender,
    now: datetime,
    *,
    step: StepKind | None = None,
    template: str | None = None,
    user_name: str | None = None,
    audience: str = DEFAULT_AUDIENCE,
    phrases: Sequence[str] = DEFAULT_FLAGGED_PHRASES,
) -> OutboxJob:
    """Render the contact's email step and queue it, due `now`.

    Without `step`: the cadence's step when it is an email, else a first email (or a
    follow-up one once an email went out); `template` overrides the template. An
    `email_slots` message (R9) proposes two free call times, each with its invite.

    InvalidField when the step is not an email or a setting is missing; RuleRefusal
    when the script fails its checks (R19) or email may not go to them (R11, R12).
    """
    now = utc(now)
    chosen = step or _email_step(uow_factory, contact_id)
    proposal = _proposal(uow_factory, contact_id, chosen, now, user_name)
    slots = [slot.start for slot in proposal.proposal.slots] if proposal else []
    found = script_for(
        uow_factory,
        contact_id,
        chosen,
        now,
        user,
        template=template,
        slots=slots,
        audience=audience,
        phrases=phrases,
    )
    script = found.script
    if not script.step.is_email:
        raise InvalidField("step", f"{script.step.label} is not an email step")
    refusal = script.refusal()
    if refusal is not None:
        raise refusal
    contact = found.contact
    sender = setup.from_address()
    outgoing = Outgoing(
        sender=Address(sender.email, user.name or sender.name),
        recipient=Address(_email_of(contact), contact.full_name),
        subject=script.subject or f"From {user.name or sender.email}",
        text=script.text,
        date=now,
        unsubscribe_url=setup.unsubscribe_url(_id_of(contact), _email_of(contact)),
        invites=_slot_invites(proposal, sender, user, now),
    )
    return enqueue(uow_factory, contact, outgoing, JobKind.EMAIL, now, user_name, script.template)


def _email_step(uow_factory: UowFactory, contact_id: int) -> StepKind:
    """The cadence's step when it is an email (R9: `email.set_call` proposes times);
    otherwise a first email, or a follow-up once an email went out."""
    with uow_factory() as uow:
        contact = uow.contacts.get(contact_id)
        state = uow.states.get(contact_id)
        cadence = stored_cadence_for(uow)(contact)
        history = uow.touches.for_contact(contact_id, limit=HISTORY)
    planned = choose_step(cadence, contact, state).step
    if planned is not None and planned.channel is Channel.EMAIL:
        named = KIND_OF_KEY.get(planned.template or "")
        if named is not None and named.is_email:
            return named
    emailed = any(t.channel is Channel.EMAIL and t.direction is Direction.OUTBOUND for t in history)
    return StepKind.EMAIL_FOLLOWUP if emailed else StepKind.EMAIL_FIRST


def _proposal(
    uow_factory: UowFactory, contact_id: int, step: StepKind, now: datetime, user: str | None
) -> CallProposal | None:
    """Two free call times when the email proposes them (R9), else None."""
    if step is not StepKind.EMAIL_SLOTS:
        return None
    return propose_call_times(uow_factory, contact_id, now, user)


def _slot_invites(
    proposal: CallProposal | None, sender: Address, user: Sender, now: datetime
) -> tuple[CalendarPart, ...]:
    """One invite per proposed time, as the `ringback propose` email carries them."""
    if proposal is None:
        return ()
    signer = replace(user, email=sender.email)  # replies to the invite go to the From address
    invites = slot_invites(proposal.contact, signer, proposal.proposal.slots, now)
    return tuple(CalendarPart(i.data, "REQUEST", i.filename) for i in invites)


def enqueue(
    uow_factory: UowFactory,
    contact: Contact,
    outgoing: Outgoing,
    kind: JobKind,
    now: datetime,
    user_name: str | None,
    template: str | None = None,
) -> OutboxJob:
    """Store `outgoing` as a job due `now`, after checking email may go to the contact."""
    message_id = new_message_id(outgoing.sender)
    message = build_message(outgoing, message_id)
    job = OutboxJob(
        contact_id=_id_of(contact),
        kind=kind,
        to_address=outgoing.recipient.email,
        subject=outgoing.subject,
        message=message.as_string(),
        message_id=message_id,
        next_attempt_at=now,
        created_at=now,
        user=user_name,
        template=template,
    )
    with uow_factory() as uow:
        _check_may_email(uow, _id_of(contact))
        saved = uow.outbox.add(job)
        uow.commit()
    return saved


def _check_may_email(uow: UnitOfWork, contact_id: int) -> None:
    refusal = email_refusal(uow.contacts.get(contact_id), uow.states.get(contact_id))
    if refusal is not None:
        raise refusal


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def send_due(
    uow_factory: UowFactory,
    transport: MailTransport,
    envelope_from: str,
    now: datetime,
    *,
    limit: int = 20,
) -> SendReport:
    """One sending round: claim up to `limit` due jobs and try each once."""
    now = utc(now)
    with uow_factory() as uow:
        jobs = uow.outbox.claim_due(now, limit)
        uow.commit()
    report = SendReport()
    for job in jobs:
        _send_one(uow_factory, transport, envelope_from, job, now, report)
    return report


def _send_one(
    uow_factory: UowFactory,
    transport: MailTransport,
    envelope_from: str,
    job: OutboxJob,
    now: datetime,
    report: SendReport,
) -> None:
    assert job.id is not None
    try:
        with uow_factory() as uow:
            _check_may_email(uow, job.contact_id)  # they may have unsubscribed since
        transport.send(job.message.encode("utf-8"), envelope_from, job.to_address)
    except DeliveryError as error:
        _record_failure(uow_factory, job, error.permanent, str(error), now, report)
        return
    except RingbackError as refused:
        _record_failure(uow_factory, job, True, f"not sent: {refused}", now, report)
        return
    with uow_factory() as uow:
        uow.outbox.mark_sent(job.id, now)
        if job.kind is JobKind.EMAIL:
            _log_sent(uow, job, now)
        uow.commit()
    report.sent.append(job.id)


def _log_sent(uow: UnitOfWork, job: OutboxJob, now: datetime) -> None:
    """The email touch; a refusal (say, do-not-contact logged meanwhile) must not make the
    sent email look unsent, which would send it again."""
    try:
        record_touch(uow, _sent_touch(job, now))
    except RingbackError:
        return


def _sent_touch(job: OutboxJob, now: datetime) -> Touch:
    return Touch(
        contact_id=job.contact_id,
        channel=Channel.EMAIL,
        outcome=Outcome.SENT,
        at=now,
        template=job.template,
        user=job.user,
        notes=job.subject,
        external_id=job.message_id,
    )


def _record_failure(
    uow_factory: UowFactory,
    job: OutboxJob,
    permanent: bool,
    error: str,
    now: datetime,
    report: SendReport,
) -> None:
    assert job.id is not None
    failure = after_failure(job.attempts, permanent, error, now)
    with uow_factory() as uow:
        uow.outbox.mark_failed(job.id, failure)
        uow.commit()
    (report.failed if failure.permanent else report.retrying).append(job.id)


def _email_of(contact: Contact) -> str:
    if not contact.email:
        raise InvalidField("email", f"{contact.full_name} has no email address")
    return contact.email


def _id_of(contact: Contact) -> int:
    assert contact.id is not None
    return contact.id
