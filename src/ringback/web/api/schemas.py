"""API request and response shapes (XCreate / XUpdate / XPublic), for OpenAPI.

Responses are the dicts of ringback/views.py — exactly what the CLI's `--json`
prints — validated against the XPublic models here. Requests carry text the domain
validates (contact_from_record, parse_phone), so a bad value is refused with the
same field name and message as on the command line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from ringback.domain.access import TEAM
from ringback.domain.model import (
    CallbackScope,
    Channel,
    Direction,
    NextStepKind,
    Outcome,
    PhoneType,
    Weekday,
)

FIRST_YEAR, LAST_YEAR = 1900, 2999
ID_MAX = 2**31 - 1  # ids are 32-bit integers in the database

# A record id in a body or a query (larger ones cannot exist: 422, not a database error).
RecordId = Annotated[int, Field(ge=1, le=ID_MAX)]


def _plausible(value: datetime) -> datetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must lie between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


# An ISO 8601 instant with its UTC offset (a time without one is refused, not guessed).
Instant = Annotated[AwareDatetime, AfterValidator(_plausible)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- contacts ------------------------------------------------------------------------


class PhoneIn(_Input):
    number: str = Field(description="Any format; without +code, the default region's.")
    type: PhoneType = PhoneType.OTHER


class WindowIn(_Input):
    days: list[Weekday] = Field(min_length=1)
    start: str = Field(description="Local time, HH:MM.", examples=["14:00"])
    end: str = Field(examples=["17:00"])


class _ContactFields(_Input):
    full_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = Field(None, description="One number, any format (replaces `phones`).")
    phones: list[PhoneIn] | None = None
    email: str | None = None
    address: str | None = None
    country: str | None = Field(None, description="ISO 3166 alpha-2, e.g. DE.")
    subdivision: str | None = None
    company: str | None = None
    title: str | None = None
    segment: str | None = None
    tags: list[str] | None = None
    fields: dict[str, str] | None = Field(None, description="Custom fields.")
    owner: str | None = Field(
        None, description="A user name; null: the team. Reps may name only themselves."
    )
    referred_by: str | None = None
    reason: str | None = Field(None, description="Why you reach out (needed for voicemail, R7).")
    timezone: str | None = Field(None, description="IANA zone; overrides the number's (R5).")
    preferred_windows: list[WindowIn] | None = Field(None, description="R4.")
    preferred_channel: Literal["call", "email"] | None = None
    email_first: bool | None = None
    personal: bool | None = None
    cadence: str | None = None

    def record(self, only_set: bool) -> dict[str, str | None]:
        """The fields as contact_from_record reads them (only those sent, for updates)."""
        if only_set:
            sent = self.model_fields_set
        else:
            sent = {name for name in type(self).model_fields if getattr(self, name) is not None}
        record: dict[str, str | None] = {}
        for name in sorted(sent):  # "phone" before "phones": a list sent with it adds to it
            record.update(_record_items(name, getattr(self, name)))
        return record


def _record_items(name: str, value: Any) -> dict[str, str | None]:
    if value is None:
        return {"phones": None} if name == "phone" else {name: None}
    if name == "phone":
        return {"phone": value, "phones": None}
    if name == "phones":
        return {"phones": "; ".join(f"{p.type.value}: {p.number}" for p in value) or None}
    if name == "tags":
        return {"tags": ", ".join(value) or None}
    if name == "fields":
        return {f"field:{key}": text for key, text in value.items()}
    if name == "preferred_windows":
        windows = (f"{','.join(d.value for d in w.days)} {w.start}-{w.end}" for w in value)
        return {"preferred_windows": "; ".join(windows) or None}
    if isinstance(value, bool):
        return {name: "yes" if value else "no"}
    return {name: str(value)}


class ContactCreate(_ContactFields):
    """A new contact: a name and at least a phone number or an email."""


class ContactUpdate(_ContactFields):
    """Only the fields sent change; null clears one. Phones sent replace all phones."""


class PhonePublic(BaseModel):
    e164: str
    type: PhoneType
    country: str | None
    timezones: list[str]


class WindowPublic(BaseModel):
    days: list[Weekday]
    start: str
    end: str


class StatePublic(BaseModel):
    status: str
    attempts: int
    last_touch_at: datetime | None
    last_conversation_at: datetime | None
    next_due_at: datetime | None
    promised_at: datetime | None
    appointment_at: datetime | None
    booked_for: str | None


class ScoreFactorPublic(BaseModel):
    feature: str = Field(description='A readable feature, e.g. "referral given".')
    contribution: float = Field(description="Its effect on the log-odds; negative lowers it.")


class ContactPublic(BaseModel):
    id: int
    full_name: str
    first_name: str
    phones: list[PhonePublic]
    email: str | None
    address: str | None
    country: str | None
    subdivision: str | None
    company: str | None
    title: str | None
    segment: str | None
    tags: list[str]
    fields: dict[str, str]
    owner: str | None
    referred_by: str | None
    reason: str | None
    timezone: str
    timezone_candidates: list[str]
    timezone_ambiguous: bool
    preferred_windows: list[WindowPublic]
    preferred_channel: str | None
    email_first: bool
    personal: bool
    cadence: str | None
    created_at: datetime
    state: StatePublic
    score: float | None = Field(
        description="R11 lead score: the probability that the contact engages, learned "
        "from the team's finished contacts; null when there is too little history."
    )
    score_factors: list[ScoreFactorPublic] = Field(
        description="The features that moved the score most, largest effect first."
    )


class ContactPage(BaseModel):
    items: list[ContactPublic]
    next_after: int | None = Field(description="Pass as `after` for the next page; null: done.")


class LookupPublic(BaseModel):
    phone: str = Field(description="The number in E.164.")
    contacts: list[ContactPublic]


OwnerFilterParam = Field(
    None, description=f"A user name, or `{TEAM}` for contacts nobody owns (the team's)."
)


# --- touches -------------------------------------------------------------------------


class TouchCreate(_Input):
    contact_id: RecordId
    channel: Channel = Channel.CALL
    outcome: Outcome
    direction: Direction = Direction.OUTBOUND
    at: Instant | None = Field(None, description="When it happened (default: now).")
    duration_s: int | None = Field(None, ge=0, le=86_400)
    notes: str | None = None
    template: str | None = None
    next_at: Instant | None = Field(None, description="Appointment or call-back time.")
    next_kind: NextStepKind | None = Field(None, description="R3: appointment, call-back, none.")
    next_scope: CallbackScope = Field(
        CallbackScope.ANYONE, description="Who may take the booked step: useronly or anyone."
    )
    phone: str | None = Field(None, description="The number used, any format.")
    external_id: str | None = Field(None, description="Your id; logging it twice is a no-op.")


class TouchPublic(BaseModel):
    id: int
    contact_id: int
    channel: Channel
    direction: Direction
    outcome: Outcome
    at: datetime
    duration_s: int | None
    notes: str | None
    template: str | None
    user: str | None
    next_at: datetime | None
    next_kind: NextStepKind | None
    next_scope: CallbackScope
    phone: str | None
    external_id: str | None


class AppointmentPublic(BaseModel):
    id: int
    contact_id: int
    start: datetime
    end: datetime
    uid: str
    title: str
    we_call: bool
    phone: str | None
    user: str | None
    scope: CallbackScope
    sequence: int
    cancelled: bool


class LoggedPublic(BaseModel):
    touch: TouchPublic
    state: StatePublic
    appointment: AppointmentPublic | None
    duplicate: bool = Field(description="True: this external_id was logged before.")


class LoggedBatch(BaseModel):
    results: list[LoggedPublic]


# --- appointments --------------------------------------------------------------------


class AppointmentCreate(_Input):
    contact_id: RecordId
    start: Instant
    end: Instant | None = Field(None, description="Default: 30 minutes after start.")
    title: str = "Call"
    we_call: bool = Field(True, description="False: they call us.")
    phone: str | None = Field(None, description="The number to use, any format.")
    scope: CallbackScope = CallbackScope.ANYONE


class AppointmentUpdate(_Input):
    start: Instant | None = None
    end: Instant | None = None
    title: str | None = None
    we_call: bool | None = None
    phone: str | None = None
    scope: CallbackScope | None = None
    cancelled: bool | None = None


class AppointmentPage(BaseModel):
    items: list[AppointmentPublic]
    next_after: int | None


# --- plan and why --------------------------------------------------------------------


class PlanItemPublic(BaseModel):
    contact_id: int | None
    name: str
    channel: str
    window_start: datetime
    window_end: datetime
    suggested_at: datetime
    timezone: str
    attempt: int
    tier: str
    on_voicemail: str | None
    template: str | None = Field(
        description="The cadence step's template key, e.g. call.intro (docs/messages.md)"
    )
    reason: str
    rules: list[str]


class PlanPublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: datetime = Field(alias="from")
    to: datetime
    capacity: int
    items: list[PlanItemPublic]
    deferred_total: int
    deferred: dict[str, int]
    stopped: dict[str, int]


class DecisionPublic(BaseModel):
    rule: str
    effect: str
    message: str


class WhyPublic(BaseModel):
    contact_id: int
    name: str
    at: datetime
    action: PlanItemPublic | None
    rules: list[str]
    trace: list[DecisionPublic]
