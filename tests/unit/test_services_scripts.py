"""The script service on in-memory fakes: which step, which template, which facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from ringback.domain.errors import InvalidField
from ringback.domain.model import Appointment, Channel, Contact, Outcome, Touch
from ringback.domain.scripts import MessageTemplate, Severity, StepKind
from ringback.domain.sender import Sender
from ringback.services.contacts import add_contact
from ringback.services.plan import why_contact
from ringback.services.scripts import ContactScript, preview_template, script_for
from ringback.services.templates import (
    lint_template,
    list_templates,
    next_variant,
    save_as_new_variant,
    save_template,
)
from ringback.services.touches import log_touch
from tests.unit.domain.personas import alice
from tests.unit.fakes import FakeUnitOfWork

ADDED = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # Monday
THURSDAY = datetime(2026, 11, 19, 15, 0, tzinfo=UTC)  # 10:00 in New York
MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
ME = Sender(name="Jamie Doe", phone="+16125550123", company="Brightside", email="j@example.com")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def add(uow: FakeUnitOfWork, **changes: object) -> int:
    contact: Contact = alice(id=None, created_at=ADDED, **changes)
    return add_contact(lambda: uow, contact, ADDED).id or 0


def log(uow: FakeUnitOfWork, contact: int, outcome: Outcome, at: datetime, **kw: object) -> None:
    channel = kw.pop("channel", Channel.CALL)
    log_touch(lambda: uow, Touch(contact, channel, outcome, at, **kw))  # type: ignore[arg-type]


def script(uow: FakeUnitOfWork, contact: int, step: StepKind | None = None, **kw: object):  # type: ignore[no-untyped-def]
    options = {"audience": "networking", **kw}
    return script_for(lambda: uow, contact, step, MONDAY, ME, **options)  # type: ignore[arg-type]


def test_a_first_call_gets_the_first_voicemail_and_the_r6_note(uow: FakeUnitOfWork) -> None:
    found = script(uow, add(uow))

    assert found.script.step is StepKind.FIRST_VOICEMAIL
    assert found.script.template == "call.intro:a"
    assert found.script.ready, found.script.findings
    assert found.note is not None and found.note.startswith("R6")
    assert "Jordan Lee suggested I call you." in found.script.text
    assert "612 · 555 · 0123" in found.script.text


def test_after_a_voicemail_the_follow_up_names_the_previous_call_r8(uow: FakeUnitOfWork) -> None:
    contact = add(uow)
    log(uow, contact, Outcome.NO_ANSWER, THURSDAY - timedelta(days=3))
    log(uow, contact, Outcome.VOICEMAIL_LEFT, THURSDAY)

    found = script(uow, contact)

    assert found.script.step is StepKind.FOLLOWUP_VOICEMAIL
    assert "I called last Thursday about" in found.script.text
    assert found.script.ready, found.script.findings
    assert found.note is None


def test_the_next_try_is_what_the_engine_would_plan_after_this_message_r7(
    uow: FakeUnitOfWork,
) -> None:
    contact = add(uow)
    found = script(uow, contact)
    log(uow, contact, Outcome.VOICEMAIL_LEFT, MONDAY)  # the voicemail is left: what next?
    planned = why_contact(lambda: uow, contact, MONDAY).explanation.action

    assert planned is not None
    weekday = planned.suggested_at.astimezone(ZoneInfo("America/New_York")).strftime("%A")
    assert f"I'll try you on {weekday}" in found.script.text


def test_the_contacts_audience_field_picks_its_templates(uow: FakeUnitOfWork) -> None:
    contact = add(uow, fields={"audience": "freelance"})
    assert script(uow, contact).script.audience == "freelance"
    assert script(uow, add(uow, full_name="Al Two")).script.audience == "networking"


def test_a_stored_variant_can_be_asked_for(uow: FakeUnitOfWork) -> None:
    body = (
        "{% block intro %}Hello {{ first_name }}, {{ me.name }} here.{% endblock %}"
        "{% block number %}I'm on {{ me.number }}.{% endblock %}"
        "{% block reason %}It's about {{ reason }}; {{ referred_by }} sent me.{% endblock %}"
        "{% block next_try %}I'll try you {{ next_try }}.{% endblock %}"
        "{% block thanks %}Thanks!{% endblock %}"
        "{% block number_again %}{{ me.number }}.{% endblock %}"
    )
    mine = MessageTemplate("call.intro", StepKind.FIRST_VOICEMAIL, "networking", body, "b")
    assert save_template(lambda: uow, mine, MONDAY).ready

    found = script(uow, add(uow), template="call.intro:b")

    assert found.script.template == "call.intro:b"
    assert found.script.text.startswith("Hello Alice, Jamie Doe here.")


def test_an_email_proposing_slots_shows_them_on_the_contacts_clock_r9(
    uow: FakeUnitOfWork,
) -> None:
    slots = [MONDAY + timedelta(days=2), MONDAY + timedelta(days=3, hours=2)]
    found = script(uow, add(uow), StepKind.EMAIL_SLOTS, slots=slots)

    assert found.script.ready, found.script.findings
    assert found.script.subject == "Two times for a short call"
    assert "- Wednesday, November 25 at 10 am" in found.script.text
    assert "- Thursday, November 26 at noon" not in found.script.text
    assert "- Thursday, November 26 at 12 pm" in found.script.text


def test_an_email_proposing_no_slots_is_refused_naming_them_r19(uow: FakeUnitOfWork) -> None:
    found = script(uow, add(uow), StepKind.EMAIL_SLOTS, slots=[])

    assert not found.script.ready
    refused = [f.where for f in found.script.findings if f.severity is Severity.ERROR]
    assert refused == ["slots[0]", "slots[1]"]


def test_without_the_senders_number_the_voicemail_is_refused_r19(uow: FakeUnitOfWork) -> None:
    found = script_for(
        lambda: uow, add(uow), None, MONDAY, replace(ME, phone=None), audience="networking"
    )

    assert not found.script.ready
    refusal = found.script.refusal()
    assert refusal is not None and (refusal.rule, refusal.field) == ("R19", "me.number")


def test_a_contact_without_a_reason_gets_no_voicemail_r7(uow: FakeUnitOfWork) -> None:
    found = script(uow, add(uow, reason=None))

    assert not found.script.ready
    assert {f.where for f in found.script.findings if f.severity is Severity.ERROR} >= {"reason"}


def test_a_stopped_contact_needs_an_explicit_step(uow: FakeUnitOfWork) -> None:
    contact = add(uow)
    log(uow, contact, Outcome.DO_NOT_CONTACT, THURSDAY)

    with pytest.raises(InvalidField, match="no next action"):
        script(uow, contact)
    assert script(uow, contact, StepKind.LETTER).script.step is StepKind.LETTER


def test_storing_a_template_with_an_error_is_refused_and_nothing_stored(
    uow: FakeUnitOfWork,
) -> None:
    bad = MessageTemplate("call.intro", StepKind.FIRST_VOICEMAIL, "sales", "Call me back!", "z")

    report = save_template(lambda: uow, bad, MONDAY)

    assert not report.ready
    assert uow.committed.templates == {}


def test_linting_text_reports_a_bad_header_as_a_finding() -> None:
    report = lint_template("---\nkey: call.intro\nfoo: 1\n---\nHi")
    assert [(f.code, f.where) for f in report.findings] == [("template-error", "foo")]

    body = lint_template("Hi {{ first_name }}, it's {{ me.name }}.", step=StepKind.LETTER)
    assert body.ready and "missing-reason" in {f.code for f in body.findings}


THANKSGIVING = date(2026, 11, 26)


def book_whole_days(uow: FakeUnitOfWork, user: str, start: datetime, days: int) -> None:
    with uow:
        end = start + timedelta(days=days)
        uow.appointments.add(Appointment(99, start, end, f"busy-{user}", user=user))
        uow.commit()


def local_starts(found: ContactScript) -> list[datetime]:
    assert found.proposal is not None
    zone = ZoneInfo("America/New_York")
    return [slot.start.astimezone(zone) for slot in found.proposal.proposal.slots]


def test_an_email_proposing_slots_proposes_them_itself_in_the_window_r9_r10(
    uow: FakeUnitOfWork,
) -> None:
    found = script(uow, add(uow), StepKind.EMAIL_SLOTS, calendar_user="jamie")

    assert found.script.ready, found.script.findings
    starts = local_starts(found)
    assert len(starts) == 2
    for start in starts:
        assert start.weekday() < 5 and time(9) <= start.time() <= time(17)  # R5 window
        assert start.date() != THANKSGIVING  # R5: no public holiday
        assert f"{start:%B} {start.day} at" in found.script.text  # the email names it


def test_proposed_slots_keep_clear_of_the_users_appointments_and_holidays_r9(
    uow: FakeUnitOfWork,
) -> None:
    contact = add(uow)
    book_whole_days(uow, "jamie", datetime(2026, 11, 24, 5, tzinfo=UTC), days=2)  # Tue, Wed

    found = script(uow, contact, StepKind.EMAIL_SLOTS, calendar_user="jamie")

    days = {start.date() for start in local_starts(found)}
    assert days and min(days) >= date(2026, 11, 27)  # not Tue/Wed (busy), not Thanksgiving
    assert found.script.ready


def test_with_no_free_time_the_slots_email_is_refused_and_says_why_r5_r19(
    uow: FakeUnitOfWork,
) -> None:
    contact = add(uow)
    book_whole_days(uow, "jamie", datetime(2026, 11, 24, tzinfo=UTC), days=90)

    found = script(uow, contact, StepKind.EMAIL_SLOTS, calendar_user="jamie")

    assert found.proposal is None and not found.script.ready
    assert found.note is not None and found.note.startswith("No call times to propose (R5)")


def intro_b_body(reason_line: str) -> str:
    return (
        "{% block intro %}Hello {{ first_name }}, {{ me.name }} here.{% endblock %}"
        "{% block number %}I'm on {{ me.number }}.{% endblock %}"
        f"{{% block reason %}}{reason_line}{{% endblock %}}"
        "{% block next_try %}I'll try you {{ next_try }}.{% endblock %}"
        "{% block thanks %}Thanks!{% endblock %}"
        "{% block number_again %}{{ me.number }}.{% endblock %}"
    )


def test_a_new_variant_takes_the_next_free_name(uow: FakeUnitOfWork) -> None:
    body = intro_b_body("It's about {{ reason }}; {{ referred_by }} sent me.")
    mine = MessageTemplate("call.intro", StepKind.FIRST_VOICEMAIL, "networking", body)

    first, report = save_as_new_variant(lambda: uow, mine, MONDAY)
    second, _ = save_as_new_variant(lambda: uow, mine, MONDAY)

    assert report.ready and (first.variant, second.variant) == ("b", "c")
    stored = list_templates(lambda: uow, key="call.intro", audience="networking")
    assert [t.variant for t in stored] == ["a", "b", "c"]
    assert next_variant(["a", "c"]) == "b"


def test_a_refused_variant_stores_nothing_r7(uow: FakeUnitOfWork) -> None:
    mine = MessageTemplate(
        "call.intro", StepKind.FIRST_VOICEMAIL, "networking", intro_b_body("Call me back.")
    )

    named, report = save_as_new_variant(lambda: uow, mine, MONDAY)

    assert not report.ready and named.variant == "b"
    assert "call-back-without-reason" in [f.code for f in report.findings]
    assert [t.variant for t in list_templates(lambda: uow, key="call.intro")] == ["a"] * 3


def test_a_template_not_yet_stored_previews_for_a_real_contact(uow: FakeUnitOfWork) -> None:
    body = intro_b_body("It's about {{ reason }}.")
    draft = MessageTemplate("call.intro", StepKind.FIRST_VOICEMAIL, "networking", body, "z")

    found = preview_template(lambda: uow, add(uow), draft, MONDAY, ME)

    assert found.script.template == "call.intro:z"
    assert found.script.text.startswith("Hello Alice, Jamie Doe here.")
    assert list_templates(lambda: uow, key="call.intro", audience="networking")[-1].variant == "a"
