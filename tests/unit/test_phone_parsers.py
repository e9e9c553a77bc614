"""The fast parser (rphonenumbers) agrees with phonenumbers, and falls back to it."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from pydantic import ValidationError

from ringback.bootstrap import App
from ringback.domain import phone as phone_module
from ringback.domain.errors import InvalidField
from ringback.domain.model import Phone, PhoneType
from ringback.domain.phone import _fast_parse, _reference_parse, parse_phone, use_fast_parser
from ringback.services.import_validation import ContactValidation
from ringback.services.importing import row_blocks
from ringback.settings import Settings

rphonenumbers = pytest.importorskip("rphonenumbers")

_FORMATS = (PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.NATIONAL)


def _inputs() -> Iterator[tuple[str, str]]:
    """(text, default region): every region's example numbers written several ways,
    plus the same numbers one digit short and one digit long (mostly invalid)."""
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for number_type in PhoneNumberType.values():
            example = phonenumbers.example_number_for_type(region, number_type)
            if example is None:
                continue
            for style in _FORMATS:
                yield phonenumbers.format_number(example, style), region
            e164 = phonenumbers.format_number(example, PhoneNumberFormat.E164)
            yield e164[:-1], region
            yield e164 + "7", region
            yield f"{e164} ext. 12", "US"
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        example = phonenumbers.example_number_for_non_geo_entity(code)
        if example is not None:
            yield phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL), "US"


def _reference(text: str, region: str) -> Phone | None:
    try:
        return _reference_parse(text, text, region, PhoneType.WORK, "phone")
    except InvalidField:
        return None


def test_the_fast_parser_returns_what_phonenumbers_returns() -> None:
    accepted = agreed = 0
    for text, region in _inputs():
        expected = _reference(text, region)
        found = _fast_parse(rphonenumbers, text, region, PhoneType.WORK)
        accepted += expected is not None
        if found is not None:
            assert found == expected, (text, region)
            agreed += 1
    # Nearly every number phonenumbers accepts is also accepted by the fast path
    # (the rest fall back to phonenumbers), so the comparison above is not vacuous.
    assert accepted > 2_000
    assert agreed >= 0.98 * accepted


def test_a_number_the_fast_parser_refuses_is_decided_by_phonenumbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(phone_module, "_FAST", _RefusesEverything())
    assert parse_phone("030 12345678", "DE").e164 == "+493012345678"
    with pytest.raises(InvalidField, match="not a valid phone number"):
        parse_phone("+1 212 555", field="work_phone")


def test_the_fast_parser_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGBACK_PHONE_PARSER", "phonenumbers")
    try:
        App(Settings())  # the setting is applied where the app is put together
        assert phone_module._FAST is None
        monkeypatch.delenv("RINGBACK_PHONE_PARSER")
        App(Settings())
        assert phone_module._FAST is rphonenumbers
    finally:
        use_fast_parser(True)


def test_the_parser_setting_names_its_choices() -> None:
    with pytest.raises(ValidationError, match="phone_parser"):
        Settings(phone_parser="fastest")  # type: ignore[arg-type]


class _RefusesEverything(ModuleType):
    NumberParseException = ValueError

    def __init__(self) -> None:
        super().__init__("refuses_everything")

    def parse(self, *_args: Any) -> Any:
        raise ValueError("refused")


def test_import_workers_parse_as_the_importing_process_chose() -> None:
    """A worker process gets the choice with its task, not from the environment."""
    rows = [{"full_name": "Ana Lima", "phone": "+1 212 555 0142"}]
    try:
        checked = ContactValidation("US", None, fast_phones=False).check(next(row_blocks(rows)))
        assert phone_module._FAST is None
        assert len(checked.valid) == 1
        ContactValidation("US", None).check(next(row_blocks(rows)))
        assert phone_module._FAST is rphonenumbers
    finally:
        use_fast_parser(True)
