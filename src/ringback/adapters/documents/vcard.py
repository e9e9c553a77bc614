"""vCard import (3.0 and 4.0) and export (4.0), through the vobject library.

Import yields records of canonical field names for `contact_from_record`. vCard 4.0
phones arrive as `tel:` URIs, which libphonenumber reads directly. Fields vCard has
no property for travel as X-RINGBACK-* properties, so an export re-imports intact.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

import vobject

from ringback.domain.contact_input import OTHER_EMAILS_FIELD
from ringback.domain.errors import InvalidField
from ringback.domain.model import Contact, PhoneType
from ringback.domain.value_input import format_windows, parse_country

NOTE_FIELD = "note"
_X_FIELD = "x-ringback-field"
# Record field ↔ X- property for fields vCard has no standard property for.
_X_PROPERTIES = {
    "segment": "x-ringback-segment",
    "owner": "x-ringback-owner",
    "referred_by": "x-ringback-referred-by",
    "reason": "x-ringback-reason",
    "cadence": "x-ringback-cadence",
    "preferred_channel": "x-ringback-preferred-channel",
    "email_first": "x-ringback-email-first",
    "personal": "x-ringback-personal",
    "country": "x-ringback-country",
    "subdivision": "x-ringback-subdivision",
    "preferred_windows": "x-ringback-preferred-windows",
}
_PHONE_KEYS = {
    "cell": "mobile",
    "mobile": "mobile",
    "iphone": "mobile",
    "work": "work_phone",
    "home": "home_phone",
}
_NOT_CALLABLE = frozenset({"fax", "pager", "textphone"})
_EXPORT_TYPES = {
    PhoneType.MOBILE: "cell",
    PhoneType.WORK: "work",
    PhoneType.HOME: "home",
    PhoneType.OTHER: "voice",
}


# --- import ------------------------------------------------------------------------


def read_vcards(stream: IO[str]) -> list[dict[str, str | None]]:
    """Every card of a .vcf file as a record; a malformed card raises InvalidField.

    The whole file is parsed before anything is imported, so a broken file is
    refused as a whole instead of being half imported (PRODUCT.md §7).
    """
    return [_record_from_card(card) for _, card in _cards(stream.read())]


def _cards(text: str) -> Iterator[tuple[int, Any]]:
    for number, block in enumerate(_card_blocks(text), start=1):
        try:
            yield number, vobject.readOne(block)
        except Exception as exc:  # vobject raises several unrelated error types
            message = f"card {number} is not valid vCard: {exc}"
            raise InvalidField("vcard", message, number) from None


def _card_blocks(text: str) -> Iterator[str]:
    """Split a file into the text of each card, so one bad card is located exactly."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip().upper() == "BEGIN:VCARD":
            lines = []
        lines.append(line)
        if line.strip().upper() == "END:VCARD":
            yield "\r\n".join(lines) + "\r\n"
            lines = []


def _record_from_card(card: Any) -> dict[str, str | None]:
    props: dict[str, list[Any]] = card.contents
    record: dict[str, str | None] = {}
    _read_names(props, record)
    _read_phones(props, record)
    _read_emails(props, record)
    _read_organisation(props, record)
    _read_address(props, record)
    _read_extras(props, record)
    return record


def _first(props: dict[str, list[Any]], name: str) -> Any:
    values = props.get(name)
    return values[0].value if values else None


def _read_names(props: dict[str, list[Any]], record: dict[str, str | None]) -> None:
    name = _first(props, "n")
    if name is not None:
        record["first_name"] = _text(name.given)
        record["last_name"] = _text(name.family)
    record["full_name"] = _text(_first(props, "fn"))


def _text(value: Any) -> str:
    """vobject gives str, or lists of str for structured or repeated components."""
    if isinstance(value, list):
        return " ".join(str(part) for part in value if part)
    return "" if value is None else str(value)


def _listed(value: Any) -> list[str]:
    return [str(part) for part in value] if isinstance(value, list) else [_text(value)]


def _types(prop: Any) -> list[str]:
    """TYPE parameter values, lower-cased; 4.0 may send TYPE="work,voice"."""
    values = prop.params.get("TYPE", [])
    return [part.strip().lower() for value in values for part in value.split(",")]


def _preference(prop: Any) -> int:
    """Lower is preferred: 4.0 PREF=1..100; 3.0 TYPE=pref."""
    pref = prop.params.get("PREF", [])
    if pref and pref[0].isdigit():
        return int(pref[0])
    return 1 if "pref" in _types(prop) else 101


def _read_phones(props: dict[str, list[Any]], record: dict[str, str | None]) -> None:
    tels = sorted(props.get("tel", []), key=_preference)
    for tel in tels:
        types = _types(tel)
        if _NOT_CALLABLE.intersection(types) and not {"voice", "cell"}.intersection(types):
            continue
        key = next((_PHONE_KEYS[t] for t in types if t in _PHONE_KEYS), "phone")
        record[_free_key(record, key)] = _text(tel.value)


def _free_key(record: dict[str, str | None], key: str) -> str:
    number = 1
    candidate = key
    while candidate in record:
        number += 1
        candidate = f"{key}_{number}"
    return candidate


