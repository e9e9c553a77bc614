"""Email from the pages (issue 6): queue a contact's email, email an invite, the feed page."""

from __future__ import annotations

from datetime import timedelta

from ringback.domain.access import Actor, Role
from ringback.domain.outbox import JobKind
from ringback.services.appointments import book_appointment
from tests.integration.mail.conftest import alice
from tests.integration.web.conftest import NOW, Pages
from tests.integration.web.test_api_mail import configure


def contact(pages: Pages) -> int:
    with pages.team.app.uow_factory()() as uow:
        saved = uow.contacts.add(alice(owner="olivia"))
        uow.commit()
    assert saved.id is not None
    return saved.id


def queued(pages: Pages) -> list[JobKind]:
    with pages.team.app.uow_factory()() as uow:
        return [job.kind for job in uow.outbox.recent()]


def test_the_contact_page_queues_the_next_email(pages: Pages) -> None:
    configure(pages.team)
    contact_id = contact(pages)
    page = pages.get("olivia", f"/contacts/{contact_id}")
    assert f'action="/contacts/{contact_id}/email"' in page.text

    response = pages.post("olivia", f"/contacts/{contact_id}/email")

    assert response.status_code == 303
    assert queued(pages) == [JobKind.EMAIL]
    shown = pages.get("olivia", f"/contacts/{contact_id}").text
    assert "queued" in shown


def test_a_refused_email_is_explained_on_the_page(pages: Pages) -> None:
    configure(pages.team)
    pages.team.app.settings.public_base_url = None
    contact_id = contact(pages)

    pages.post("olivia", f"/contacts/{contact_id}/email")

    assert queued(pages) == []
    assert "public_base_url" in pages.get("olivia", f"/contacts/{contact_id}").text


def test_an_appointment_invite_is_queued_from_the_contact_page(pages: Pages) -> None:
    configure(pages.team)
    contact_id = contact(pages)
    actor = Actor("olivia", Role.OWNER)
    booked = book_appointment(
        pages.team.app.uow_factory(), actor, contact_id, NOW + timedelta(days=1), NOW
    )

    response = pages.post("olivia", f"/appointments/{booked.appointment.id}/invite")

    assert response.status_code == 303
    assert queued(pages) == [JobKind.INVITE]


def test_the_calendar_page_shows_the_feed_and_rotates_it(pages: Pages) -> None:
    configure(pages.team)
    assert 'href="/settings/calendar"' in pages.get("olivia", "/settings").text
    before = pages.get("olivia", "/settings/calendar").text
    assert "https://ringback.example.com/calendar/" in before

    pages.post("olivia", "/settings/calendar/rotate")

    after = pages.get("olivia", "/settings/calendar").text
    assert "https://ringback.example.com/calendar/" in after and after != before


def messages(pages: Pages) -> list[str]:
    with pages.team.app.uow_factory()() as uow:
        return [job.message for job in uow.outbox.recent()]


def test_without_a_sender_name_the_signed_in_user_signs_and_sends(pages: Pages) -> None:
    configure(pages.team)
    pages.team.app.settings.sender_name = None
    contact_id = contact(pages)
    panel = pages.get("olivia", f"/contacts/{contact_id}/script?step=email_first").text
    assert "olivia" in panel

    pages.post("olivia", f"/contacts/{contact_id}/email")

    [message] = messages(pages)
    assert "From: olivia <olivia@brightside.example>" in message
    assert "I'm olivia from Brightside" in message and "Thank you,\r\nolivia\r\n" in message
