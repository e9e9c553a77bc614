"""Turn a record of text fields (a CSV row, a vCard, CLI options) into a valid Contact.

Pure: no I/O. Every rejection is an InvalidField naming the field and, for imports,
the row (PRODUCT.md §7). The CLI's `add`, CSV and vCard imports all share this code,
so every entry point accepts and refuses the same things.

Canonical field names (keys of the record):

- full_name, or first_name + last_name; first_name is derived when absent
- phone, mobile, work_phone, home_phone (also with a numeric suffix: phone_2, …) and
  phones (';'-separated, each optionally prefixed by its type: "work: +1 202 …")
- email, address, country (ISO alpha-2 or an English country name), subdivision,
  company, title, segment, tags (',' or ';' separated), owner, referred_by, reason,
  timezone (+ timezone_source), preferred_windows ("tue,thu 14:00-17:00; mon
  09:00-11:00", R4), preferred_channel (call|email), email_first, personal, cadence
- anything else becomes a custom field; a "field:" prefix forces that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from ringback.domain.errors import InvalidField
from ringback.domain.model import Channel, Contact, Phone, PhoneType, PreferredWindow
from ringback.domain.phone import parse_phone
from ringback.domain.value_input import (
    format_windows,
    normalize_email,
    parse_bool,
    parse_country,
    parse_windows,
    validate_timezone,
)

PHONE_FIELDS: dict[str, PhoneType] = {
    "phone": PhoneType.OTHER,
    "mobile": PhoneType.MOBILE,
    "work_phone": PhoneType.WORK,
    "home_phone": PhoneType.HOME,
}
PHONES_FIELD = "phones"
TEXT_FIELDS = (
    "address",
    "subdivision",
    "company",
    "title",
    "segment",
    "owner",
    "referred_by",
    "reason",
    "cadence",
)
OTHER_FIELDS = (
    "full_name",
    "first_name",
    "last_name",
    "email",
    "country",
    "tags",
    "timezone",
    "timezone_source",
    "preferred_windows",
    "preferred_channel",
    "email_first",
    "personal",
)
KNOWN_FIELDS = frozenset((*PHONE_FIELDS, PHONES_FIELD, *TEXT_FIELDS, *OTHER_FIELDS))
CUSTOM_PREFIX = "field:"
OTHER_EMAILS_FIELD = "other_emails"

_CHANNEL_WORDS = {
    "call": Channel.CALL,
    "phone": Channel.CALL,
    "email": Channel.EMAIL,
    "e-mail": Channel.EMAIL,
    "mail": Channel.EMAIL,
}
_PHONE_TYPE_WORDS = {
    "mobile": PhoneType.MOBILE,
    "cell": PhoneType.MOBILE,
    "work": PhoneType.WORK,
    "office": PhoneType.WORK,
    "home": PhoneType.HOME,
    "other": PhoneType.OTHER,
    "phone": PhoneType.OTHER,
}
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "herr"})

_LIST_SPLIT = re.compile(r"[;,]")
# What a Contact holds when neither the user nor a phone gives a zone.
_DEFAULT_ZONE = "UTC"
_DEFAULT_ZONE_SOURCE = "default"


class ContactParts(NamedTuple):
    """A validated contact's values in Contact's field order, without created_at and id.

    Bulk imports turn these straight into table rows; `Contact(*parts)` is the contact.
    """

    full_name: str
    first_name: str
    phones: tuple[Phone, ...]
    email: str | None
    address: str | None
    country: str | None
    subdivision: str | None
    company: str | None
    title: str | None
    segment: str | None
    tags: tuple[str, ...]
    fields: dict[str, str]
    owner: str | None
    referred_by: str | None
    reason: str | None
    timezone: str
    timezone_candidates: tuple[str, ...]
    timezone_source: str
    preferred_windows: tuple[PreferredWindow, ...]
    preferred_channel: Channel | None
    email_first: bool
    personal: bool
    cadence: str | None


_CONTACT_FIELDS = {f.name: f for f in fields(Contact)}
if ContactParts._fields != tuple(_CONTACT_FIELDS)[:-2]:
    raise RuntimeError("Contact's fields changed: update ContactParts")
if (_CONTACT_FIELDS["timezone"].default, _CONTACT_FIELDS["timezone_source"].default) != (
    _DEFAULT_ZONE,
    _DEFAULT_ZONE_SOURCE,
):
    raise RuntimeError("Contact's default zone changed: update contact_input")


def contact_from_record(
    record: Mapping[str, str | None],
    *,
    default_region: str,
    row: int | None = None,
    created_at: datetime | None = None,
) -> Contact:
    """Build a validated Contact from `record`, or raise InvalidField naming the field.

    Phones written without a country code are read in the record's `country` when it
    has one, else in `default_region`.
    """
    try:
        parts = _parts(_present_values(record), default_region)
    except InvalidField as exc:
        if row is None:
            raise
        raise exc.at_row(row) from None
    contact = Contact(*parts)
    if created_at is not None:
        contact.created_at = created_at
    return contact


def contact_parts(record: Mapping[str, str | None], *, default_region: str) -> ContactParts:
    """What `contact_from_record` validates, as ContactParts: the same checks and
    messages, without building the Contact (bulk imports encode rows from these)."""
    return _parts(_present_values(record), default_region)


def parts_from_present(values: dict[str, str], default_region: str) -> ContactParts:
    """`contact_parts` of a record whose values are already stripped, none blank."""
    return _parts(values, default_region)


def contact_to_record(contact: Contact) -> dict[str, str | None]:
    """The record `contact_from_record` reads back as the same contact (edits start here).

    A zone derived from the phone stays derived: change the phones and it follows.
    """
    other_emails = contact.fields.get(OTHER_EMAILS_FIELD)
    emails = [e for e in (contact.email, other_emails) if e]
    record: dict[str, str | None] = {
        "full_name": contact.full_name,
        "first_name": contact.first_name,
        PHONES_FIELD: "; ".join(f"{p.kind.value}: {p.e164}" for p in contact.phones) or None,
        "email": "; ".join(emails) or None,
        "country": contact.country,
        "tags": ", ".join(contact.tags) or None,
        "timezone": contact.timezone,
        "timezone_source": contact.timezone_source,
        "preferred_windows": format_windows(contact.preferred_windows) or None,
        "preferred_channel": contact.preferred_channel.value if contact.preferred_channel else None,
        "email_first": "yes" if contact.email_first else "no",
        "personal": "yes" if contact.personal else "no",
    }
    record.update((name, getattr(contact, name)) for name in TEXT_FIELDS)
    record.update(
        (CUSTOM_PREFIX + name, value)
        for name, value in contact.fields.items()
        if name != OTHER_EMAILS_FIELD
    )
    return record


def _present_values(record: Mapping[str, str | None]) -> dict[str, str]:
    """Values stripped; empty and blank values count as absent."""
    return {key: value.strip() for key, value in record.items() if value and not value.isspace()}


def _parts(values: dict[str, str], default_region: str) -> ContactParts:
    full_name, first_name = _names(values)
    country = parse_country(values["country"]) if "country" in values else None
    phones = _phones(values, country or default_region)
    emails = _emails(values["email"]) if "email" in values else []
    if not phones and not emails:
        raise InvalidField("phone", "a contact needs at least a phone number or an email")
    if country is None and phones:
        country = _country_of(phones[0])
    custom = _custom_fields(values)
    if len(emails) > 1:
        custom[OTHER_EMAILS_FIELD] = "; ".join(emails[1:])
    get = values.get
    return ContactParts(
        full_name,
        first_name,
        phones,
        emails[0] if emails else None,
        get("address"),
        country,
        get("subdivision"),
        get("company"),
        get("title"),
        get("segment"),
        _tags(values["tags"]) if "tags" in values else (),
        custom,
        get("owner"),
        get("referred_by"),
        get("reason"),
        *_timezone(phones, values),
        _windows(values),
        _channel(values),
        _flag(values, "email_first"),
        _flag(values, "personal"),
        get("cadence"),
    )


# --- names -------------------------------------------------------------------------


def _names(values: dict[str, str]) -> tuple[str, str]:
    first = values.get("first_name")
    last = values.get("last_name")
    full = values.get("full_name") or " ".join(filter(None, (first, last)))
    if not full:
        raise InvalidField("full_name", "is required (or first_name and last_name)")
    return _collapse_spaces(full), first or first_name_of(full)


def _collapse_spaces(text: str) -> str:
    return " ".join(text.split())


def first_name_of(full_name: str) -> str:
    """The name to address someone by: "Dr. Ana Lima" → "Ana", "Lima, Ana" → "Ana"."""
    if "," in full_name:
        family, _, given = full_name.partition(",")
        if given.strip():
            return given.split()[0]
        full_name = family
    words = full_name.split()
    while len(words) > 1 and words[0].rstrip(".").casefold() in _HONORIFICS:
        words = words[1:]
    return words[0]


# --- phones ------------------------------------------------------------------------


def _phones(values: dict[str, str], region: str) -> tuple[Phone, ...]:
    """Phones in record order (the first is the primary one), duplicates dropped."""
    found: dict[str, Phone] = {}
    for key, text in values.items():
        if key == PHONES_FIELD:
            for listed_kind, number in _phone_list_items(text):
                _keep(found, parse_phone(number, region, listed_kind, field=key))
            continue
        kind = _phone_kind(key)
        if kind is not None:
            _keep(found, parse_phone(text, region, kind, field=key))
    return tuple(found.values())


def _keep(found: dict[str, Phone], phone: Phone) -> None:
    found.setdefault(phone.e164, phone)


@lru_cache(maxsize=4096)  # the same few keys come back on every row of an import
def _phone_kind(key: str) -> PhoneType | None:
    kind = PHONE_FIELDS.get(key)
    if kind is None and key[-1:].isdigit():
        base, _, number = key.rpartition("_")
        if number.isdigit():
            kind = PHONE_FIELDS.get(base)
    return kind


def _phone_list_items(text: str) -> list[tuple[PhoneType, str]]:
    items: list[tuple[PhoneType, str]] = []
    for item in text.split(";"):
        label, colon, rest = item.partition(":")
        labelled = _PHONE_TYPE_WORDS.get(label.strip().casefold()) if colon else None
        if labelled is None:  # no label, or a "tel:" URI
            labelled, rest = PhoneType.OTHER, item
        if rest.strip():
            items.append((labelled, rest))
    return items


def _country_of(phone: Phone) -> str | None:
    # Non-geographic numbers (+800, +882 …) have region "001": not a country.
    country = phone.country
    return country if country and country.isalpha() else None


# --- email -------------------------------------------------------------------------


def _emails(text: str) -> list[str]:
    """One or more addresses (';' or ',' separated); the first is the contact's email."""
    if ";" not in text and "," not in text:
        return [normalize_email(text)]
    return [normalize_email(part) for part in _LIST_SPLIT.split(text) if part.strip()]


