"""iCalendar (RFC 5545) invites for appointments (R3), with the icalendar library.

METHOD:REQUEST for a booked or moved appointment, METHOD:CANCEL once cancelled;
the UID stays the same and SEQUENCE grows with each change, so calendar programs
update the one event instead of adding another.
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from ringback.domain.model import Appointment, Contact

PRODID = "-//Ringback//Ringback follow-up engine//EN"


def appointment_ics(appointment: Appointment, contact: Contact, stamp: datetime) -> bytes:
    """The invite for `appointment` with `contact`, stamped at `stamp` (DTSTAMP)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if appointment.cancelled else "REQUEST")
    calendar.add_component(_event(appointment, contact, stamp))
    ical: bytes = calendar.to_ical()
    return ical


def _event(appointment: Appointment, contact: Contact, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", appointment.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    event.add("sequence", appointment.sequence)
    event.add("summary", f"{appointment.title}: {contact.full_name}")
    event.add("description", _description(appointment, contact))
    event.add("status", "CANCELLED" if appointment.cancelled else "CONFIRMED")
    number = appointment.phone or (contact.primary_phone.e164 if contact.primary_phone else None)
    if number:
        event.add("location", f"tel:{number}")
    return event


def _description(appointment: Appointment, contact: Contact) -> str:
    number = appointment.phone or (contact.primary_phone.e164 if contact.primary_phone else "")
    who = "We call" if appointment.we_call else f"{contact.first_name} calls"
    lines = [f"{who} {number}".rstrip() + "."]
    if contact.company:
        lines.append(f"{contact.full_name}, {contact.company}.")
    if contact.reason:
        lines.append(f"About: {contact.reason}")
    return "\n".join(lines)
