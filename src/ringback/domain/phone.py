"""Phone numbers: E.164 normalisation and the time zones a number may ring in (R5).

Uses libphonenumber's data (the `phonenumbers` package). A number whose prefix maps
to several zones is kept with every candidate so the planner can use the overlap.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import timezone as pn_timezone

from ringback.domain.errors import InvalidField
from ringback.domain.model import Phone, PhoneType

# tzdata keeps these legacy names as links; show the current ones (ARCHITECTURE.md).
_LEGACY_ZONES = {
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "Europe/Kiev": "Europe/Kyiv",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "Pacific/Truk": "Pacific/Chuuk",
    "Pacific/Ponape": "Pacific/Pohnpei",
}
_UNKNOWN_ZONE = "Etc/Unknown"


def canonical_zone(name: str) -> str:
    return _LEGACY_ZONES.get(name, name)


def parse_phone(
    raw: str, default_region: str = "US", kind: PhoneType = PhoneType.MOBILE, field: str = "phone"
) -> Phone:
    """Parse `raw` in any common format into an E.164 `Phone`, or raise InvalidField."""
    text = raw.strip()
    if not text:
        raise InvalidField(field, "is empty")
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidField(field, f"{raw!r} is not a phone number ({exc._msg})") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidField(field, f"{raw!r} is not a valid phone number")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    country = phonenumbers.region_code_for_number(number)
    return Phone(e164=e164, kind=kind, country=country, timezones=zones_for_number(number))


def zones_for_number(number: phonenumbers.PhoneNumber) -> tuple[str, ...]:
    national = phonenumbers.national_significant_number(number)
    return _zones_for_prefix(number.country_code or 0, national)


def _zones_for_prefix(country_code: int, national: str) -> tuple[str, ...]:
    # Zone data is keyed by leading digits, so the first six digits settle it for every
    # plan in libphonenumber; caching on them makes bulk imports cheap.
    return _cached_zones(country_code, national[:6], len(national))


@lru_cache(maxsize=65536)
def _cached_zones(country_code: int, head: str, length: int) -> tuple[str, ...]:
    probe = phonenumbers.PhoneNumber(
        country_code=country_code, national_number=int(head.ljust(length, "0"))
    )
    zones = pn_timezone.time_zones_for_number(probe)
    result = tuple(dict.fromkeys(canonical_zone(z) for z in zones if z != _UNKNOWN_ZONE))
    return result


def lookup_key(raw: str, default_region: str = "US") -> str | None:
    """E.164 form of `raw` for lookups (any format), or None when it is not a number."""
    try:
        number = phonenumbers.parse(raw.strip(), default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_international(e164: str) -> str:
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
