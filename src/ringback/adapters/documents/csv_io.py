"""CSV in and out: contact files with any common headers, rejects files, contact export.

Headers are matched case-, space- and punctuation-insensitively against common
spellings ("E-mail", "Cell", "Job title" …); `--map column=field` overrides win;
columns nobody recognises become custom fields. Rows are numbered as a spreadsheet
shows them: the header is row 1, so the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from ringback.domain.contact_input import CUSTOM_PREFIX, KNOWN_FIELDS, PHONE_FIELDS
from ringback.domain.errors import InvalidField
from ringback.domain.model import Contact
from ringback.domain.value_input import format_windows

FIRST_DATA_ROW = 2
IGNORE = "-"
REJECT_COLUMNS = ("row", "field", "error")
_DELIMITERS = (",", ";", "\t")
_NOT_ALNUM = re.compile(r"[\W_]+")

_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("name", "fullname", "contact", "contactname", "displayname", "person"),
    "first_name": ("firstname", "givenname", "forename", "first", "preferredname", "nickname"),
    "last_name": ("lastname", "surname", "familyname", "last"),
    "phone": ("phone", "phonenumber", "telephone", "tel", "number", "primaryphone", "phoneno"),
    "mobile": ("mobile", "mobilephone", "mobilenumber", "cell", "cellphone", "cellnumber"),
    "work_phone": ("workphone", "officephone", "businessphone", "work", "directline", "direct"),
    "home_phone": ("homephone", "home", "privatephone"),
    "phones": ("phones", "phonenumbers", "numbers"),
    "email": ("email", "emailaddress", "mail", "workemail", "emails"),
    "address": ("address", "postaladdress", "mailingaddress", "streetaddress", "fulladdress"),
    "country": ("country", "countrycode", "countryregion", "nation"),
    "subdivision": ("subdivision", "state", "province", "region", "county", "stateprovince"),
    "company": ("company", "organization", "organisation", "org", "employer", "companyname"),
    "title": ("title", "jobtitle", "position", "role", "job"),
    "segment": ("segment", "marketsegment", "industry"),
    "tags": ("tags", "tag", "labels", "label", "groups"),
    "owner": ("owner", "assignedto", "rep", "salesrep", "accountowner"),
    "referred_by": ("referredby", "referral", "referrer", "introducedby", "mutualconnection"),
    "reason": ("reason", "reasonforcall", "purpose", "why"),
    "timezone": ("timezone", "tz", "zone", "timezonename"),
    "timezone_source": ("timezonesource",),
    "preferred_windows": ("preferredwindows", "callwindows", "besttimes", "besttimetocall"),
    "preferred_channel": ("preferredchannel", "channel", "contactpreference"),
    "email_first": ("emailfirst",),
    "personal": ("personal", "ispersonal"),
    "cadence": ("cadence", "sequence"),
}
_HEADER_FIELDS = {alias: field for field, aliases in _ALIASES.items() for alias in aliases}
# Written by the export for reference; meaningless in another database.
_EXPORT_ONLY = frozenset({"ringbackid"})


def normalize_header(name: str) -> str:
    """'E-mail Address ' → 'emailaddress': what header matching compares."""
    return _NOT_ALNUM.sub("", name.casefold())


def detect_mapping(
    columns: Sequence[str], overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Column → record key for every column that is read; unread columns are left out.

    Unknown columns become custom fields ("field:<column>"). A second column for an
    already claimed phone field is numbered (phone_2); for other fields it is kept as
    a custom field rather than silently overwriting the first.
    """
    chosen = _checked_overrides(columns, overrides or {})
    claimed = {key for key in chosen.values() if key != IGNORE}
    mapping: dict[str, str] = {}
    for column in columns:
        key = chosen.get(column) or _claim(_guess(column), claimed, column)
        if key and key != IGNORE:
            mapping[column] = key
    return mapping


def _checked_overrides(columns: Sequence[str], overrides: Mapping[str, str]) -> dict[str, str]:
    by_folded = {normalize_header(column): column for column in columns}
    chosen: dict[str, str] = {}
    for column, field in overrides.items():
        actual = column if column in columns else by_folded.get(normalize_header(column))
        if actual is None:
            raise InvalidField("map", f"no column {column!r} in the file")
        chosen[actual] = _checked_target(field.strip())
    return chosen


def _checked_target(field: str) -> str:
    if field in KNOWN_FIELDS or field == IGNORE or field.startswith(CUSTOM_PREFIX):
        return field
    base, _, number = field.rpartition("_")
    if base in PHONE_FIELDS and number.isdigit():
        return field
    known = ", ".join(sorted(KNOWN_FIELDS))
    raise InvalidField(
        "map", f"unknown field {field!r}; use one of {known}, '{CUSTOM_PREFIX}NAME' or '-'"
    )