def _read_emails(props: dict[str, list[Any]], record: dict[str, str | None]) -> None:
    emails = [_text(e.value) for e in sorted(props.get("email", []), key=_preference)]
    if emails:
        record["email"] = "; ".join(emails)


def _read_organisation(props: dict[str, list[Any]], record: dict[str, str | None]) -> None:
    org = _first(props, "org")
    if isinstance(org, list):
        org = org[0] if org else None
    record["company"] = _text(org)
    record["title"] = _text(_first(props, "title"))


def _read_address(props: dict[str, list[Any]], record: dict[str, str | None]) -> None:
    adr = _first(props, "adr")
    if adr is None:
        return
    locality = " ".join(filter(None, (_text(adr.city), _text(adr.region), _text(adr.code))))
    lines = (_text(adr.box), _text(adr.extended), _text(adr.street), locality, _text(adr.country))
    record["address"] = "\n".join(line for line in lines if line)
    record["subdivision"] = _text(adr.region)
    record["country"] = _country_or_none(_text(adr.country))


def _country_or_none(text: str) -> str | None:
    # A country an address spells in a way we can't read is left to the phone number
    # rather than refusing the whole card.
    if not text:
        return None
    try:
        return parse_country(text)
    except InvalidField:
        return None


def _read_extras(props: dict[str, list[Any]], record: dict[str, str | None]) -> None:
    categories = [_listed(c.value) for c in props.get("categories", [])]
    record["tags"] = ", ".join(tag for tags in categories for tag in tags if tag)
    zone = _text(_first(props, "tz"))
    if "/" in zone:  # an IANA name; UTC offsets ("+01:00") say nothing about DST
        record["timezone"] = zone.removeprefix("tzid:").removeprefix("TZID:")
    note = _text(_first(props, "note"))
    if note:
        record[f"field:{NOTE_FIELD}"] = note
    for field, prop in _X_PROPERTIES.items():
        value = _first(props, prop)
        if value is not None:
            record[field] = _text(value)
    for prop in props.get(_X_FIELD, []):
        name = prop.params.get("NAME", [""])[0]
        if name:
            record[f"field:{name}"] = _text(prop.value)


# --- export ------------------------------------------------------------------------


def write_vcards(contacts: Iterable[Contact], stream: IO[str]) -> int:
    """Write contacts as vCard 4.0; returns how many were written."""
    written = 0
    for contact in contacts:
        stream.write(contact_to_vcard(contact))
        written += 1
    return written


def contact_to_vcard(contact: Contact) -> str:
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("fn").value = contact.full_name
    prefix, family = _around_first_name(contact.full_name, contact.first_name)
    card.add("n").value = vobject.vcard.Name(family=family, given=contact.first_name, prefix=prefix)
    _write_phones(card, contact)
    _write_emails(card, contact)
    _write_organisation(card, contact)
    _write_extras(card, contact)
    text: str = card.serialize()
    return text


def _around_first_name(full_name: str, first_name: str) -> tuple[str, str]:
    """("Dr.", "Müller") from "Dr. Jörg Müller"; the family name is what follows."""
    before, found, after = full_name.partition(first_name)
    return (before.strip(), after.strip()) if found else ("", "")


def _write_phones(card: Any, contact: Contact) -> None:
    for position, phone in enumerate(contact.phones):
        tel = card.add("tel")
        tel.value = f"tel:{phone.e164}"
        tel.params["VALUE"] = ["uri"]
        tel.params["TYPE"] = [_EXPORT_TYPES[phone.kind]]
        tel.params["PREF"] = [str(position + 1)]


def _write_emails(card: Any, contact: Contact) -> None:
    others = contact.fields.get(OTHER_EMAILS_FIELD, "")
    emails = [contact.email, *(e.strip() for e in others.split(";"))]
    for position, email in enumerate(e for e in emails if e):
        prop = card.add("email")
        prop.value = email
        prop.params["PREF"] = [str(position + 1)]


def _write_organisation(card: Any, contact: Contact) -> None:
    if contact.company:
        card.add("org").value = [contact.company]
    if contact.title:
        card.add("title").value = contact.title
    if contact.address:
        card.add("adr").value = vobject.vcard.Address(street=contact.address)


def _write_extras(card: Any, contact: Contact) -> None:
    if contact.tags:
        card.add("categories").value = list(contact.tags)
    if contact.timezone_source == "user":
        card.add("tz").value = contact.timezone
    for field, value in _x_values(contact).items():
        if value:
            card.add(_X_PROPERTIES[field]).value = value
    for name, value in contact.fields.items():
        if name == NOTE_FIELD:
            card.add("note").value = value
        elif name != OTHER_EMAILS_FIELD:
            prop = card.add(_X_FIELD)
            prop.params["NAME"] = [name.replace('"', "'")]
            prop.value = value


def _x_values(contact: Contact) -> dict[str, str | None]:
    channel = contact.preferred_channel
    return {
        "segment": contact.segment,
        "owner": contact.owner,
        "referred_by": contact.referred_by,
        "reason": contact.reason,
        "cadence": contact.cadence,
        "preferred_channel": channel.value if channel else None,
        "email_first": "yes" if contact.email_first else None,
        "personal": "yes" if contact.personal else None,
        "country": contact.country,
        "subdivision": contact.subdivision,
        "preferred_windows": format_windows(contact.preferred_windows) or None,
    }
