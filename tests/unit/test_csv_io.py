"""CSV files: header detection, --map overrides, delimiters, rejects files, export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringback.adapters.documents.csv_io import (
    RejectsCsv,
    contacts_csv_text,
    detect_mapping,
    estimate_rows,
    open_csv,
    read_csv,
    read_csv_blocks,
    sniff_delimiter,
)
from ringback.domain.contact_input import contact_from_record
from ringback.domain.errors import InvalidField
from ringback.domain.model import Channel, Contact


def test_common_header_spellings_are_recognised() -> None:
    columns = [
        "Name",
        "First Name",
        "E-mail Address",
        "Cell",
        "Work phone",
        "Organization",
        "Job title",
        "Referred by",
        "Time zone",
        "Tags",
    ]
    assert detect_mapping(columns) == {
        "Name": "full_name",
        "First Name": "first_name",
        "E-mail Address": "email",
        "Cell": "mobile",
        "Work phone": "work_phone",
        "Organization": "company",
        "Job title": "title",
        "Referred by": "referred_by",
        "Time zone": "timezone",
        "Tags": "tags",
    }


def test_matching_ignores_case_spaces_and_punctuation() -> None:
    mapping = detect_mapping(["  FULL_NAME ", "mobile-phone", "Referral", "COMPANY NAME"])
    assert list(mapping.values()) == ["full_name", "mobile", "referred_by", "company"]


def test_unknown_columns_become_custom_fields_and_blank_headers_are_skipped() -> None:
    assert detect_mapping(["Name", "Lead source", ""]) == {
        "Name": "full_name",
        "Lead source": "field:Lead source",
    }


def test_second_phone_column_is_numbered_other_repeats_stay_custom() -> None:
    mapping = detect_mapping(["Name", "Phone 1", "Phone 2", "Company", "Employer"])
    assert mapping == {
        "Name": "full_name",
        "Phone 1": "phone",
        "Phone 2": "phone_2",
        "Company": "company",
        "Employer": "field:Employer",
    }


def test_map_overrides_win_and_can_ignore_columns() -> None:
    mapping = detect_mapping(
        ["Name", "Number", "Notes", "Internal"],
        {"number": "work_phone", "Notes": "field:remarks", "Internal": "-"},
    )
    assert mapping == {"Name": "full_name", "Number": "work_phone", "Notes": "field:remarks"}


def test_map_to_an_unknown_field_or_column_is_refused() -> None:
    with pytest.raises(InvalidField) as unknown_field:
        detect_mapping(["Name"], {"Name": "fullname"})
    assert unknown_field.value.field == "map"
    with pytest.raises(InvalidField, match="no column 'Nope'"):
        detect_mapping(["Name"], {"Nope": "full_name"})


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [("a,b,c\n", ","), ("a;b;c\n", ";"), ("a\tb\tc\n", "\t"), ("single\n", ",")],
)
def test_delimiter_is_sniffed_from_the_header(line: str, delimiter: str) -> None:
    assert sniff_delimiter(line) == delimiter


def test_read_csv_with_semicolons_a_bom_and_short_rows(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffName;Phone;City\r\nAna;+1 415 555 0100;Paris\r\nBo;1\r\n".encode())
    with open_csv(path) as stream:
        table = read_csv(stream)
        assert table.columns == ["Name", "Phone", "City"]
        assert list(table.rows) == [
            {"Name": "Ana", "Phone": "+1 415 555 0100", "City": "Paris"},
            {"Name": "Bo", "Phone": "1", "City": ""},
        ]


def test_quoted_cells_may_hold_delimiters_and_newlines() -> None:
    stream = io.StringIO('Name,Address\n"Lima, Ana","1 Main St\nSpringfield"\n')
    rows = list(read_csv(stream).rows)
    assert rows == [{"Name": "Lima, Ana", "Address": "1 Main St\nSpringfield"}]


def rows_of_blocks(text: str, block_chars: int) -> list[dict[str, str | None]]:
    table = read_csv_blocks(io.StringIO(text, newline=""), block_chars)
    return [row for block in table.blocks for row in block.rows()]


def test_blocks_end_between_records_never_inside_a_quoted_cell() -> None:
    text = 'Name,Note\nAna,"one\ntwo\n""three"",\nfour"\nBo,plain\n\nCy,"x\ny"'
    expected = list(read_csv(io.StringIO(text, newline="")).rows)
    for block_chars in (1, 3, 7, 16, 1000):
        assert rows_of_blocks(text, block_chars) == expected


cell = st.text(alphabet=st.sampled_from(list('ab ,;"\n\r\té')), max_size=12)


@given(
    rows=st.lists(st.lists(cell, min_size=3, max_size=3), max_size=25),
    block_chars=st.integers(min_value=1, max_value=200),
)
def test_blocks_hold_exactly_the_rows_read_csv_reads(
    rows: list[list[str]], block_chars: int
) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["A", "B", "C"])
    writer.writerows(rows)
    text = out.getvalue()
    expected = list(read_csv(io.StringIO(text, newline="")).rows)
    assert rows_of_blocks(text, block_chars) == expected


def test_rejects_file_keeps_original_columns_plus_row_field_error(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    with RejectsCsv(path, ["Name", "Phone"]) as rejects:
        rejects.reject(3, {"Name": "Ana", "Phone": "123"}, InvalidField("Phone", "not valid", 3))
    with path.open(encoding="utf-8") as stream:
        assert list(csv.DictReader(stream)) == [
            {"Name": "Ana", "Phone": "123", "row": "3", "field": "Phone", "error": "not valid"}
        ]


def test_no_rejects_no_file(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    with RejectsCsv(path, ["Name"]):
        pass
    assert not path.exists()


def rich_contact() -> Contact:
    made = contact_from_record(
        {
            "full_name": "Dr. Ana Lima",
            "mobile": "+55 11 98765 4321",
            "work_phone": "+55 11 3456 7890",
            "email": "ana@exemplo.com.br; lima@example.org",
            "address": "Av. Paulista 1000\nSão Paulo",
            "subdivision": "SP",
            "company": "Clínica Sorriso, Ltda",
            "title": "Owner",
            "segment": "dental clinics, BR",
            "tags": "vip, referral",
            "owner": "bob",
            "referred_by": "Carol Jones",
            "reason": 'ask for "advice"',
            "timezone": "America/Sao_Paulo",
            "preferred_channel": "email",
            "email_first": "yes",
            "personal": "no",
            "cadence": "gentle",
            "preferred_windows": "tue,thu 14:00-17:00; sat 10:00-12:00",
            "Lead source": "web",
            "field:tags": "a custom field named like a known one",
        },
        default_region="US",
    )
    made.id = 41
    return made


def reimported(text: str) -> list[Contact]:
    table = read_csv(io.StringIO(text))
    mapping = detect_mapping(table.columns)
    records = [{mapping[c]: v for c, v in row.items() if c in mapping} for row in table.rows]
    return [contact_from_record(record, default_region="US") for record in records]


def test_export_round_trips_through_import() -> None:
    derived = contact_from_record(
        {"full_name": "Hiro Tanaka", "home_phone": "+81 3 1234 5678"}, default_region="US"
    )
    original = [rich_contact(), derived]
    again = reimported(contacts_csv_text(original))
    for contact in original:
        contact.id = None
    assert again == original
    assert again[0].preferred_channel is Channel.EMAIL
    assert again[1].timezone_source == "phone"


def test_export_has_one_column_per_custom_field() -> None:
    header = next(csv.reader(io.StringIO(contacts_csv_text([rich_contact()]))))
    assert header[0] == "ringback_id"
    assert header[-3:] == ["Lead source", "field:tags", "other_emails"]


def test_row_estimate_for_progress_bars(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Name,Phone\nAna,1\nBo,2")
    assert estimate_rows(path) == 2
    path.write_text("Name,Phone\n")
    assert estimate_rows(path) == 0
