"""vCard 3.0 and 4.0 import, 4.0 export, and the round trip between them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import vobject

from ringback.adapters.documents.vcard import contact_to_vcard, read_vcards, write_vcards
from ringback.domain.contact_input import contact_from_record
from ringback.domain.errors import InvalidField
from ringback.domain.model import Contact, PhoneType

DATA = Path(__file__).parent.parent / "data"


def cards(name: str) -> list[dict[str, str | None]]:
    with (DATA / name).open(encoding="utf-8") as stream:
        return read_vcards(stream)


def contact_of(record: dict[str, str | None], row: int = 1) -> Contact:
    return contact_from_record(record, default_region="US", row=row)


def test_vcard_3_fields_are_read() -> None:
    jorg = contact_of(cards("contacts_v3.vcf")[0])
    assert (jorg.full_name, jorg.first_name) == ("Dr. Jörg Müller", "Jörg")
    # The preferred number comes first; the fax is not callable and is skipped.
    assert [(p.e164, p.kind) for p in jorg.phones] == [
        ("+4915123456789", PhoneType.MOBILE),
        ("+49301234567", PhoneType.WORK),
    ]
    assert jorg.email == "joerg@beispiel.de"
    assert (jorg.company, jorg.title) == ("Beispiel GmbH", "Leiter Vertrieb")
    assert jorg.address == "Hauptstr. 1\nBerlin BE 10115\nGermany"
    assert (jorg.country, jorg.subdivision) == ("DE", "BE")
    assert jorg.tags == ("dental", "Berlin")
    assert jorg.fields == {"note": "Met at the dental trade fair"}
    # A UTC offset says nothing about daylight saving: the number decides.
    assert (jorg.timezone, jorg.timezone_source) == ("Europe/Berlin", "phone")


def test_vcard_3_national_number_and_several_emails() -> None:
    chidi = contact_of(cards("contacts_v3.vcf")[1])
    assert [(p.e164, p.kind) for p in chidi.phones] == [("+12125550142", PhoneType.HOME)]
    assert chidi.email == "chidi@example.com"
    assert chidi.fields == {"other_emails": "chidi.okafor@example.org"}


def test_vcard_with_a_bad_number_is_refused_naming_field_and_card() -> None:
    with pytest.raises(InvalidField) as refused:
        contact_of(cards("contacts_v3.vcf")[2], row=3)
    assert (refused.value.field, refused.value.row) == ("mobile", 3)


def test_vcard_4_tel_uris_types_and_zone() -> None:
    ana, hiro = (contact_of(record) for record in cards("contacts_v4.vcf"))
    assert [(p.e164, p.kind) for p in ana.phones] == [
        ("+5511987654321", PhoneType.MOBILE),
        ("+551134567890", PhoneType.WORK),
    ]
    assert ana.email == "ana.lima@exemplo.com.br"
    assert (ana.timezone, ana.timezone_source) == ("America/Sao_Paulo", "user")
    assert ana.tags == ("dental", "referral")
    assert ana.country == "BR"
    assert [(p.e164, p.kind) for p in hiro.phones] == [("+81312345678", PhoneType.HOME)]
    assert hiro.timezone == "Asia/Tokyo"


def test_malformed_card_refuses_the_file_before_anything_is_imported() -> None:
    text = "BEGIN:VCARD\nVERSION:3.0\nFN:Ok\nTEL:+14155550100\nEND:VCARD\n"
    text += "BEGIN:VCARD\nVERSION:3.0\nFN Broken line without colon\nEND:VCARD\n"
    with pytest.raises(InvalidField) as refused:
        read_vcards(io.StringIO(text))
    assert (refused.value.field, refused.value.row) == ("vcard", 2)


def test_export_is_vcard_4_that_vobject_parses() -> None:
    ana = contact_of(cards("contacts_v4.vcf")[0])
    parsed = vobject.readOne(contact_to_vcard(ana))
    assert parsed.version.value == "4.0"
    assert parsed.fn.value == "Ana Lima"
    assert [tel.value for tel in parsed.contents["tel"]] == [
        "tel:+5511987654321",
        "tel:+551134567890",
    ]
    assert parsed.contents["tel"][0].params["TYPE"] == ["cell"]


def test_export_round_trips_through_import() -> None:
    everything = contact_from_record(
        {
            "full_name": "Dr. Ana Lima",
            "mobile": "+55 11 98765 4321",
            "home_phone": "+55 11 3456 7890",
            "email": "ana@exemplo.com.br; lima@example.org",
            "address": "Av. Paulista 1000\nSão Paulo",
            "country": "BR",
            "subdivision": "SP",
            "company": "Clínica; Sorriso",
            "title": "Owner",
            "segment": "dental clinics, BR",
            "tags": "vip, referral",
            "owner": "bob",
            "referred_by": "Carol Jones",
            "reason": "ask for advice, not a favour",
            "timezone": "America/Sao_Paulo",
            "preferred_channel": "email",
            "email_first": "yes",
            "personal": "yes",
            "cadence": "gentle",
            "preferred_windows": "tue,thu 14:00-17:00; sat 10:00-12:00",
            "Lead source": "web, form",
            "field:note": "line one\nline two",
        },
        default_region="US",
    )
    derived = contact_from_record(
        {"full_name": "Hiro", "phone": "+81 3 1234 5678"}, default_region="US"
    )
    stream = io.StringIO()
    assert write_vcards([everything, derived], stream) == 2
    stream.seek(0)
    again = [contact_of(record) for record in read_vcards(stream)]
    assert again == [everything, derived]
