"""The telephony settings: secrets never shown, bad addresses named."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ringback.settings import Settings

TOKEN = "twilio-token-that-must-never-show"
SECRET = "pbx-secret-that-must-never-show"


def test_the_twilio_token_and_pbx_secret_never_show() -> None:
    settings = Settings(twilio_auth_token=TOKEN, pbx_shared_secret=SECRET)
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert TOKEN not in shown and SECRET not in shown
    assert settings.twilio_auth_token is not None
    assert settings.twilio_auth_token.get_secret_value() == TOKEN


def test_empty_secrets_mean_off() -> None:
    settings = Settings(twilio_auth_token="", pbx_shared_secret="")
    assert settings.twilio_auth_token is None and settings.pbx_shared_secret is None


def test_the_public_base_url_loses_its_trailing_slash() -> None:
    assert Settings(public_base_url="https://example.com/rb/").public_base_url == (
        "https://example.com/rb"
    )


@pytest.mark.parametrize("value", ["example.com", "ftp://example.com", "https://a b.com"])
def test_a_public_base_url_must_be_an_http_address(value: str) -> None:
    with pytest.raises(ValidationError, match="public_base_url"):
        Settings(public_base_url=value)


def test_secrets_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGBACK_PBX_SHARED_SECRET", SECRET)
    secret = Settings().pbx_shared_secret
    assert secret is not None and secret.get_secret_value() == SECRET
