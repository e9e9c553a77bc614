"""POST /api/v1/contacts/{id}/emails and /api/v1/appointments/{id}/invite (issue 6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ringback.domain.access import Actor, Role
from ringback.services.appointments import book_appointment
from tests.integration.mail.conftest import alice
from tests.integration.web.conftest import Team


def configure(team: Team) -> None:
    settings = team.app.settings
    settings.public_base_url = "https://ringback.example.com"
    settings.mail_from = "olivia@brightside.example"
    settings.sender_name = "Olivia Grant"
    settings.sender_phone = "+1 612 555 0123"
    settings.sender_company = "Brightside"


def contact(team: Team) -> int:
    with team.app.uow_factory()() as uow:
        saved = uow.contacts.add(alice(owner="olivia"))
        uow.commit()
    assert saved.id is not None
    return saved.id


def test_an_email_is_rendered_and_queued_for_a_visible_contact(team: Team) -> None:
    configure(team)
    contact_id = contact(team)

    response = team.api(
        "olivia", "POST", f"/contacts/{contact_id}/emails", json={"step": "email_first"}
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["contact_id"], body["kind"], body["to"], body["state"]) == (
        contact_id,
        "email",
        "alice@example.com",
        "queued",
    )
    assert body["message_id"].endswith("@brightside.example>")
    with team.app.uow_factory()() as uow:
        [job] = uow.outbox.recent()
    assert "Olivia Grant" in job.message and "List-Unsubscribe" in job.message
    hidden = team.api("rita", "POST", f"/contacts/{contact_id}/emails", json={})
    assert hidden.status_code == 404


def test_queueing_without_a_public_url_names_the_setting(team: Team) -> None:
    configure(team)
    team.app.settings.public_base_url = None
    contact_id = contact(team)

    response = team.api(
        "olivia", "POST", f"/contacts/{contact_id}/emails", json={"step": "email_first"}
    )

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "public_base_url"


def test_an_appointment_invite_is_queued(team: Team) -> None:
    configure(team)
    contact_id = contact(team)
    now = datetime.now(UTC)
    booked = book_appointment(
        team.app.uow_factory(),
        Actor("olivia", Role.OWNER),
        contact_id,
        now + timedelta(days=2),
        now,
    )

    response = team.api("olivia", "POST", f"/appointments/{booked.appointment.id}/invite")

    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "invite"
    assert response.json()["subject"].startswith("Invitation: Call on ")
