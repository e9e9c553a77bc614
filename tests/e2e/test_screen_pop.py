"""In a real browser (R15): a signed inbound-call webhook makes the caller pop up on
the signed-in rep's open Today page, with the context to greet them; an unknown
caller's pop offers quick-add."""

from __future__ import annotations

import httpx
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import SignIn
from tests.e2e.live import TWILIO_TOKEN, LiveApp

VOICE = "/webhooks/twilio/voice"


def ring(live: LiveApp, call_sid: str, caller: str) -> None:
    params = {"CallSid": call_sid, "From": caller, "To": "+18005550100", "CallStatus": "ringing"}
    url = live.url + VOICE  # no proxy: the address the app is reached at is the signed one
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
    answer = httpx.post(url, data=params, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 200, answer.text


def test_a_call_back_pops_the_contact_up_on_the_reps_today_page(
    sign_in: SignIn, live: LiveApp
) -> None:
    page = sign_in("rita")
    pop = page.locator("dialog#screen-pop")
    page.locator("dialog#screen-pop[data-listening]").wait_for(state="attached")

    ring(live, "CA-e2e-1", "212.555.0142")  # Alice, written another way

    pop.wait_for(state="visible", timeout=2000)
    text = pop.inner_text()
    assert "Alice Moreno is calling" in text
    assert "Northwind" in text and "Jordan Lee" in text
    assert "her team is hiring data engineers" in text
    assert "call back at" in text  # the promised call-back (R4)
    assert "Hi Alice, thanks for calling back!" in text
    assert "call later" in text  # the last touch
    pop.get_by_role("button", name="Dismiss").click()
    pop.wait_for(state="hidden")


def test_an_unknown_caller_can_be_added_from_the_pop(sign_in: SignIn, live: LiveApp) -> None:
    page = sign_in("rita")
    page.locator("dialog#screen-pop[data-listening]").wait_for(state="attached")

    ring(live, "CA-e2e-2", "+1 415 555 0177")

    pop = page.locator("dialog#screen-pop")
    pop.wait_for(state="visible", timeout=2000)
    assert "Unknown caller +14155550177" in pop.inner_text()
    pop.get_by_label("Name").fill("Quinn Newcaller")
    pop.get_by_role("button", name="Quick add").click()
    pop.get_by_role("link", name="Added: open Quinn Newcaller").click()
    page.wait_for_url(f"{live.url}/contacts/*")
    assert "+1 415-555-0177" in page.locator("main").inner_text()
