"""Contacts turned into finished table rows away from the process that writes them.

A bulk import validates rows in worker processes; handing those workers the job of
building each contact's rows too leaves the writing process little more than the
database's own work. Workers start fresh interpreters, so this module stays light:
no SQLAlchemy. The repository works out, with SQLAlchemy, which columns need a
conversion (see `SqlContactRepository.import_encoder`); the encoder only applies it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ringback.adapters.db import convert
from ringback.adapters.db.json_text import dump_json
from ringback.domain.contact_input import ContactParts
from ringback.domain.model import Contact

# One contact as rows: its contacts row without the id, its phones without contact_id.
EncodedContact = tuple[tuple[Any, ...], tuple[tuple[Any, ...], ...]]


@dataclass(frozen=True)
class ContactRowEncoder:
    """Contacts → EncodedContact, as the driver takes them; picklable.

    `created_at`: the import's instant, already converted for the driver.
    `contact_json` / `phone_json`: positions in convert.contact_row / phone_rows of
    the JSON columns, the only other columns needing a conversion.
    """

    created_at: Any
    contact_json: tuple[int, ...]
    phone_json: tuple[int, ...]

    def __call__(self, batch: Sequence[Contact]) -> list[EncodedContact]:
        return [self._encode(convert.contact_parts_of(contact)) for contact in batch]

    def encode_parts(self, batch: Sequence[ContactParts]) -> list[EncodedContact]:
        """The same rows from validated values, without building Contacts first."""
        return [self._encode(parts) for parts in batch]

    def _encode(self, parts: ContactParts) -> EncodedContact:
        row = list(convert.parts_row(parts, self.created_at))
        for index in self.contact_json:
            row[index] = dump_json(row[index])
        phone_rows = []
        for phone in convert.phone_rows(parts.phones):
            values = list(phone)
            for index in self.phone_json:
                values[index] = dump_json(values[index])
            phone_rows.append(tuple(values))
        return tuple(row), tuple(phone_rows)
