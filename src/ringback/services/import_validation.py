"""Validating import rows, the part of an import that runs in worker processes.

Workers are fresh interpreters that import this module to unpickle their task, so
it imports only the domain code that validation needs (see services/parallel.py).
"""

from __future__ import annotations

import dataclasses
import marshal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any, NamedTuple, Protocol, TypeVar

from ringback.domain.contact_input import (
    ContactParts,
    contact_from_record,
    contact_parts,
    parts_from_present,
)
from ringback.domain.errors import InvalidField, unknown_cadence
from ringback.domain.model import Channel, Contact, Phone, PhoneType
from ringback.domain.phone import use_fast_parser
from ringback.domain.value_input import format_windows, parse_windows

Values = Mapping[str, str | None]
Progress = Callable[[int], None]
PackedPhone = tuple[str, str, str | None, tuple[str, ...]]
Packed = tuple[
    tuple[str, str], tuple[PackedPhone, ...], tuple[Any, ...], str, str | None, tuple[Any, ...]
]


class Encoder(Protocol):
    """Turns validated contacts into whatever the repository stores in one go; picklable."""

    def __call__(self, contacts: Sequence[Contact], /) -> list[Any]:
        """The stored form of each contact."""

    def encode_parts(self, contacts: Sequence[ContactParts], /) -> list[Any]:
        """The same from contacts' validated values (contact_parts), no Contact built."""


class RowBlock(Protocol):
    """A run of consecutive input rows, handed whole to a validating worker."""

    def rows(self) -> Sequence[Values]:
        """The block's rows (source column → text), in order."""


class Reject(NamedTuple):
    offset: int  # within its block
    values: Values
    field: str
    message: str


_Built = TypeVar("_Built", Contact, ContactParts)


class Checked(NamedTuple):
    """A validated block: counts, refused rows, and each valid contact.

    A valid contact comes as (identity keys, encoded contact): the encoder's output,
    or a packed Contact (pack) when the repository has no encoder.
    """

    rows: int
    blank: int
    rejects: list[Reject]
    valid: list[tuple[tuple[str, ...], Any]]


@dataclass(frozen=True)
class ContactValidation:
    """Rows → contacts for a whole import; picklable, so worker processes can run it."""

    default_region: str
    mapping: Mapping[str, str] | None
    encoder: Encoder | None = None
    cadences: frozenset[str] | None = None  # the keys a row may name; None: any
    fast_phones: bool = True  # the importing process's parser choice, for workers

    def check(self, block: RowBlock) -> Checked:
        use_fast_parser(self.fast_phones)
        if self.encoder is not None:
            # From the row's values straight to its table rows: no Contact in between.
            (rows, blank), rejects, parts = self._validated(block, self._parts_builder())
            return Checked(rows, blank, rejects, _keyed(parts, self.encoder.encode_parts(parts)))
        region = self.default_region

        def build(values: Values) -> Contact:
            return contact_from_record(self._record(values), default_region=region)

        (rows, blank), rejects, contacts = self._validated(block, build)
        return Checked(rows, blank, rejects, _keyed(contacts, [pack(c) for c in contacts]))

    def _validated(
        self, block: RowBlock, build: Callable[[Values], _Built]
    ) -> tuple[tuple[int, int], list[Reject], list[_Built]]:
        """((rows, blank rows), rejects, each valid row's contact as `build` makes it)."""
        rows = block.rows()
        blank = 0
        rejects: list[Reject] = []
        valid: list[_Built] = []
        cadences = self.cadences
        for offset, values in enumerate(rows):
            if not any(values.values()):
                blank += 1
                continue
            try:
                contact = build(values)
            except InvalidField as exc:  # exceptions with custom __init__ don't unpickle
                rejects.append(Reject(offset, values, exc.field, exc.message))
                continue
            key = contact.cadence
            if key is not None and cadences is not None and key not in cadences:
                refused = unknown_cadence(key, cadences)
                rejects.append(Reject(offset, values, refused.field, refused.message))
                continue
            valid.append(contact)
        return (len(rows), blank), rejects, valid

    def _parts_builder(self) -> Callable[[Values], ContactParts]:
        """Row → ContactParts, as contact_parts(self._record(row)) computes them."""
        region = self.default_region
        mapping = self.mapping
        if mapping is None or len(set(mapping.values())) < len(mapping):
            # Columns sharing a field: the last one wins, even when it is blank.
            return lambda values: contact_parts(self._record(values), default_region=region)

        def build(values: Values) -> ContactParts:
            # Mapping and dropping blank values in one pass (contact_parts does both
            # in turn): with one column per field, the outcome is the same.
            present = {
                field: value.strip()
                for column, value in values.items()
                if value and not value.isspace() and (field := mapping.get(column)) is not None
            }
            return parts_from_present(present, region)

        return build

    def _record(self, values: Values) -> Values:
        if self.mapping is None:
            return values
        mapping = self.mapping
        return {mapping[column]: value for column, value in values.items() if column in mapping}


