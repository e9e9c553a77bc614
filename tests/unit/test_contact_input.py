"""contact_from_record: one record of text fields → a valid Contact, or the field at fault."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from ringback.domain.contact_input import contact_from_record, first_name_of
from ringback.domain.errors import InvalidField
from ringback.domain.model import Channel, Contact, PhoneType, Weekday
from ringback.domain.value_input import normalize_email


def contact(**record: str | None) -> Contact:
    return contact_from_record(record, default_region="US")


def refused(row: int | None = None, **record: str | None) -> InvalidField:
    with pytest.raises(InvalidField) as caught:
        contact_from_record(record, default_region="US", row=row)
    return caught.value


def test_full_record_becomes_a_contact() -> None:
    made = contact(
        full_name="  Alice   Moreno ",
        mobile="+1 415 555 0100",
        email="Alice@Example.COM",
        company="Dental Group",
        title="Owner",
        segment="dental clinics, US",
        referred_by="Carol Jones",
        reason="advice on scheduling",
        owner="bob",
        address="1 Main St\nSpringfield",
        subdivision="CA",
        cadence="default",
    )
    assert made.full_name == "Alice Moreno"
    assert made.first_name == "Alice"
    assert [(p.e164, p.kind) for p in made.phones] == [("+14155550100", PhoneType.MOBILE)]
    assert made.email == "Alice@example.com"
    assert (made.company, made.title, made.segment) == (
        "Dental Group",
        "Owner",
        "dental clinics, US",
    )
    assert (made.referred_by, made.reason, made.owner) == (
        "Carol Jones",
        "advice on scheduling",
        "bob",
    )
    assert made.address == "1 Main St\nSpringfield"
    assert (made.subdivision, made.cadence) == ("CA", "default")
    assert made.country == "US"


def test_first_name_is_derived_from_the_full_name() -> None:
    assert contact(full_name="Dr. Ana Lima", phone="+14155550100").first_name == "Ana"
    assert first_name_of("Lima, Ana Paula") == "Ana"
    assert first_name_of("Prof. Dr. Jörg Müller") == "Jörg"
    assert first_name_of("Madonna") == "Madonna"


def test_given_first_name_wins_over_the_derived_one() -> None:
    made = contact(full_name="Robert Smith", first_name="Bob", phone="+14155550100")
    assert made.first_name == "Bob"


def test_first_and_last_name_make_the_full_name() -> None:
    made = contact(first_name="Jörg", last_name="Müller", phone="+49 30 1234567")
    assert (made.full_name, made.first_name) == ("Jörg Müller", "Jörg")


def test_a_name_is_required() -> None:
    assert refused(phone="+14155550100").field == "full_name"


def test_a_phone_or_an_email_is_required() -> None:
    error = refused(full_name="Ana Lima", company="Acme")
    assert error.field == "phone"
    assert "phone number or an email" in error.message


def test_email_alone_is_enough() -> None:
    made = contact(full_name="Ana Lima", email="ana@example.com")
    assert made.phones == ()
    assert made.email == "ana@example.com"
    assert (made.timezone, made.timezone_source) == ("UTC", "default")


def test_invalid_phone_names_the_field_and_row() -> None:
    error = refused(row=7, full_name="Ana Lima", work_phone="12345")
    assert (error.field, error.row) == ("work_phone", 7)
    assert "row 7, work_phone" in str(error)


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("phone", PhoneType.OTHER),
        ("mobile", PhoneType.MOBILE),
        ("work_phone", PhoneType.WORK),
        ("home_phone", PhoneType.HOME),
        ("mobile_2", PhoneType.MOBILE),
    ],
)
def test_each_phone_field_has_its_type(field: str, kind: PhoneType) -> None:
    made = contact_from_record(
        {"full_name": "Ana Lima", field: "+1 212 555 0142"}, default_region="US"
    )
    assert made.phones[0].kind is kind


def test_several_phones_keep_record_order_without_duplicates() -> None:
    made = contact(
        full_name="Ana Lima",
        work_phone="(212) 555-0142",
        mobile="+1 415 555 0100",
        phones="home: 212-555-0199; +1 212 555 0142; tel:+44 20 7946 0958",
    )
    assert [(p.e164, p.kind) for p in made.phones] == [
        ("+12125550142", PhoneType.WORK),
        ("+14155550100", PhoneType.MOBILE),
        ("+12125550199", PhoneType.HOME),
        ("+442079460958", PhoneType.OTHER),
    ]


def test_national_numbers_are_read_in_the_records_country() -> None:
    made = contact(full_name="Jörg Müller", phone="030 1234567", country="de")
    assert made.phones[0].e164 == "+49301234567"
    assert made.country == "DE"


def test_country_accepts_common_names() -> None:
    assert contact(full_name="A B", email="a@b.de", country="Germany").country == "DE"
    assert contact(full_name="A B", email="a@b.uk", country="UK").country == "GB"


def test_unknown_country_is_refused() -> None:
    assert refused(full_name="A B", email="a@b.de", country="Atlantis").field == "country"


def test_country_is_derived_from_the_first_phone() -> None:
    assert contact(full_name="A B", phone="+33 1 42 68 53 00").country == "FR"


@pytest.mark.parametrize(
    "raw", ["ana", "ana@", "@example.com", "ana@example", "ana@@example.com", "a..b@example.com"]
)
def test_malformed_email_is_refused(raw: str) -> None:
    error = refused(full_name="Ana Lima", email=raw)
    assert error.field == "email"


def test_email_domain_is_lower_cased_and_wrappers_removed() -> None:
    assert normalize_email("Ana.Lima@Example.COM") == "Ana.Lima@example.com"
    assert normalize_email("Ana Lima <ana@Example.com>") == "ana@example.com"
    assert normalize_email("mailto:ana@example.com") == "ana@example.com"
    assert normalize_email("josé@bücher.de") == "josé@bücher.de"


def test_extra_emails_are_kept_as_a_custom_field() -> None:
    made = contact(full_name="Ana Lima", email="ana@example.com; lima@example.org")
    assert made.email == "ana@example.com"
    assert made.fields == {"other_emails": "lima@example.org"}


def test_tags_split_on_commas_and_semicolons() -> None:
    made = contact(full_name="A B", email="a@b.de", tags="vip, dental;; vip ;berlin")
    assert made.tags == ("vip", "dental", "berlin")


def test_single_zone_number_sets_the_zone_from_the_phone() -> None:
    made = contact(full_name="A B", phone="+49 30 1234567")
    assert (made.timezone, made.timezone_source) == ("Europe/Berlin", "phone")
    assert not made.timezone_ambiguous


def test_number_with_several_zones_keeps_every_candidate() -> None:
    made = contact(full_name="A B", mobile="+7 912 345 67 89")  # a Russian mobile: all zones
    assert len(made.timezone_candidates) > 1
    assert made.timezone == made.timezone_candidates[0]
    assert made.timezone_ambiguous


def test_user_zone_overrides_and_is_case_insensitive() -> None:
    made = contact(full_name="A B", phone="+1 212 555 0142", timezone="america/chicago")
    assert (made.timezone, made.timezone_source) == ("America/Chicago", "user")
    assert made.timezone_candidates == ("America/New_York",)
    assert not made.timezone_ambiguous


def test_legacy_zone_names_are_shown_by_their_current_name() -> None:
    assert contact(full_name="A B", email="a@b.in", timezone="Asia/Calcutta").timezone == (
        "Asia/Kolkata"
    )


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "EST5"])
def test_unknown_zone_is_refused(zone: str) -> None:
    assert refused(full_name="A B", email="a@b.de", timezone=zone).field == "timezone"


def test_exported_derived_zone_is_derived_again() -> None:
    made = contact(full_name="A B", phone="+49 30 1234567", timezone="UTC", timezone_source="phone")
    assert (made.timezone, made.timezone_source) == ("Europe/Berlin", "phone")


@pytest.mark.parametrize(
    ("word", "expected"),
    [("yes", True), ("Y", True), ("1", True), ("no", False), ("false", False), ("0", False)],
)
def test_flags_accept_yes_no_words(word: str, expected: bool) -> None:
    made = contact(full_name="A B", email="a@b.de", email_first=word, personal=word)
    assert made.email_first is expected
    assert made.personal is expected


def test_flag_with_another_word_is_refused() -> None:
    assert refused(full_name="A B", email="a@b.de", personal="maybe").field == "personal"


def test_preferred_channel() -> None:
    assert contact(
        full_name="A B", email="a@b.de", preferred_channel="Email"
    ).preferred_channel is (Channel.EMAIL)
    assert contact(full_name="A B", email="a@b.de", preferred_channel="call").preferred_channel is (
        Channel.CALL
    )
    assert refused(full_name="A B", email="a@b.de", preferred_channel="fax").field == (
        "preferred_channel"
    )


def test_unknown_keys_become_custom_fields_and_blanks_are_ignored() -> None:
    made = contact(
        full_name="A B",
        email="a@b.de",
        **{"Lead source": "web", "field:company": "kept apart", "Notes": "  ", "x": None},
    )
    assert made.fields == {"Lead source": "web", "company": "kept apart"}
    assert made.company is None


def test_created_at_is_set_when_given() -> None:
    when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    made = contact_from_record(
        {"full_name": "A B", "email": "a@b.de"}, default_region="US", created_at=when
    )
    assert made.created_at == when


def test_preferred_windows_are_read_r4() -> None:
    made = contact(
        full_name="A B",
        email="a@b.de",
        preferred_windows="Tue, Thursday 14:00-17:30; mon 9:00-11:00",
    )
    assert [(w.days, w.start, w.end) for w in made.preferred_windows] == [
        ((Weekday.TUE, Weekday.THU), time(14, 0), time(17, 30)),
        ((Weekday.MON,), time(9, 0), time(11, 0)),
    ]


@pytest.mark.parametrize(
    "text", ["afternoons", "tue 17:00-14:00", "tu 10:00-11:00", "tue 25:00-26:00"]
)
def test_unreadable_preferred_windows_are_refused(text: str) -> None:
    error = refused(full_name="A B", email="a@b.de", preferred_windows=text)
    assert error.field == "preferred_windows"
