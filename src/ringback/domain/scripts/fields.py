"""Every field a template can use, and what fills it (docs/messages.md lists the same)."""

from __future__ import annotations

from collections.abc import Mapping

FIELD_HELP: Mapping[str, str] = {
    "first_name": "the contact's first name, as you address them (R19)",
    "full_name": "the contact's full name",
    "company": "the contact's company",
    "title": "the contact's job title",
    "referred_by": "who referred you: the mutual connection (R7)",
    "reason": "why you reach out; write it to follow 'I'm calling about …' (R7)",
    "fields.NAME": "one of the contact's custom fields",
    "me.name": "your name (setting sender_name)",
    "me.first_name": "your first name",
    "me.company": "your company (setting sender_company)",
    "me.email": "your email address (setting sender_email)",
    "me.number": "your number in spoken chunks, e.g. 612 · 555 · 1234 (setting sender_phone, R7)",
    "me.phone": "your number written for the contact, e.g. (612) 555-1234",
    "last_call": "your previous call, e.g. 'last Tuesday' (R8); also .day, .date, .time",
    "last_email": "your previous email, e.g. 'on Monday'; also .day, .date, .time",
    "next_try": "when you will try again, e.g. 'on Thursday morning' (R7); also .day, .channel",
    "slots": "the proposed call times; slots[0], slots[1] read 'Tuesday 17 March at 3 pm' (R9)",
}
