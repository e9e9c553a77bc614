"""A number's type (mobile, fixed line, toll-free…) from libphonenumber's own metadata,
decided as `phonenumbers` decides it, at a fraction of the cost (R5, bulk imports).

`phonenumbers` walks the descriptions of a region one by one, and for each goes
through four Python calls and a pattern-cache lookup before its regular expression
runs. Validating a number is mostly that walk. Here each region's descriptions are
read once into a `TypeTable` (the same compiled patterns, the same possible
lengths, in the same order), so classifying a number is one loop. The outcome is
`phonenumbers`' `_number_type_helper`'s for every input: tests compare the two on
every region's example numbers and on random digit strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from phonenumbers import PhoneNumberType
from phonenumbers.re_util import re_compile

# The order in which `phonenumbers` tries the types that are neither fixed line nor
# mobile: the first that matches wins.
_SPECIAL_TYPES = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)


@dataclass(frozen=True, slots=True)
class Desc:
    """One number description: the lengths it allows (None: any) and its pattern."""

    lengths: frozenset[int] | None
    pattern: re.Pattern[str]

    def matches(self, national_number: str) -> bool:
        lengths = self.lengths
        if lengths is not None and len(national_number) not in lengths:
            return False
        return self.pattern.fullmatch(national_number) is not None


@dataclass(frozen=True, slots=True)
class TypeTable:
    """A region's descriptions, in the order `phonenumbers` tries them."""

    general: Desc | None
    special: tuple[tuple[int, Desc], ...]
    fixed_line: Desc | None
    mobile: Desc | None
    same_mobile_and_fixed_line: bool

    def number_type(self, national_number: str) -> int:
        """The PhoneNumberType of `national_number` (its significant digits)."""
        general = self.general
        if general is None or not general.matches(national_number):
            return PhoneNumberType.UNKNOWN
        size = len(national_number)
        for kind, desc in self.special:
            lengths = desc.lengths
            if (lengths is None or size in lengths) and desc.pattern.fullmatch(national_number):
                return kind
        mobile = self.mobile
        fixed_line = self.fixed_line
        if fixed_line is not None and fixed_line.matches(national_number):
            if self.same_mobile_and_fixed_line or (
                mobile is not None and mobile.matches(national_number)
            ):
                return PhoneNumberType.FIXED_LINE_OR_MOBILE
            return PhoneNumberType.FIXED_LINE
        if (
            not self.same_mobile_and_fixed_line
            and mobile is not None
            and mobile.matches(national_number)
        ):
            return PhoneNumberType.MOBILE
        return PhoneNumberType.UNKNOWN


def _desc(number_desc: Any) -> Desc | None:
    """A PhoneNumberDesc as Desc; None for one that matches nothing (no pattern)."""
    if number_desc is None or not number_desc.national_number_pattern:
        return None
    lengths = frozenset(number_desc.possible_length) if number_desc.possible_length else None
    return Desc(lengths, re_compile(number_desc.national_number_pattern))


def type_table(metadata: Any) -> TypeTable:
    """The TypeTable of a PhoneMetadata."""
    special = []
    for name, kind in _SPECIAL_TYPES:
        desc = _desc(getattr(metadata, name))
        if desc is not None:
            special.append((kind, desc))
    return TypeTable(
        general=_desc(metadata.general_desc),
        special=tuple(special),
        fixed_line=_desc(metadata.fixed_line),
        mobile=_desc(metadata.mobile),
        same_mobile_and_fixed_line=bool(metadata.same_mobile_and_fixed_line_pattern),
    )


_TABLES: dict[int, tuple[Any, TypeTable]] = {}


def table_for(metadata: Any) -> TypeTable:
    """The TypeTable of `metadata`, built once per metadata object.

    Keyed by identity (metadata objects are not hashable); the object is kept beside
    its table so its id cannot be reused by another.
    """
    found = _TABLES.get(id(metadata))
    if found is None or found[0] is not metadata:
        found = _TABLES[id(metadata)] = (metadata, type_table(metadata))
    return found[1]
