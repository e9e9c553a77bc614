"""Screen pops over server-sent events from a live server, on SQLite and PostgreSQL
(R15): the owner of a private contact sees its pop, nobody else; a team contact or
an unknown number pops up for every rep; the pop arrives within a second."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.web.conftest import PASSWORD
from tests.integration.web.test_webhooks_twilio import Phone, make_phone
from tests.support.live_server import serve
from tests.support.telephony import (
    PUBLIC_BASE,
    SseReader,
    sign_in_cookies,
    signed_twilio,
    voice_params,
)

VOICE = "/webhooks/twilio/voice"


@pytest.fixture
def phone(db_url: str, tmp_path: Path) -> Iterator[Phone]:
    made = make_phone(db_url, tmp_path)
    yield made
    made.client.close()
    made.app.engine.dispose()


@pytest.fixture
def live(phone: Phone) -> Iterator[str]:
    with serve(phone.client.app) as url:  # type: ignore[arg-type]
        yield url


@pytest.fixture
def listening(live: str) -> Iterator[dict[str, SseReader]]:
    readers = {who: SseReader(f"{live}/events", sign_in_cookies(live, who, PASSWORD))
               for who in ("rita", "ravi")}  # fmt: skip
    for reader in readers.values():
        reader.wait_connected()
    yield readers
    for reader in readers.values():
        reader.close()


def ring(live: str, call_sid: str, caller: str) -> float:
    params = voice_params(call_sid, caller)
    started = time.perf_counter()
    answer = httpx.post(
        live + VOICE, data=params, headers=signed_twilio(PUBLIC_BASE + VOICE, params)
    )
    assert answer.status_code == 200, answer.text
    return started


def test_a_private_contact_pops_up_for_its_owner_only(
    phone: Phone, live: str, listening: dict[str, SseReader]
) -> None:
    phone.add_contact(full_name="Priyanka Private", phone="+1 646 555 0199", owner="ravi")
    phone.add_contact(full_name="Alice Moreno", phone="+1 212 555 0142", company="Northwind")

    ring(live, "CA300", "+16465550199")
    popped = listening["ravi"].next(timeout=1.0)
    assert popped is not None
    kind, pop = popped
    assert (kind, pop["name"]) == ("screen_pop", "Priyanka Private")

    ring(live, "CA301", "(212) 555-0142")
    for who in ("rita", "ravi"):
        popped = listening[who].next(timeout=1.0)
        assert popped is not None, f"{who} got no pop for a team contact"
        assert popped[1]["name"] == "Alice Moreno"  # rita's first pop: never Priyanka's
        assert popped[1]["company"] == "Northwind"


def test_an_unknown_number_pops_a_quick_add_offer_for_everyone(
    live: str, listening: dict[str, SseReader]
) -> None:
    ring(live, "CA302", "+1 415 555 0100")
    for reader in listening.values():
        popped = reader.next(timeout=1.0)
        assert popped is not None
        assert popped[1]["contact_id"] is None and popped[1]["phone"] == "+14155550100"


def test_the_events_stream_needs_a_signed_in_user(live: str) -> None:
    answer = httpx.get(f"{live}/events", follow_redirects=False)
    assert answer.status_code in (303, 401)
