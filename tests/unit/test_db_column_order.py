"""Bulk writes build rows as tuples: their order must be the tables' column order."""

from ringback.adapters.db import convert
from ringback.adapters.db.tables import contact_phones, contacts


def test_contact_rows_follow_the_contacts_table_column_order() -> None:
    assert convert.CONTACT_COLUMNS == tuple(column.name for column in contacts.columns)[1:]


def test_phone_rows_follow_the_contact_phones_table_column_order() -> None:
    assert convert.PHONE_COLUMNS == tuple(column.name for column in contact_phones.columns)[1:]
