"""What services need from storage: one repository per aggregate and a unit of work.

The SQLAlchemy adapter (adapters/db) and the in-memory fakes used by unit tests
both implement these protocols. A unit of work rolls back unless committed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, NamedTuple, Protocol, Self

from ringback.domain.access import ApiToken, OwnerFilter, User
from ringback.domain.analytics import CallHour, Message
from ringback.domain.answer_rates import Cell, Tally
from ringback.domain.cadence import Cadence
from ringback.domain.calls import Call
from ringback.domain.model import Appointment, Contact, FollowUpState, Status, Touch
from ringback.domain.outbox import Failure, JobState, OutboxJob
from ringback.domain.scripts import MessageTemplate

EVERYONE = OwnerFilter(None)


@dataclass(frozen=True)
class ContactQuery:
    """A filtered page of contacts, by id (keyset pagination: pass the last id seen).

    `visible` is the caller's visibility (domain/access.py `contact_filter`);
    `owner` filters further: a user name, or access.TEAM for contacts nobody owns.
    `text` matches a substring of the name or the company, or the whole email;
    `phone` an E.164 number.
    """

    visible: OwnerFilter = EVERYONE
    owner: str | None = None
    status: Status | None = None
    segment: str | None = None
    due_before: datetime | None = None
    text: str | None = None
    phone: str | None = None
    after_id: int = 0
    limit: int = 50


@dataclass(frozen=True)
class AppointmentQuery:
    """Appointments of visible contacts, by id; see ContactQuery for the fields."""

    visible: OwnerFilter = EVERYONE
    contact_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    include_cancelled: bool = False
    after_id: int = 0
    limit: int = 100


@dataclass(frozen=True)
class StatsFilter:
    """Which figures analytics count: the caller's visible contacts (domain/access.py),
    optionally one segment, and optionally only the touches one user logged."""

    visible: OwnerFilter = EVERYONE
    segment: str | None = None
    user: str | None = None


class ContactRepository(Protocol):
    def add(self, contact: Contact) -> Contact:
        """Insert and return the contact with its new id."""

    def add_many(self, contacts: Sequence[Contact]) -> list[int]:
        """Bulk insert (imports); returns the new ids in order."""

    def get(self, contact_id: int) -> Contact:
        """Raise NotFound when there is no such contact."""

    def lock(self, contact_id: int) -> None:
        """Hold the contact until the unit of work ends: concurrent writers to its
        follow-up state wait their turn instead of overwriting each other."""

    def get_many(self, contact_ids: Sequence[int]) -> dict[int, Contact]:
        """The contacts with these ids that exist, by id."""

    def update(self, contact: Contact) -> None: ...

    def by_phone(self, e164: str) -> list[Contact]:
        """Contacts having this number (E.164), any of their phones."""

    def by_email(self, email: str) -> list[Contact]: ...

    def search_name(self, text: str, limit: int = 20) -> list[Contact]:
        """Case-insensitive substring match on full name."""

    def find(self, query: ContactQuery) -> list[Contact]:
        """The page of contacts `query` selects, by id."""

    def owners(self, contact_ids: Sequence[int]) -> dict[int, str | None]:
        """The owner of each existing contact among `contact_ids`."""

    def delete(self, contact_id: int) -> None:
        """Delete the contact with its phones, touches, state and appointments."""

    def list(
        self, *, segment: str | None = None, owner: str | None = None, limit: int | None = None
    ) -> Iterator[Contact]: ...

    def count(self) -> int: ...


class TouchRepository(Protocol):
    def add(self, touch: Touch) -> Touch:
        """Append a touch (touches are never edited or deleted)."""

    def add_many(self, touches: Sequence[Touch]) -> list[int]: ...

    def for_contact(self, contact_id: int, limit: int | None = None) -> list[Touch]:
        """The contact's touches, oldest first (the last `limit` when given)."""

    def by_external_id(self, external_id: str) -> Touch | None: ...

    def count(self) -> int: ...