def _guess(column: str) -> str:
    if not column.strip():
        return IGNORE
    if column.startswith(CUSTOM_PREFIX):
        return column
    folded = normalize_header(column)
    if folded in _EXPORT_ONLY:
        return IGNORE
    field = _HEADER_FIELDS.get(folded) or _HEADER_FIELDS.get(folded.rstrip("0123456789"))
    return field or CUSTOM_PREFIX + column.strip()


def _claim(field: str, claimed: set[str], column: str) -> str:
    if field == IGNORE or field.startswith(CUSTOM_PREFIX) or field not in claimed:
        claimed.add(field)
        return field
    if field in PHONE_FIELDS:
        number = 2
        while f"{field}_{number}" in claimed:
            number += 1
        claimed.add(f"{field}_{number}")
        return f"{field}_{number}"
    return CUSTOM_PREFIX + column.strip()


# --- reading -----------------------------------------------------------------------


@dataclass
class CsvTable:
    """A CSV file's header and an iterator over its data rows (column → text)."""

    columns: list[str]
    rows: Iterator[dict[str, str | None]]


def read_csv(stream: IO[str]) -> CsvTable:
    """Read a CSV whose delimiter (',', ';' or tab) is guessed from its header line.

    Open files with `encoding="utf-8-sig"` (see `open_csv`) so a BOM is dropped.
    """
    header_line = stream.readline()
    delimiter = sniff_delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    columns = [name.strip() for name in header]
    reader = csv.reader(stream, delimiter=delimiter)
    return CsvTable(columns=columns, rows=_dict_rows(columns, reader))


# Text per block handed to an import worker: a few thousand rows of a typical export.
BLOCK_CHARS = 1 << 19


@dataclass(frozen=True)
class CsvBlock:
    """Whole records of a CSV file, still as text: cheap to hand to another process.

    Splitting a file into blocks costs the reading process almost nothing; each
    worker then parses its own block (`rows()`).
    """

    columns: tuple[str, ...]
    delimiter: str
    text: str

    def rows(self) -> list[dict[str, str | None]]:
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        return list(_dict_rows(list(self.columns), reader))


@dataclass
class CsvBlocks:
    """A CSV file's header and its data rows as CsvBlocks."""

    columns: list[str]
    blocks: Iterator[CsvBlock]


def read_csv_blocks(stream: IO[str], block_chars: int = BLOCK_CHARS) -> CsvBlocks:
    """Like read_csv, but the rows come as blocks of whole records (see CsvBlock)."""
    header_line = stream.readline()
    delimiter = sniff_delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    columns = [name.strip() for name in header]
    return CsvBlocks(columns, _blocks(stream, tuple(columns), delimiter, block_chars))


def _blocks(
    stream: IO[str], columns: tuple[str, ...], delimiter: str, block_chars: int
) -> Iterator[CsvBlock]:
    pending = ""
    while piece := stream.read(block_chars):
        text = pending + piece
        end = _records_end(text)
        if end:
            yield CsvBlock(columns, delimiter, text[:end])
        pending = text[end:]
    if pending:
        yield CsvBlock(columns, delimiter, pending)


def _records_end(text: str) -> int:
    """Where the last whole record of `text` ends: after a line break outside quotes.

    A line break is outside quotes when an even number of quote characters precede
    it (a quote inside a quoted cell is doubled, so it never changes the parity).
    0 when `text` holds no complete record yet.
    """
    cut = text.rfind("\n")
    if cut < 0:
        return 0
    quotes = text.count('"', 0, cut)
    while quotes % 2:
        previous = text.rfind("\n", 0, cut)
        if previous < 0:
            return 0
        quotes -= text.count('"', previous, cut)
        cut = previous
    return cut + 1


def open_csv(path: Path) -> IO[str]:
    return path.open(encoding="utf-8-sig", newline="")


def estimate_rows(path: Path) -> int:
    """Data rows in a CSV file, for a progress bar's total: lines after the header.

    Fast (it counts newlines, not records), so exact unless cells hold line breaks.
    """
    lines = 0
    last = b"\n"
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header most often (',' when none does)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _dict_rows(columns: list[str], reader: Iterable[list[str]]) -> Iterator[dict[str, str | None]]:
    width = len(columns)
    for values in reader:
        if len(values) < width:
            values = values + [""] * (width - len(values))
        yield dict(zip(columns, values, strict=False))