# --- small fields ------------------------------------------------------------------


def _tags(text: str) -> tuple[str, ...]:
    tags = (tag.strip() for tag in _LIST_SPLIT.split(text))
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def _windows(values: dict[str, str]) -> tuple[PreferredWindow, ...]:
    text = values.get("preferred_windows")
    return () if text is None else parse_windows(text)


def _channel(values: dict[str, str]) -> Channel | None:
    text = values.get("preferred_channel")
    if text is None:
        return None
    channel = _CHANNEL_WORDS.get(text.casefold())
    if channel is None:
        raise InvalidField("preferred_channel", f"{text!r} is not one of: call, email")
    return channel


def _flag(values: dict[str, str], field: str) -> bool:
    text = values.get(field)
    return False if text is None else parse_bool(text, field)


def _custom_fields(values: dict[str, str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, value in values.items():
        name = _custom_name(key)
        if name is not None:
            fields[name] = value
    return fields


@lru_cache(maxsize=4096)
def _custom_name(key: str) -> str | None:
    """The custom field a record key stands for, or None for a known field."""
    if key.startswith(CUSTOM_PREFIX):
        return key[len(CUSTOM_PREFIX) :]
    if key in KNOWN_FIELDS or _phone_kind(key) is not None:
        return None
    return key


# --- time zone (R5) ----------------------------------------------------------------


def _timezone(
    phones: tuple[Phone, ...], values: dict[str, str]
) -> tuple[str, tuple[str, ...], str]:
    """(timezone, candidates, source): a user-given zone overrides; otherwise the
    first phone's zones decide.

    An exported file says `timezone_source=phone` for zones that were derived, so a
    round trip re-derives them instead of turning them into overrides.
    """
    candidates = phones[0].timezones if phones else ()
    given = values.get("timezone")
    source = values.get("timezone_source", "user").casefold()
    if given is not None and source == "user":
        return validate_timezone(given), candidates, "user"
    if candidates:
        return candidates[0], candidates, "phone"
    return _DEFAULT_ZONE, candidates, _DEFAULT_ZONE_SOURCE
