"""Phone parsing to E.164 and the zones a number rings in (R5)."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from phonenumbers import timezone as pn_timezone

from ringback.domain.errors import InvalidField
from ringback.domain.model import PhoneType
from ringback.domain.phone import _region_and_type, canonical_zone, lookup_key, parse_phone


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


def _reference(raw: str, region: str) -> tuple[str, str | None, int] | None:
    """What parse_phone must agree with: libphonenumber's public API, step by step."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.UNKNOWN:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, phonenumbers.region_code_for_number(number), kind


def _sample_numbers() -> list[tuple[str, str]]:
    """Example numbers of every type of every region, and near misses of each."""
    samples: list[tuple[str, str]] = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in phonenumbers.PhoneNumberType.values():
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
            national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
            samples += [(e164, "US"), (national, region), (e164[:-1], "US"), (e164 + "7", "US")]
            samples.append((e164[:-2] + e164[-1] + e164[-2], "US"))
    randomly = random.Random(5)
    for code in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        samples += [(f"+{code} 555 0100 {digits}", "US") for digits in ("", "1", "12", "123")]
        for _ in range(40 if code == 1 else 10):
            digits = "".join(randomly.choices("0123456789", k=randomly.randint(6, 12)))
            samples.append((f"+{code}{digits}", "US"))
    return samples


def test_parse_phone_agrees_with_libphonenumber_on_every_region_and_type() -> None:
    samples = _sample_numbers()
    assert len(samples) > 5000
    for raw, region in samples:
        expected = _reference(raw, region)
        try:
            phone = parse_phone(raw, region)
        except InvalidField:
            assert expected is None, raw
            continue
        assert expected is not None, raw
        e164, country, _ = expected
        assert (phone.e164, phone.country) == (e164, country), raw


def test_region_and_type_are_libphonenumbers_own() -> None:
    for raw, region in _sample_numbers():
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        expected = phonenumbers.region_code_for_number(number), phonenumbers.number_type(number)
        national = phonenumbers.national_significant_number(number)
        assert _region_and_type(number, national) == expected, raw


def test_zones_are_libphonenumbers_own_on_every_region_and_type_r5() -> None:
    checked = 0
    for raw, region in _sample_numbers():
        try:
            phone = parse_phone(raw, region)
        except InvalidField:
            continue
        zones = pn_timezone.time_zones_for_number(phonenumbers.parse(raw, region))
        expected = tuple(dict.fromkeys(canonical_zone(z) for z in zones if z != "Etc/Unknown"))
        assert phone.timezones == expected, raw
        checked += 1
    assert checked > 2000