def read_jsonl(stream: IO[str]) -> Iterator[dict[str, str | None]]:
    """JSON Lines (one object per line, as dialers export events) as text rows.

    Numbers and booleans become their JSON text; blank lines are yielded as empty
    rows so row numbers stay line numbers. A line that is not a JSON object raises
    InvalidField naming it.
    """
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            yield {}
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidField("json", f"line {number} is not JSON: {exc.msg}", number) from None
        if not isinstance(data, dict):
            raise InvalidField("json", f"line {number} is not a JSON object", number)
        yield {str(key): _json_text(value) for key, value in data.items()}


def _json_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


# --- rejects -----------------------------------------------------------------------


class RejectsCsv:
    """A rejects file: each refused row's original columns plus row, field and error.

    The file is only created when the first row is rejected (PRODUCT.md §7).
    """

    def __init__(self, path: Path, columns: Sequence[str] | None = None) -> None:
        """`columns`: the source's columns; None takes the first rejected row's keys."""
        self.path = path
        self.columns = None if columns is None else [c for c in columns if c not in REJECT_COLUMNS]
        self.count = 0
        self._file: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None

    def reject(self, row: int, values: Mapping[str, str | None], error: InvalidField) -> None:
        if self.columns is None:
            self.columns = [c for c in values if c not in REJECT_COLUMNS]
        writer = self._writer or self._open(self.columns)
        writer.writerow({**values, "row": row, "field": error.field, "error": error.message})
        self.count += 1

    def _open(self, columns: list[str]) -> csv.DictWriter[str]:
        self._file = self.path.open("w", encoding="utf-8", newline="")
        self._writer = csv.DictWriter(
            self._file, [*columns, *REJECT_COLUMNS], extrasaction="ignore"
        )
        self._writer.writeheader()
        return self._writer

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# --- export ------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "ringback_id",
    "full_name",
    "first_name",
    "phones",
    "email",
    "address",
    "country",
    "subdivision",
    "company",
    "title",
    "segment",
    "tags",
    "owner",
    "referred_by",
    "reason",
    "timezone",
    "timezone_source",
    "preferred_windows",
    "preferred_channel",
    "email_first",
    "personal",
    "cadence",
)


def write_contacts_csv(
    contacts: Iterable[Contact],
    stream: IO[str],
    *,
    custom_fields: Sequence[str] | None = None,
    extra: Mapping[str, Mapping[int, str]] | None = None,
) -> int:
    """Write contacts as CSV that `read_csv` + import read back identically.

    Custom fields become extra columns; pass `custom_fields` (e.g. from a first pass)
    to stream, otherwise the contacts are gathered in memory to find them. `extra`
    adds computed columns at the end (name → value by contact id), e.g. the lead score.
    Returns the number of contacts written.
    """
    extra = extra or {}
    if custom_fields is None:
        contacts = list(contacts)
        custom_fields = custom_field_names(contacts)
    custom_columns = {name: _custom_column(name) for name in custom_fields}
    writer = csv.writer(stream)
    writer.writerow([*EXPORT_COLUMNS, *custom_columns.values(), *extra])
    written = 0
    for contact in contacts:
        writer.writerow(
            [
                *_export_values(contact),
                *(contact.fields.get(n, "") for n in custom_columns),
                *(values.get(contact.id or 0, "") for values in extra.values()),
            ]
        )
        written += 1
    return written


def custom_field_names(contacts: Iterable[Contact]) -> list[str]:
    """Custom field names in order of first appearance."""
    names: dict[str, None] = {}
    for contact in contacts:
        names.update(dict.fromkeys(contact.fields))
    return list(names)


def _custom_column(name: str) -> str:
    # A custom field whose name reads like a known header would be mapped to that
    # field on re-import; the prefix keeps it custom.
    if _guess(name).startswith(CUSTOM_PREFIX) and not name.startswith(CUSTOM_PREFIX):
        return name
    return CUSTOM_PREFIX + name


def _export_values(contact: Contact) -> list[str]:
    return [
        "" if contact.id is None else str(contact.id),
        contact.full_name,
        contact.first_name,
        "; ".join(f"{phone.kind.value}:{phone.e164}" for phone in contact.phones),
        contact.email or "",
        contact.address or "",
        contact.country or "",
        contact.subdivision or "",
        contact.company or "",
        contact.title or "",
        contact.segment or "",
        ", ".join(contact.tags),
        contact.owner or "",
        contact.referred_by or "",
        contact.reason or "",
        contact.timezone,
        contact.timezone_source,
        format_windows(contact.preferred_windows),
        contact.preferred_channel.value if contact.preferred_channel else "",
        "yes" if contact.email_first else "no",
        "yes" if contact.personal else "no",
        contact.cadence or "",
    ]


def contacts_csv_text(contacts: Iterable[Contact]) -> str:
    """The export as a string (small exports, tests)."""
    buffer = io.StringIO()
    write_contacts_csv(contacts, buffer)
    return buffer.getvalue()