class StateRepository(Protocol):
    def get(self, contact_id: int) -> FollowUpState:
        """The contact's follow-up state (a fresh one when none was saved yet)."""

    def get_many(self, contact_ids: Sequence[int]) -> dict[int, FollowUpState]: ...

    def save(self, state: FollowUpState) -> None:
        """Insert or update."""

    def save_many(self, states: Sequence[FollowUpState]) -> None: ...

    def due(
        self, until: datetime, *, statuses: Sequence[Status] | None = None, limit: int | None = None
    ) -> list[FollowUpState]:
        """States with next_due_at <= until, earliest first."""

    def booked(self, until: datetime) -> list[FollowUpState]:
        """States with an appointment or promised call-back at or before `until`."""

    def count_due(self, until: datetime) -> dict[Status, int]:
        """How many states are due at or before `until`, per status."""

    def count_by_status(self) -> dict[Status, int]: ...


class CallRecord(NamedTuple):
    """An outbound call as the answer counts need it (R16): its contact's zone and segment."""

    touch_id: int
    outcome: str
    at: datetime
    timezone: str
    segment: str | None


class TimingRepository(Protocol):
    """Answer counts per segment × local weekday × hour and their watermark (R16)."""

    def watermark(self) -> int:
        """The id of the last touch folded into the counts (0: none yet)."""

    def counts(self) -> dict[Cell, Tally]: ...

    def settled_touch_id(self) -> int | None:
        """The highest touch id below which no touch can still appear, for moving
        the watermark up to it; None when that cannot be told now (try later)."""

    def calls_after(self, touch_id: int, limit: int, up_to: int) -> list[CallRecord]:
        """Outbound calls with an id above `touch_id` and at most `up_to`, by id,
        at most `limit` of them."""

    def advance(self, seen: int, to: int, delta: Mapping[Cell, Tally]) -> bool:
        """Add `delta` to the counts and move the watermark from `seen` to `to`;
        False, writing nothing, when the watermark is no longer `seen`."""

    def calls_of(self, contact_ids: Sequence[int]) -> dict[int, list[Touch]]:
        """The outbound calls of these contacts, oldest first."""


class AppointmentRepository(Protocol):
    def add(self, appointment: Appointment) -> Appointment: ...

    def get(self, appointment_id: int) -> Appointment:
        """Raise NotFound when there is no such appointment."""

    def find(self, query: AppointmentQuery) -> list[Appointment]: ...

    def update(self, appointment: Appointment) -> None: ...

    def for_contact(self, contact_id: int) -> list[Appointment]: ...

    def between(self, start: datetime, end: datetime) -> list[Appointment]:
        """Appointments not cancelled whose start lies in [start, end)."""


class CadenceRepository(Protocol):
    def save(self, cadence: Cadence, at: datetime) -> None:
        """Insert or replace the cadence with this key."""

    def get(self, key: str) -> Cadence | None: ...

    def list(self) -> list[Cadence]:
        """Every stored cadence, by key."""

    def assign_segment(self, segment: str, key: str) -> None:
        """The cadence contacts of `segment` follow when they name none (insert or update)."""

    def segments(self) -> dict[str, str]:
        """Cadence key by segment."""


class UserRepository(Protocol):
    def add(self, user: User) -> User:
        """Insert; raise InvalidField("name") when the name is taken."""

    def get(self, user_id: int) -> User:
        """Raise NotFound when there is no such user."""

    def by_name(self, name: str) -> User | None: ...

    def update(self, user: User) -> None: ...

    def list(self) -> list[User]:
        """Every user, by name."""


class TokenRepository(Protocol):
    def add(self, token: ApiToken) -> ApiToken: ...

    def by_hash(self, token_hash: str) -> ApiToken | None: ...

    def for_user(self, user_id: int) -> list[ApiToken]: ...

    def delete(self, token_id: int) -> None:
        """Revoke: raise NotFound when there is no such token."""


class LoginFailureRepository(Protocol):
    def add(self, user_name: str, address: str, at: datetime) -> None: ...

    def count_since(self, user_name: str, address: str, since: datetime) -> int: ...

    def clear(self, user_name: str, address: str, before: datetime | None = None) -> None:
        """Forget this name and address's failures (only those before `before`, if given)."""


class SettingsRepository(Protocol):
    """The team's settings (issue 4): a plain-data value (JSON) per key."""

    def get(self, key: str) -> Any | None:
        """The stored value, or None when the key was never saved."""

    def save(self, key: str, value: Any, at: datetime) -> None:
        """Insert or replace the value of `key`."""


