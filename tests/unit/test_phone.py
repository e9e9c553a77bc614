"""Phone parsing to E.164 and the zones a number rings in (R5)."""

from __future__ import annotations

import phonenumbers
import pytest
from phonenumbers import timezone as pn_timezone

from ringback.domain.errors import InvalidField
from ringback.domain.model import PhoneType
from ringback.domain.phone import canonical_zone, lookup_key, parse_phone


@pytest.mark.parametrize(
    ("raw", "region", "e164", "zones"),
    [
        ("(212) 555-0142", "US", "+12125550142", ("America/New_York",)),
        ("+1 808 555 0100", "US", "+18085550100", ("Pacific/Honolulu",)),
        ("030 12345678", "DE", "+493012345678", ("Europe/Berlin",)),
        ("020 7946 0000", "GB", "+442079460000", ("Europe/London",)),
        ("+91 98765 43210", "US", "+919876543210", ("Asia/Kolkata",)),
        ("01 42 34 47 57", "FR", "+33142344757", ("Europe/Paris",)),
    ],
)
def test_numbers_in_any_format_become_e164_with_their_zone(
    raw: str, region: str, e164: str, zones: tuple[str, ...]
) -> None:
    phone = parse_phone(raw, region, PhoneType.WORK)
    assert (phone.e164, phone.timezones, phone.kind) == (e164, zones, PhoneType.WORK)


def test_india_is_shown_with_the_current_zone_name() -> None:
    assert canonical_zone("Asia/Calcutta") == "Asia/Kolkata"


def test_toll_free_number_keeps_every_candidate_zone_r5() -> None:
    phone = parse_phone("+1 800 555 0100")
    assert len(phone.timezones) > 5
    assert "America/New_York" in phone.timezones


@pytest.mark.parametrize(
    "raw",
    ["+12125550142", "+4915123456789", "+447911123456", "+61412345678", "+819012345678"],
)
def test_zones_match_libphonenumber(raw: str) -> None:
    number = phonenumbers.parse(raw)
    expected = tuple(dict.fromkeys(map(canonical_zone, pn_timezone.time_zones_for_number(number))))
    assert parse_phone(raw).timezones == expected


@pytest.mark.parametrize("raw", ["", "   ", "hello", "+1 212 555", "+999 1234"])
def test_invalid_numbers_name_the_field(raw: str) -> None:
    with pytest.raises(InvalidField) as bad:
        parse_phone(raw, field="work_phone")
    assert bad.value.field == "work_phone"


def test_lookup_key_accepts_any_format_and_rejects_words() -> None:
    assert lookup_key("212.555.0142") == "+12125550142"
    assert lookup_key("Alice") is None
