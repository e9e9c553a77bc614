"""POST /api/v1/touches on SQLite and PostgreSQL: one or a batch, with `at`."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import Team

from ringback.domain.model import Channel, Outcome, Touch
from ringback.web.api.schemas import LoggedBatch, LoggedPublic
from ringback.web.deps import get_now

MONDAY = "2026-03-02T15:00:00Z"
TUESDAY = "2026-03-03T15:00:00Z"


def touches_of(team: Team, contact_id: int) -> list[dict[str, Any]]:
    response = team.api("olivia", "GET", f"/contacts/{contact_id}/touches")
    assert response.status_code == 200
    data: list[dict[str, Any]] = response.json()
    return data


def test_one_touch_is_logged_at_its_time_and_moves_the_state_r1_r2(team: Team) -> None:
    alice = team.add_contact()
    response = team.api("rita", "POST", "/touches", json={
        "contact_id": alice["id"], "channel": "call", "outcome": "no_answer", "at": MONDAY,
        "phone": "(212) 555-0142", "duration_s": 25,
    })  # fmt: skip
    assert response.status_code == 201
    logged = LoggedPublic.model_validate(response.json())
    assert response.json()["touch"]["at"] == "2026-03-02T15:00:00Z"
    assert logged.touch.user == "rita" and logged.touch.phone == "+12125550142"
    assert logged.state.status == "active" and logged.state.attempts == 1
    assert response.json()["state"]["next_due_at"] == "2026-03-05T15:00:00Z"  # R2: 3 days
    assert not logged.duplicate


def test_a_batch_is_logged_in_order_in_one_call(team: Team) -> None:
    alice = team.add_contact()
    bernd = team.add_contact(full_name="Bernd Hoffmann", phone="+49 30 12345678")
    batch = [
        {"contact_id": alice["id"], "outcome": "no_answer", "at": MONDAY},
        {"contact_id": alice["id"], "outcome": "voicemail_left", "at": TUESDAY},
        {"contact_id": bernd["id"], "outcome": "no_answer", "at": "2026-03-02T09:00:00+01:00"},
    ]
    response = team.api("olivia", "POST", "/touches", json=batch)
    assert response.status_code == 201
    results = LoggedBatch.model_validate(response.json()).results
    assert [r.touch.outcome.value for r in results] == ["no_answer", "voicemail_left", "no_answer"]
    assert results[1].state.attempts == 2
    assert response.json()["results"][2]["touch"]["at"] == "2026-03-02T08:00:00Z"
    assert len(touches_of(team, alice["id"])) == 2


def test_a_batch_with_one_bad_touch_logs_nothing_and_names_it(team: Team) -> None:
    alice = team.add_contact()
    batch = [
        {"contact_id": alice["id"], "outcome": "no_answer", "at": MONDAY},
        {"contact_id": alice["id"], "outcome": "connected", "at": TUESDAY},  # no next step: R3
    ]
    response = team.api("olivia", "POST", "/touches", json=batch)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["index"], error["rule"], error["field"]) == (1, "R3", "next_kind")
    assert touches_of(team, alice["id"]) == []


def test_a_retried_touch_is_not_logged_twice(team: Team) -> None:
    alice = team.add_contact()
    touch = {"contact_id": alice["id"], "outcome": "busy", "at": MONDAY, "external_id": "call-7"}
    first = team.api("olivia", "POST", "/touches", json=touch)
    again = team.api("olivia", "POST", "/touches", json=touch)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True
    assert again.json()["touch"]["id"] == first.json()["touch"]["id"]
    assert len(touches_of(team, alice["id"])) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"outcome": "exploded"}, "outcome"),
        ({"channel": "pigeon"}, "channel"),
        ({"at": "2026-03-02T15:00:00"}, "at"),  # no offset: which zone? refused
        ({"at": "yesterday"}, "at"),
        ({"duration_s": -5}, "duration_s"),
        ({"phone": "12"}, "phone"),
        ({"outcome": "sent"}, "outcome"),  # not an outcome of a call
        ({"outcome": "call_later"}, "next_at"),  # R4: needs the time
        ({"contact_id": "abc"}, "contact_id"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_touches_are_422_naming_the_field(
    team: Team, change: dict[str, Any], field: str
) -> None:
    alice = team.add_contact()
    body = {"contact_id": alice["id"], "outcome": "no_answer", "at": MONDAY, **change}
    response = team.api("olivia", "POST", "/touches", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    batch = team.api("olivia", "POST", "/touches", json=[{**body, "outcome": "busy"}, body])
    if field != "outcome":
        assert batch.status_code == 422
        assert batch.json()["error"]["index"] in (0, 1)


def test_an_outbound_touch_after_do_not_contact_is_refused_r12(team: Team) -> None:
    alice = team.add_contact()
    stop = {
        "contact_id": alice["id"],
        "outcome": "do_not_contact",
        "next_kind": "none",
        "at": MONDAY,
    }
    assert team.api("olivia", "POST", "/touches", json=stop).status_code == 201
    again = {"contact_id": alice["id"], "outcome": "no_answer", "at": TUESDAY}
    response = team.api("olivia", "POST", "/touches", json=again)
    assert response.status_code == 422
    assert response.json()["error"]["rule"] == "R12"


def test_an_empty_or_non_object_body_is_422(team: Team) -> None:
    for body in ([], "hello", [1]):
        assert team.api("olivia", "POST", "/touches", json=body).status_code == 422


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"", "application/json", 422),  # missing
        (b'{"contact_id": 1,', "application/json", 422),  # not JSON
        (b'{"contact_id": 1, "outcome": "busy"}', "text/plain", 422),  # not said to be JSON
        (b'{"contact_id": 1, "outcome": "\xff"}', "application/json", 400),  # not UTF-8
    ],
)
def test_a_body_that_is_not_json_is_refused_not_a_server_error(
    team: Team, content: bytes, content_type: str, status: int
) -> None:
    headers = {"Content-Type": content_type}
    response = team.api("olivia", "POST", "/touches", content=content, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["status"] == status


def test_a_json_body_may_name_its_charset_or_a_json_suffix(team: Team) -> None:
    alice = team.add_contact()
    body = f'{{"contact_id": {alice["id"]}, "outcome": "busy"}}'.encode()
    for content_type in ("application/json; charset=utf-8", "application/touch+json"):
        headers = {"Content-Type": content_type}
        response = team.api("olivia", "POST", "/touches", content=body, headers=headers)
        assert response.status_code == 201, response.text


def test_a_meeting_booked_by_touch_makes_an_appointment_r3(team: Team) -> None:
    alice = team.add_contact()
    response = team.api("rita", "POST", "/touches", json={
        "contact_id": alice["id"], "outcome": "meeting_booked", "at": MONDAY,
        "next_at": "2026-03-04T16:00:00Z", "next_scope": "useronly",
    })  # fmt: skip
    assert response.status_code == 201
    appointment = response.json()["appointment"]
    assert appointment["start"] == "2026-03-04T16:00:00Z"
    assert (appointment["user"], appointment["scope"]) == ("rita", "useronly")
    assert response.json()["state"]["booked_for"] == "rita"


def test_a_touch_without_at_happened_now(team: Team) -> None:
    frozen = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
    team.client.app.dependency_overrides[get_now] = lambda: frozen  # type: ignore[attr-defined]
    alice = team.add_contact()
    response = team.api("olivia", "POST", "/touches", json={
        "contact_id": alice["id"], "outcome": "busy",
    })  # fmt: skip
    assert response.json()["touch"]["at"] == "2026-03-02T15:30:00Z"


@pytest.mark.parametrize(
    ("change", "field"),
    [({"contact_id": 2**31}, "contact_id"), ({"at": "9999-12-31T23:59:00Z"}, "at")],
)
def test_out_of_range_values_are_422_not_a_server_error(
    team: Team, change: dict[str, Any], field: str
) -> None:
    body = {"contact_id": 1, "outcome": "busy", **change}
    response = team.api("olivia", "POST", "/touches", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_a_touch_waits_its_turn_while_another_writer_holds_the_database(team: Team) -> None:
    """On SQLite the request then waits in a thread, and is logged once the lock is free."""
    alice = team.add_contact()
    holding, release = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        with team.app.uow_factory()() as uow:
            uow.touches.add(Touch(alice["id"], Channel.CALL, Outcome.BUSY, datetime.now(UTC)))
            holding.set()
            release.wait(timeout=10)
            uow.commit()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    assert holding.wait(timeout=10)
    with ThreadPoolExecutor(1) as pool:
        body = {"contact_id": alice["id"], "outcome": "no_answer"}
        answer = pool.submit(team.api, "rita", "POST", "/touches", json=body)
        time.sleep(0.3)
        still_waiting = not answer.done()
        release.set()
        response = answer.result(timeout=10)
    holder.join(timeout=10)

    assert response.status_code == 201, response.text
    assert len(touches_of(team, alice["id"])) == 2  # the held one, then this one
    assert still_waiting or team.app.engine.dialect.name != "sqlite"


def test_the_route_keeps_its_documented_operation_headers_and_405(team: Team) -> None:
    """POST /touches is served by a plain route matched first (issue 4): the OpenAPI
    operation, the security headers and the answer to other methods stay the API's."""
    operation = team.client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/touches"]
    assert set(operation) == {"post"}
    assert "oneOf" in str(operation["post"]["requestBody"])
    assert operation["post"]["security"] == [{"token": []}]

    alice = team.add_contact()
    body = {"contact_id": alice["id"], "outcome": "busy"}
    logged = team.api("rita", "POST", "/touches", json=body)
    assert logged.status_code == 201
    assert logged.headers["X-Content-Type-Options"] == "nosniff"

    wrong_method = team.api("rita", "PUT", "/touches", json={"contact_id": alice["id"]})
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Allow"] == "POST"
    assert wrong_method.headers["content-type"] == "application/json"