class TemplateRepository(Protocol):
    """The users' message templates (issue 5); the shipped defaults are not stored."""

    def save(self, template: MessageTemplate, at: datetime) -> None:
        """Insert, or replace the template with the same key, audience and variant."""

    def get(self, key: str, audience: str, variant: str) -> MessageTemplate | None: ...

    def list(self, key: str | None = None) -> list[MessageTemplate]:
        """Every stored template (with this key), by audience, key and variant."""


class OutboxRepository(Protocol):
    """Outgoing email jobs and the IMAP read positions (issue 6)."""

    def add(self, job: OutboxJob) -> OutboxJob: ...

    def get(self, job_id: int) -> OutboxJob:
        """Raise NotFound when there is no such job."""

    def recent(self, state: JobState | None = None, limit: int = 50) -> list[OutboxJob]:
        """The newest jobs first (in `state` when given)."""

    def claim_due(self, now: datetime, limit: int) -> list[OutboxJob]:
        """Claim up to `limit` due jobs for this worker; no two workers get the same."""

    def mark_sent(self, job_id: int, now: datetime) -> None: ...

    def mark_failed(self, job_id: int, failure: Failure) -> None:
        """Queue again for `failure.retry_at`, or fail for good when permanent."""

    def cursor(self, mailbox: str) -> tuple[int, int] | None:
        """(UIDVALIDITY, last UID read) of `mailbox`, None before its first poll."""

    def save_cursor(self, mailbox: str, uidvalidity: int, last_uid: int, at: datetime) -> None: ...


class LearningRepository(Protocol):
    """Reads for the lead score (R11)."""

    def finished(self, limit: int) -> list[tuple[int, Status]]:
        """Ids and statuses of contacts with a deciding touch or a cold status, latest first."""

    def touches_of(self, contact_ids: Sequence[int]) -> dict[int, list[Touch]]:
        """Each contact's touches, oldest first."""

    def fingerprint(self) -> str:
        """A short text that changes when the history grows (new touches)."""


class AnalyticsRepository(Protocol):
    """Aggregations for analytics; see domain/analytics.py for what each figure means."""

    def newest_touch_id(self) -> int: ...

    def call_hours(
        self, scope: StatsFilter, after_id: int = 0, upto_id: int | None = None
    ) -> list[CallHour]: ...

    def messages(self, scope: StatsFilter) -> list[Message]: ...

    def answers(self, scope: StatsFilter) -> list[tuple[int, datetime]]: ...

    def funnel_counts(self, scope: StatsFilter) -> list[tuple[str, int]]: ...

    def reached_attempts(self, scope: StatsFilter) -> dict[tuple[int, int], int]:
        """{(attempts to the first reach, all attempts): reached contacts}."""


class CallRepository(Protocol):
    """Calls by their provider's id (issue 6), and the webhook events already seen."""

    def add(self, call: Call) -> None: ...

    def get(self, provider: str, call_id: str) -> Call | None: ...

    def update(self, call: Call) -> None: ...

    def first_time(self, provider: str, call_id: str, event: str, at: datetime) -> bool:
        """Record this event of this call; False when it was recorded before."""


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password: str, hashed: str) -> bool:
        """False for a wrong password or an unreadable hash."""


class UnitOfWork(Protocol):
    contacts: ContactRepository
    touches: TouchRepository
    states: StateRepository
    appointments: AppointmentRepository
    cadences: CadenceRepository
    users: UserRepository
    tokens: TokenRepository
    login_failures: LoginFailureRepository
    settings: SettingsRepository
    templates: TemplateRepository
    timing: TimingRepository
    outbox: OutboxRepository
    learning: LearningRepository
    analytics: AnalyticsRepository
    calls: CallRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class MailTransport(Protocol):
    """Sends one raw message (adapters/email/smtp.py); raises DeliveryError."""

    def send(self, message: bytes, sender: str, recipient: str) -> None: ...


class NewMail(Protocol):
    @property
    def uidvalidity(self) -> int: ...

    @property
    def messages(self) -> list[tuple[int, bytes]]:
        """(UID, raw message) of each new message, by UID."""


class Mailbox(Protocol):
    """Reads new mail (adapters/email/imap.py); `mailbox` names the read position."""

    @property
    def mailbox(self) -> str: ...

    def fetch_new(self, cursor: tuple[int, int] | None) -> NewMail: ...
