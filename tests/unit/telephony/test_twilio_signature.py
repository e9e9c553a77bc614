"""Our X-Twilio-Signature check agrees with the twilio SDK's RequestValidator."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from ringback.adapters.telephony.public_url import public_url
from ringback.adapters.telephony.twilio.signature import is_valid_signature, twilio_signature

TOKEN = "12345678901234567890123456789012"
URL = "https://ringback.example.com/webhooks/twilio/voice"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12125550142",
    "Digits": "1234",
    "From": "+12125550142",
    "To": "+18005550100",
}


def test_our_signature_is_the_sdks() -> None:
    expected = RequestValidator(TOKEN).compute_signature(URL, PARAMS)
    assert twilio_signature(TOKEN, URL, PARAMS.items()) == expected


@pytest.mark.parametrize(
    "url",
    [URL, URL + "?tenant=a&x=1", "https://ringback.example.com:8443/webhooks/twilio/status"],
)
def test_a_request_the_sdk_signed_is_accepted(url: str) -> None:
    signature = RequestValidator(TOKEN).compute_signature(url, PARAMS)
    assert is_valid_signature(TOKEN, url, PARAMS.items(), signature)
    assert RequestValidator(TOKEN).validate(url, PARAMS, signature)


def test_the_default_port_may_or_may_not_be_in_the_signed_url() -> None:
    with_port = "https://ringback.example.com:443/webhooks/twilio/voice"
    signature = RequestValidator(TOKEN).compute_signature(with_port, PARAMS)
    assert is_valid_signature(TOKEN, URL, PARAMS.items(), signature)
    signature = RequestValidator(TOKEN).compute_signature(URL, PARAMS)
    assert is_valid_signature(TOKEN, with_port, PARAMS.items(), signature)


@pytest.mark.parametrize(
    ("url", "params", "token"),
    [
        (URL, {**PARAMS, "From": "+12125550199"}, TOKEN),  # tampered parameter
        (URL, {**PARAMS, "Extra": "1"}, TOKEN),  # added parameter
        (URL.replace("voice", "status"), PARAMS, TOKEN),  # another URL
        ("http://ringback.example.com/webhooks/twilio/voice", PARAMS, TOKEN),  # scheme
        (URL, PARAMS, "another-token-another-token-1234"),  # another account
    ],
)
def test_tampered_requests_are_refused_by_both(
    url: str, params: dict[str, str], token: str
) -> None:
    signature = RequestValidator(TOKEN).compute_signature(URL, PARAMS)
    assert not is_valid_signature(token, url, params.items(), signature)
    assert not RequestValidator(token).validate(url, params, signature)


@pytest.mark.parametrize("signature", [None, "", "not-base64", "AAAA"])
def test_missing_or_garbage_signatures_are_refused(signature: str | None) -> None:
    assert not is_valid_signature(TOKEN, URL, PARAMS.items(), signature)


class MultiParams(dict[str, list[str]]):
    """A form with repeated names, as the SDK reads one (`getlist`)."""

    def getlist(self, name: str) -> list[str]:
        return self[name]


def test_repeated_parameters_are_signed_in_order_of_name_then_value() -> None:
    params = [("To", "+1800"), ("Tag", "b"), ("Tag", "a"), ("Tag", "b")]
    form = MultiParams({"To": ["+1800"], "Tag": ["b", "a", "b"]})
    assert twilio_signature(TOKEN, URL, params) == RequestValidator(TOKEN).compute_signature(
        URL, form
    )


SEEN = "http://127.0.0.1:8000/webhooks/twilio/voice?x=1"


def test_a_fixed_public_base_url_replaces_scheme_host_and_prefixes_the_path() -> None:
    assert (
        public_url(SEEN, {}, base_url="https://example.com/ringback")
        == "https://example.com/ringback/webhooks/twilio/voice?x=1"
    )


def test_forwarded_headers_are_used_only_when_trusted() -> None:
    headers = {"x-forwarded-proto": "https", "x-forwarded-host": "calls.example.com, proxy"}
    assert public_url(SEEN, headers) == SEEN
    trusted = public_url(SEEN, headers, trust_forwarded=True)
    assert trusted == "https://calls.example.com/webhooks/twilio/voice?x=1"
