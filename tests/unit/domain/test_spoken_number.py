"""The caller's number said slowly, in chunks a listener can write down (R7).

Groups follow each country's national format (libphonenumber); groups longer than
five digits are split nearly evenly, so no chunk is too long to hold in mind.
"""

from __future__ import annotations

import pytest

from ringback.domain.errors import InvalidField
from ringback.domain.phone import spoken_number, written_number


@pytest.mark.parametrize(
    ("e164", "spoken"),
    [
        pytest.param("+16125551234", "612 · 555 · 1234", id="US"),
        pytest.param("+442079460018", "020 · 7946 · 0018", id="UK-London"),
        pytest.param("+447400123456", "07400 · 123 · 456", id="UK-mobile"),
        pytest.param("+493012345678", "030 · 1234 · 5678", id="DE-Berlin"),
        pytest.param("+4915123456789", "01512 · 3456 · 789", id="DE-mobile"),
        pytest.param("+33123456789", "01 · 23 · 45 · 67 · 89", id="FR"),
        pytest.param("+918023456789", "080 · 2345 · 6789", id="IN-Bengaluru"),
        pytest.param("+919876543210", "098 · 765 · 43210", id="IN-mobile"),
    ],
)
def test_a_number_is_said_in_its_countrys_groups_r7(e164: str, spoken: str) -> None:
    assert spoken_number(e164) == spoken


def test_a_listener_at_home_hears_the_national_form_r7() -> None:
    assert spoken_number("+33123456789", listener_region="FR") == "01 · 23 · 45 · 67 · 89"


@pytest.mark.parametrize(
    ("e164", "region", "spoken"),
    [
        ("+16125551234", "DE", "+1 · 612 · 555 · 1234"),
        ("+493012345678", "US", "+49 · 30 · 1234 · 5678"),
        ("+919876543210", "GB", "+91 · 98765 · 43210"),
    ],
)
def test_a_listener_abroad_hears_the_country_code_first_r7(
    e164: str, region: str, spoken: str
) -> None:
    assert spoken_number(e164, listener_region=region) == spoken


def test_the_written_number_is_national_at_home_and_international_abroad() -> None:
    assert written_number("+16125551234", "US") == "(612) 555-1234"
    assert written_number("+16125551234", "GB") == "+1 612-555-1234"


def test_a_number_that_is_not_e164_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidField, match="phone"):
        spoken_number("not a number")
