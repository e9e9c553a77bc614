"""Phone numbers: E.164 normalisation and the time zones a number may ring in (R5).

Uses libphonenumber's data (the `phonenumbers` package). A number whose prefix maps
to several zones is kept with every candidate so the planner can use the overlap.

Parsing goes first through `rphonenumbers`, the same library's Rust port (it
parses about ten times faster, and a bulk import is bounded by parsing), when it is
installed; validation is always `phonenumbers`' own, and whatever the fast path
refuses is parsed again by `phonenumbers`, whose metadata may be newer, so the
outcome is the one `phonenumbers` alone would give. `use_fast_parser(False)` (the
`phone_parser` setting) leaves `phonenumbers` alone.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberType
from phonenumbers.phonenumberutil import (
    COUNTRY_CODE_TO_REGION_CODE,
    is_number_type_geographical,
    national_significant_number,
)
from phonenumbers.re_util import re_compile
from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX

from ringback.domain.errors import InvalidField
from ringback.domain.model import Phone, PhoneType
from ringback.domain.phone_types import table_for

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

# Keep every compiled metadata pattern (a few hundred): otherwise each match first
# goes through the re module's bounded cache, a sizeable part of validating a number.
phonenumbers.enable_pattern_cache()


def canonical_zone(name: str) -> str:
    return _LEGACY_ZONES.get(name, name)


def _load_fast_parser() -> ModuleType | None:
    try:
        return importlib.import_module("rphonenumbers")
    except ImportError:
        return None


_FAST_PARSER = _load_fast_parser()
_FAST = _FAST_PARSER  # the one parse_phone uses; None: phonenumbers alone


def use_fast_parser(enabled: bool) -> None:
    """Parse with the Rust port when installed (True), or with `phonenumbers` alone.

    A process-wide choice, made once from the settings (bootstrap.App) and handed to
    import workers with their task (services/import_validation.py).
    """
    global _FAST
    _FAST = _FAST_PARSER if enabled else None


def fast_parser_in_use() -> bool:
    return _FAST is not None


def parse_phone(
    raw: str, default_region: str = "US", kind: PhoneType = PhoneType.MOBILE, field: str = "phone"
) -> Phone:
    """Parse `raw` in any common format into an E.164 `Phone`, or raise InvalidField."""
    text = raw.strip()
    if not text:
        raise InvalidField(field, "is empty")
    if _FAST is not None:
        found = _fast_parse(_FAST, text, default_region, kind)
        if found is not None:
            return found
    return _reference_parse(raw, text, default_region, kind, field)


def _fast_parse(fast: ModuleType, text: str, default_region: str, kind: PhoneType) -> Phone | None:
    """The Phone for `text` parsed by the Rust port, or None when it is not one.

    Only the parsing is the port's: the number is validated, as on the reference
    path, against `phonenumbers`' own metadata (the port's may be older), so a
    number is never accepted that `phonenumbers` would refuse.
    """
    try:
        number = fast.parse(text, default_region)
    except fast.NumberParseException:
        return None
    return _validated(number, kind)


def _reference_parse(
    raw: str, text: str, default_region: str, kind: PhoneType, field: str
) -> Phone:
    """`parse_phone` by `phonenumbers` alone; its messages name what is wrong."""
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidField(field, f"{raw!r} is not a phone number ({exc._msg})") from None
    phone = _validated(number, kind)
    if phone is None:
        raise InvalidField(field, f"{raw!r} is not a valid phone number")
    return phone


def _validated(number: PhoneNumber, kind: PhoneType) -> Phone | None:
    """The Phone for a parsed number, or None when it is not a valid one.

    `number`: a phonenumbers PhoneNumber, or the Rust port's (same attributes).
    """
    # The number's type is what validation computes; asking for it once serves both
    # validation and the zone lookup, which keeps bulk imports near parsing speed.
    national = national_significant_number(number)
    country, number_type = _region_and_type(number, national)
    if number_type == PhoneNumberType.UNKNOWN:
        return None
    # What format_number(number, E164) returns for a valid number, without
    # computing the national number once more.
    country_code = number.country_code or 0
    e164 = f"+{country_code}{national}"
    return Phone(e164, kind, country, _zones(e164, country_code, number_type))


def _zones(e164: str, country_code: int, number_type: int) -> tuple[str, ...]:
    """The zones a valid number of this type may ring in (R5)."""
    if is_number_type_geographical(number_type, country_code):
        return _zones_for_digits(e164[1 : 1 + TIMEZONE_LONGEST_PREFIX])
    return _zones_for_country_code(country_code)


def _region_and_type(number: PhoneNumber, national_number: str) -> tuple[str | None, int]:
    """`region_code_for_number(number)` and `number_type(number)`, computing the type once.

    Both calls would find the region, and for calling codes shared by several
    regions (+1) finding it may already mean computing the type.
    `national_number`: national_significant_number(number), computed by the caller.
    """
    regions = COUNTRY_CODE_TO_REGION_CODE.get(number.country_code or 0)
    if regions is None or len(regions) == 1:
        region = regions[0] if regions else None
        return region, _number_type(number, national_number, region)
    for region in regions:  # as phonenumberutil._region_code_for_number_from_list
        metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
        if metadata is None:
            continue
        if metadata.leading_digits is not None:
            if re_compile(metadata.leading_digits).match(national_number):
                return region, _number_type(number, national_number, region)
            continue
        number_type = table_for(metadata).number_type(national_number)
        if number_type != PhoneNumberType.UNKNOWN:
            return region, number_type
    return None, PhoneNumberType.UNKNOWN


def _number_type(number: PhoneNumber, national_number: str, region: str | None) -> int:
    """`phonenumbers.number_type(number)` for the number's already known region.

    number_type() would look the region up again, and for the regions sharing +1
    that lookup validates the number once more.
    """
    if region is None or number.country_code is None:
        return PhoneNumberType.UNKNOWN
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(number.country_code, region)
    if metadata is None:
        return PhoneNumberType.UNKNOWN
    return table_for(metadata).number_type(national_number)


def _zones_for_digits(head: str) -> tuple[str, ...]:
    """Zones for the longest prefix of `head` (country code + national digits) in the data."""
    zones_by_prefix, lengths_by_start = _zone_index()
    for length in lengths_by_start.get(head[:3], _SHORT_PREFIXES):
        zones = zones_by_prefix.get(head[:length])
        if zones is not None:
            return zones
    return ()


def _zones_for_country_code(country_code: int) -> tuple[str, ...]:
    """Zones of a whole calling code, for numbers not tied to a place (mobiles, toll-free)."""
    return _zones_for_digits(str(country_code))


_SHORT_PREFIXES = (2, 1)


@lru_cache(maxsize=1)
def _zone_index() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[int, ...]]]:
    """libphonenumber's prefix → zones data, made once rather than once per number:
    zone names current and its unknown zone left out; and for each start of three
    digits, the lengths of the prefixes beginning with it, longest first, then the
    shorter ones (so a lookup tries only lengths that exist)."""
    cleaned: dict[tuple[str, ...], tuple[str, ...]] = {}
    zones_by_prefix = {}
    lengths: dict[str, set[int]] = {}
    for prefix, zones in TIMEZONE_DATA.items():
        if zones not in cleaned:
            cleaned[zones] = tuple(
                dict.fromkeys(canonical_zone(z) for z in zones if z != _UNKNOWN_ZONE)
            )
        zones_by_prefix[prefix] = cleaned[zones]
        if len(prefix) > max(_SHORT_PREFIXES):
            lengths.setdefault(prefix[:3], set()).add(len(prefix))
    lengths_by_start = {
        start: (*sorted(found, reverse=True), *_SHORT_PREFIXES) for start, found in lengths.items()
    }
    return zones_by_prefix, lengths_by_start


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


# R7: a number is said slowly, in short groups a listener can write down. Groups
# follow the number's own national format; a group longer than this is split.
LONGEST_SPOKEN_GROUP = 5
SPOKEN_SEPARATOR = " · "


def spoken_number(e164: str, listener_region: str | None = None) -> str:
    """`e164` in spoken chunks, e.g. "612 · 555 · 1234" (R7).

    The grouping is the country's national format (libphonenumber's), so a UK
    number reads "020 · 7946 · 0018" and a French one "01 · 23 · 45 · 67 · 89".
    When the listener is in another country (`listener_region`), the number is
    said in its international form, starting with its country code ("+1 · 612 · …").
    """
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        raise InvalidField("phone", f"{e164!r} is not a phone number in E.164") from None
    region = phonenumbers.region_code_for_number(number)
    abroad = listener_region is not None and region is not None and listener_region != region
    style = (
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
        if abroad
        else phonenumbers.PhoneNumberFormat.NATIONAL
    )
    written = phonenumbers.format_number(number, style)
    groups = _GROUPS.findall(written)
    return SPOKEN_SEPARATOR.join(chunk for group in groups for chunk in _split_group(group))


def written_number(e164: str, listener_region: str | None = None) -> str:
    """`e164` as written for a reader in `listener_region`: national at home, else international."""
    number = phonenumbers.parse(e164, None)
    region = phonenumbers.region_code_for_number(number)
    if listener_region is not None and region == listener_region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_GROUPS = re_compile(r"\+?\d+")


def _split_group(group: str) -> list[str]:
    """A long group in nearly equal chunks, the longer ones first: 8 → 4+4, 7 → 4+3."""
    if len(group) <= LONGEST_SPOKEN_GROUP:
        return [group]
    count = -(-len(group) // LONGEST_SPOKEN_GROUP)
    size, extra = divmod(len(group), count)
    chunks, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        chunks.append(group[start:end])
        start = end
    return chunks


def national_digits(e164: str) -> str:
    """The national significant number of `e164` ("6125551234" for +1 612 555 1234)."""
    return national_significant_number(phonenumbers.parse(e164, None))
