"""iCalendar (RFC 5545) invites for appointments (R3), with the icalendar library.

METHOD:REQUEST for a booked or moved appointment, METHOD:CANCEL once cancelled;
the UID stays the same and SEQUENCE grows with each change, so calendar programs
update the one event instead of adding another. Times are written in the contact's
time zone with its VTIMEZONE, so the invite reads right in their calendar and stays
right across daylight-saving changes (UTC stays plain UTC).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from ringback.domain.model import Appointment, Contact

PRODID = "-//Ringback//Ringback follow-up engine//EN"


def appointment_ics(
    appointment: Appointment,
    contact: Contact,
    stamp: datetime,
    organizer: tuple[str, str] | None = None,
) -> bytes:
    """The invite for `appointment` with `contact`, stamped at `stamp` (DTSTAMP).

    `organizer` (name, email) is who sends it; the contact, when their email is known,
    is the attendee asked to answer (RFC 5546).
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if appointment.cancelled else "REQUEST")
    event = appointment_event(appointment, contact, stamp)
    if organizer is not None:
        event.add("organizer", _address(organizer[1], organizer[0]))
    if contact.email:
        attendee = _address(contact.email, contact.full_name)
        attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
        attendee.params["RSVP"] = vText("TRUE")
        event.add("attendee", attendee)
    calendar.add_component(event)
    add_timezones(calendar, appointment.start)
    ical: bytes = calendar.to_ical()
    return ical


def add_timezones(calendar: Calendar, around: datetime) -> None:
    """The VTIMEZONE of every zone the events use, with the rules of the years around."""
    first = date(around.year - 1, 1, 1)
    calendar.add_missing_timezones(first_date=first, last_date=date(around.year + 3, 1, 1))


def in_zone(instant: datetime, zone: str) -> datetime:
    """`instant` in `zone` (an IANA name); UTC when the zone is UTC or unknown."""
    if zone in ("UTC", "Etc/UTC"):
        return instant.astimezone(UTC)
    try:
        return instant.astimezone(ZoneInfo(zone))
    except (KeyError, ValueError):
        return instant.astimezone(UTC)


def appointment_event(appointment: Appointment, contact: Contact, stamp: datetime) -> Event:
    """The VEVENT of `appointment`, its times in the contact's zone (add its VTIMEZONE)."""
    event = Event()
    event.add("uid", appointment.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", in_zone(appointment.start, contact.timezone))
    event.add("dtend", in_zone(appointment.end, contact.timezone))
    event.add("sequence", appointment.sequence)
    event.add("summary", f"{appointment.title}: {contact.full_name}")
    event.add("description", _description(appointment, contact))
    event.add("status", "CANCELLED" if appointment.cancelled else "CONFIRMED")
    number = appointment.phone or (contact.primary_phone.e164 if contact.primary_phone else None)
    if number:
        event.add("location", f"tel:{number}")
    return event


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    return address


def _description(appointment: Appointment, contact: Contact) -> str:
    number = appointment.phone or (contact.primary_phone.e164 if contact.primary_phone else "")
    who = "We call" if appointment.we_call else f"{contact.first_name} calls"
    lines = [f"{who} {number}".rstrip() + "."]
    if contact.company:
        lines.append(f"{contact.full_name}, {contact.company}.")
    if contact.reason:
        lines.append(f"About: {contact.reason}")
    return "\n".join(lines)


PROMISE_LENGTH_MIN = 15


@dataclass(frozen=True)
class Promise:
    """A promised call-back (R4): call `contact` at `at`."""

    contact: Contact
    at: datetime


def feed_ics(
    name: str,
    appointments: Sequence[tuple[Appointment, Contact]],
    promises: Sequence[Promise],
    stamp: datetime,
    remind_before: timedelta | None = None,
) -> bytes:
    """A subscribable calendar (no METHOD: it is published, not an invitation);
    with `remind_before`, each event carries a reminder (VALARM)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    events = [
        appointment_event(appointment, contact, stamp) for appointment, contact in appointments
    ]
    events += [_promise_event(promise, stamp) for promise in promises]
    for event in events:
        if remind_before:
            event.add_component(_reminder(str(event["summary"]), remind_before))
        calendar.add_component(event)
    add_timezones(calendar, stamp)
    ical: bytes = calendar.to_ical()
    return ical


def _reminder(summary: str, before: timedelta) -> Alarm:
    """A display alarm `before` the event starts (RFC 5545 §3.6.6)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -before)
    return alarm


def _promise_event(promise: Promise, stamp: datetime) -> Event:
    contact = promise.contact
    event = Event()
    event.add("uid", f"promise-{contact.id or 0}-{promise.at:%Y%m%dT%H%M%SZ}@ringback")
    event.add("dtstamp", stamp)
    event.add("dtstart", in_zone(promise.at, contact.timezone))
    event.add(
        "dtend", in_zone(promise.at + timedelta(minutes=PROMISE_LENGTH_MIN), contact.timezone)
    )
    event.add("summary", f"Call back {contact.full_name} (promised)")
    lines = [f"You promised to call {contact.first_name} back."]
    if contact.reason:
        lines.append(f"About: {contact.reason}")
    event.add("description", "\n".join(lines))
    if contact.primary_phone:
        event.add("location", f"tel:{contact.primary_phone.e164}")
    return event
