"""The precompiled type tables classify every number exactly as phonenumbers does (R5)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

import phonenumbers
import pytest
from phonenumbers import PhoneMetadata, PhoneNumberType
from phonenumbers.phonenumberutil import _number_type_helper

from ringback.domain.phone_types import Desc, TypeTable, table_for


def _all_metadata() -> Iterator[tuple[str, Any]]:
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        yield region, PhoneMetadata.metadata_for_region(region)
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        yield f"+{code}", PhoneMetadata.metadata_for_nongeo_region(code)


def _examples(metadata: Any) -> list[str]:
    """The significant digits of each example number the metadata holds."""
    descs = (
        "general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
        "personal_number", "voip", "pager", "uan", "voicemail", "no_international_dialling",
    )  # fmt: skip
    found = []
    for name in descs:
        desc = getattr(metadata, name, None)
        if desc is not None and desc.example_number:
            found.append(desc.example_number)
    return found


def _variants(example: str, rng: random.Random) -> Iterator[str]:
    """The example, shortened and lengthened, and with its tail digits redrawn: near
    misses and neighbours that land in other types."""
    yield example
    yield example[:-1]
    yield example + "5"
    for keep in range(1, len(example)):
        for _ in range(3):
            tail = "".join(rng.choice("0123456789") for _ in range(len(example) - keep))
            yield example[:keep] + tail


@pytest.mark.parametrize(("where", "metadata"), list(_all_metadata()))
def test_the_table_gives_phonenumbers_type_for_every_number(where: str, metadata: Any) -> None:
    rng = random.Random(where)
    table = table_for(metadata)
    numbers = {n for example in _examples(metadata) for n in _variants(example, rng)}
    numbers |= {str(rng.randrange(10 ** rng.randint(3, 14))) for _ in range(100)}

    differing = {
        n: (table.number_type(n), _number_type_helper(n, metadata))
        for n in numbers
        if table.number_type(n) != _number_type_helper(n, metadata)
    }

    assert differing == {}
    assert len(numbers) > 100


def test_types_are_told_apart_in_phonenumbers_order() -> None:
    us = table_for(PhoneMetadata.metadata_for_region("US"))
    gb = table_for(PhoneMetadata.metadata_for_region("GB"))

    assert us.number_type("8005550100") == PhoneNumberType.TOLL_FREE
    assert us.number_type("2015550123") == PhoneNumberType.FIXED_LINE_OR_MOBILE
    assert gb.number_type("7400123456") == PhoneNumberType.MOBILE
    assert gb.number_type("2079460000") == PhoneNumberType.FIXED_LINE
    assert gb.number_type("12") == PhoneNumberType.UNKNOWN


def test_a_table_is_built_once_per_metadata() -> None:
    metadata = PhoneMetadata.metadata_for_region("DE")

    assert table_for(metadata) is table_for(metadata)


def test_when_types_overlap_the_first_in_phonenumbers_order_wins() -> None:
    anything = Desc(None, re.compile(r"\d+"))
    table = TypeTable(
        general=anything,
        special=((PhoneNumberType.PREMIUM_RATE, anything), (PhoneNumberType.TOLL_FREE, anything)),
        fixed_line=anything,
        mobile=anything,
        same_mobile_and_fixed_line=False,
    )
    short = Desc(frozenset({3}), re.compile(r"\d+"))
    lines = TypeTable(anything, (), fixed_line=short, mobile=anything,
                      same_mobile_and_fixed_line=False)  # fmt: skip

    assert table.number_type("123") == PhoneNumberType.PREMIUM_RATE
    assert lines.number_type("123") == PhoneNumberType.FIXED_LINE_OR_MOBILE
    assert lines.number_type("1234") == PhoneNumberType.MOBILE