# Pickling a Contact (a dataclass holding enums and dataclasses) costs more to load
# than validating it took; plain tuples of strings load several times faster, and
# positional construction is the cheapest way back.
_ORDER = [f.name for f in dataclasses.fields(Contact)]
_MIDDLE = tuple(_ORDER[_ORDER.index("email") : _ORDER.index("preferred_windows")])
_TAIL = tuple(_ORDER[_ORDER.index("email_first") : _ORDER.index("created_at")])
_EXPECTED = ["full_name", "first_name", "phones", *_MIDDLE, "preferred_windows"]
if _ORDER != [*_EXPECTED, "preferred_channel", *_TAIL, "created_at", "id"]:
    raise RuntimeError("Contact's fields changed order: update pack and unpack")
_middle_of = attrgetter(*_MIDDLE)
_tail_of = attrgetter(*_TAIL)
_PHONE_TYPES = {kind.value: kind for kind in PhoneType}
_CHANNELS = {channel.value: channel for channel in Channel}


def pack(contact: Contact) -> Packed:
    phones = tuple((p.e164, p.kind.value, p.country, p.timezones) for p in contact.phones)
    channel = contact.preferred_channel
    return (
        (contact.full_name, contact.first_name),
        phones,
        _middle_of(contact),
        format_windows(contact.preferred_windows),
        channel.value if channel else None,
        _tail_of(contact),
    )


def unpack(packed: Packed, created_at: datetime) -> Contact:
    (full_name, first_name), phones, middle, windows, channel, tail = packed
    return Contact(  # type: ignore[call-arg]  # field order checked above
        full_name,
        first_name,
        tuple(
            Phone(e164, _PHONE_TYPES[kind], country, zones) for e164, kind, country, zones in phones
        ),
        *middle,
        parse_windows(windows) if windows else (),
        _CHANNELS[channel] if channel else None,
        *tail,
        created_at,
    )


def _keyed(contacts: Sequence[Contact | ContactParts], encoded: list[Any]) -> _Shipped:
    return _Shipped(zip(map(identity_texts, contacts), encoded, strict=True))


class _Shipped(list[Any]):
    """A worker's valid contacts (tuples of plain values), pickled through marshal.

    Marshal writes and reads such tuples faster than pickle, which tracks every
    object it writes; a value marshal refuses (a datetime, as PostgreSQL's driver
    takes dates) makes the whole list go by pickle instead.
    """

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        plain = list(self)
        try:
            return marshal.loads, (marshal.dumps(plain),)
        except ValueError:
            return list, (plain,)


def identity_texts(contact: Contact | ContactParts) -> tuple[str, ...]:
    """What makes two rows the same person (see _Seen), one text per phone and email."""
    name = folded(contact.full_name)
    keys = [_joined(name, phone.e164) for phone in contact.phones]
    if contact.email:
        keys.append(_joined(name, contact.email))
    return tuple(keys)


def key_text(name: str, phone_or_email: str) -> str:
    # Hashed in the importing process: str hashes differ between processes.
    return _joined(folded(name), phone_or_email)


def _joined(folded_name: str, phone_or_email: str) -> str:
    return f"{folded_name}\x1f{phone_or_email.casefold()}"


def folded(name: str) -> str:
    return " ".join(name.casefold().split())
