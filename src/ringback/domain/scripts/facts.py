"""What a template can say, already phrased for the contact (R7, R8, R9, R19).

Facts are plain strings computed once from the contact, the sender, the touch
history and `now` — days are named relative to `now` in the contact's own time
zone ("I called last Tuesday"), proposed slots are shown on the contact's clock,
and the sender's number is given both spoken in chunks and written.
A missing fact is None: a template that would print it is refused (R19).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ringback.domain.model import Contact
from ringback.domain.phone import spoken_number, written_number
from ringback.domain.sender import Sender

# Countries that say and write times on a 12-hour clock ("2:30 pm").
TWELVE_HOUR_REGIONS = frozenset({"US", "CA", "AU", "NZ", "IN", "PH"})
# Countries that put the month before the day ("Tuesday, March 17").
MONTH_FIRST_REGIONS = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM"})
# English names whatever the process locale (strftime's %A would follow it).
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Moment:
    """An instant phrased for the contact: `when` reads naturally after a verb."""

    when: str  # "last Tuesday", "tomorrow morning", "on Tuesday 10 March at 14:30"
    day: str  # "Tuesday"
    date: str  # "Tuesday 10 March"
    time: str  # "14:30" or "2:30 pm"
    zone: str  # the contact's zone abbreviation, e.g. "CET"
    channel: str | None = None

    def __str__(self) -> str:
        return self.when


@dataclass(frozen=True)
class Me:
    name: str | None = None
    first_name: str | None = None
    company: str | None = None
    email: str | None = None
    number: str | None = None  # spoken in chunks (R7)
    phone: str | None = None  # written, for emails and letters
    e164: str | None = None


@dataclass(frozen=True)
class Facts:
    first_name: str | None = None
    full_name: str | None = None
    company: str | None = None
    title: str | None = None
    referred_by: str | None = None
    reason: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    me: Me = field(default_factory=Me)
    last_call: Moment | None = None
    last_email: Moment | None = None
    next_try: Moment | None = None
    slots: tuple[Moment, ...] = ()


def facts_for(
    contact: Contact,
    sender: Sender,
    now: datetime,
    *,
    last_call_at: datetime | None = None,
    last_email_at: datetime | None = None,
    next_try_at: datetime | None = None,
    next_try_channel: str | None = None,
    slots: Sequence[datetime] = (),
) -> Facts:
    """The facts about `contact` as of `now`, phrased in the contact's time zone."""
    zone = ZoneInfo(contact.timezone)
    region = region_of(contact)
    clock = Clock(now.astimezone(zone), region)
    return Facts(
        first_name=_clean(contact.first_name),
        full_name=_clean(contact.full_name),
        company=_clean(contact.company),
        title=_clean(contact.title),
        referred_by=_clean(contact.referred_by),
        reason=_clean(contact.reason),
        fields={k: v for k, v in contact.fields.items() if _clean(v)},
        me=me_facts(sender, region),
        last_call=clock.past(last_call_at, "call"),
        last_email=clock.past(last_email_at, "email"),
        next_try=clock.ahead(next_try_at, next_try_channel),
        slots=tuple(clock.slot(at) for at in slots),
    )


def region_of(contact: Contact) -> str | None:
    if contact.country:
        return contact.country.upper()
    phone = contact.primary_phone
    return phone.country if phone is not None else None


def me_facts(sender: Sender, listener_region: str | None) -> Me:
    name = _clean(sender.name)
    phone = _clean(sender.phone)
    return Me(
        name=name,
        first_name=name.split()[0] if name else None,
        company=_clean(sender.company),
        email=_clean(sender.email),
        number=spoken_number(phone, listener_region) if phone else None,
        phone=written_number(phone, listener_region) if phone else None,
        e164=phone,
    )


def _clean(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text or None


@dataclass(frozen=True)
class Clock:
    """Phrases instants relative to `now`, both on the contact's local clock."""

    now: datetime
    region: str | None

    def past(self, at: datetime | None, channel: str | None = None) -> Moment | None:
        if at is None:
            return None
        local = at.astimezone(self.now.tzinfo)
        phrase = past_phrase(local.date(), self.now.date(), self.date(local.date()))
        return self._moment(local, phrase, channel)

    def ahead(self, at: datetime | None, channel: str | None = None) -> Moment | None:
        if at is None:
            return None
        local = at.astimezone(self.now.tzinfo)
        day = local.date()
        phrase = future_phrase(day, self.now.date(), _part_of_day(local), self.date(day))
        if local.date() == self.now.date() and _part_of_day(local) == _part_of_day(self.now):
            phrase = "later today"
        return self._moment(local, phrase, channel)

    def slot(self, at: datetime) -> Moment:
        local = at.astimezone(self.now.tzinfo)
        when = f"{self.date(local.date())} at {self.time(local)}"
        return self._moment(local, when, None)

    def time(self, local: datetime) -> str:
        if self.region in TWELVE_HOUR_REGIONS:
            hour = local.hour % 12 or 12
            minutes = f":{local.minute:02d}" if local.minute else ""
            return f"{hour}{minutes} {'am' if local.hour < 12 else 'pm'}"
        return f"{local:%H:%M}"

    def date(self, day: date) -> str:
        """ "Tuesday 17 March", or "Tuesday, March 17" where the month comes first."""
        month = MONTH_NAMES[day.month - 1]
        if self.region in MONTH_FIRST_REGIONS:
            return f"{day_name(day)}, {month} {day.day}"
        return f"{day_name(day)} {day.day} {month}"

    def _moment(self, local: datetime, when: str, channel: str | None) -> Moment:
        return Moment(
            when=when,
            day=day_name(local.date()),
            date=self.date(local.date()),
            time=self.time(local),
            zone=local.tzname() or "",
            channel=channel,
        )


def day_name(day: date) -> str:
    return DAY_NAMES[day.weekday()]


def past_phrase(day: date, today: date, written: str) -> str:
    """How to name a past day: "yesterday", "on Monday" (this week), "last Tuesday"
    (last week), else "on" and its `written` date."""
    days = (today - day).days
    if days <= 0:
        return "earlier today"
    if days == 1:
        return "yesterday"
    weeks = _week_of(today) - _week_of(day)
    if weeks == 0:
        return f"on {day_name(day)}"
    if weeks == 1:
        return f"last {day_name(day)}"
    return f"on {written}"


def future_phrase(day: date, today: date, part: str, written: str) -> str:
    """How to name a coming day with its part: "this afternoon", "tomorrow morning",
    "on Friday morning" (this week), "next Tuesday afternoon" (next week), else the date."""
    days = (day - today).days
    if days <= 0:
        return f"this {part}"
    if days == 1:
        return f"tomorrow {part}"
    weeks = _week_of(day) - _week_of(today)
    if weeks == 0:
        return f"on {day_name(day)} {part}"
    if weeks == 1:
        return f"next {day_name(day)} {part}"
    return f"on {written}"


def _week_of(day: date) -> int:
    """A running week number (weeks start on Monday), comparable across years."""
    return (day.toordinal() - 1) // 7


def _part_of_day(local: datetime) -> str:
    if local.hour < 12:
        return "morning"
    return "afternoon" if local.hour < 18 else "evening"
