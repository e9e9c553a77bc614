"""Contacts turned into finished table rows away from the process that writes them.

A bulk import validates rows in worker processes; handing those workers the job of
building each contact's rows too (values in column order, converted by the column
types exactly as SQLAlchemy would) leaves the writing process little more than the
database's own work. The encoder is picklable: it carries the driver's name, not an
engine, and builds a dialect in whichever process uses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy.engine import Dialect, make_url

from ringback.adapters.db import convert
from ringback.adapters.db.bulk import encode_tuples
from ringback.adapters.db.tables import contact_phones, contacts
from ringback.domain.model import Contact

# One contact as rows: its contacts row without the id, its phones without contact_id.
EncodedContact = tuple[tuple[Any, ...], tuple[tuple[Any, ...], ...]]


@dataclass(frozen=True)
class ContactRowEncoder:
    """Contacts → EncodedContact for a database driver, each created at `created_at`."""

    drivername: str
    created_at: datetime

    def __call__(self, batch: Sequence[Contact]) -> list[EncodedContact]:
        dialect = _dialect(self.drivername)
        created_at = self.created_at
        # created_at is the last column: every row gets the import's instant.
        contact_rows = encode_tuples(
            ((0, *convert.contact_row(contact)[:-1], created_at) for contact in batch),
            contacts,
            dialect,
        )
        phones = [convert.phone_rows(contact.phones) for contact in batch]
        flat = encode_tuples(
            ((0, *row) for rows in phones for row in rows), contact_phones, dialect
        )
        encoded: list[EncodedContact] = []
        start = 0
        for contact_row, rows in zip(contact_rows, phones, strict=True):
            end = start + len(rows)
            encoded.append((contact_row[1:], tuple(row[1:] for row in flat[start:end])))
            start = end
        return encoded


@cache
def _dialect(drivername: str) -> Dialect:
    dialect_class = make_url(f"{drivername}://").get_dialect()
    return dialect_class()
