"""The voicemail composer: R7's order, about 30 seconds, shorter follow-ups (R7, R8).

R7 order: who you are; your number, early; how you got their name; (for a
follow-up, the previous call — R8); why you call; the question; when you will try
again; thanks; the number once more.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ringback.domain.scripts import (
    R7_ORDER,
    SAMPLE_FACTS,
    MessageTemplate,
    StepKind,
    compose,
    facts_for,
    prepare,
    speaking_seconds,
)
from ringback.domain.scripts.facts import future_phrase, past_phrase
from ringback.domain.sender import Sender
from ringback.messages import default_templates
from tests.unit.domain.personas import alice, bernd

SAM = Sender("Sam Lee")  # who speaks does not matter to these tests

SCRAMBLED = """
{% block thanks %}Thanks, {{ first_name }}.{% endblock %}
{% block number_again %}That's {{ me.number }}.{% endblock %}
{% block reason %}I'm calling about {{ reason }}.{% endblock %}
{% block intro %}Hi {{ first_name }}, this is {{ me.name }}.{% endblock %}
{% block next_try %}I'll try you {{ next_try }}.{% endblock %}
{% block referral %}{{ referred_by }} suggested I call.{% endblock %}
{% block number %}My number is {{ me.number }}.{% endblock %}
"""


def voicemail(body: str, step: StepKind = StepKind.FIRST_VOICEMAIL) -> MessageTemplate:
    return MessageTemplate("call.intro", step, "networking", body)


def defaults(step: StepKind) -> list[MessageTemplate]:
    return [t for t in default_templates() if t.step is step]


def test_parts_are_said_in_r7_order_whatever_order_they_are_written_r7() -> None:
    composed = compose(voicemail(SCRAMBLED), SAMPLE_FACTS)

    said = [name for name, _ in composed.parts]
    assert said == ["intro", "number", "referral", "reason", "next_try", "thanks", "number_again"]
    assert said == [name for name in R7_ORDER if name in said]
    assert composed.text.splitlines()[0] == "Hi Alex, this is Jamie Doe."
    assert composed.text.splitlines()[1] == "My number is 612 · 555 · 0123."
    assert composed.text.splitlines()[-1] == "That's 612 · 555 · 0123."


def test_the_number_is_said_early_and_again_at_the_end_r7() -> None:
    text = compose(voicemail(SCRAMBLED), SAMPLE_FACTS).text
    first, last = text.find("612 · 555"), text.rfind("612 · 555")

    assert first < len(text) * 0.25 < len(text) * 0.75 < last


def test_a_part_the_composer_does_not_know_is_refused_not_dropped_silently_r7() -> None:
    body = SCRAMBLED + "{% block ps %}P.S. nice weather.{% endblock %}\nAnd a loose line."
    script = prepare(voicemail(body), SAMPLE_FACTS)

    assert "nice weather" not in script.text
    assert {f.where for f in script.findings if f.code == "unknown-part"} == {
        "ps",
        "text outside the parts",
    }
    assert not script.ready


def test_a_voicemail_without_parts_is_said_as_written() -> None:
    body = "Hi {{ first_name }}, this is {{ me.name }} on {{ me.number }}."
    assert compose(voicemail(body), SAMPLE_FACTS).text == (
        "Hi Alex, this is Jamie Doe on 612 · 555 · 0123."
    )


def test_speaking_time_is_150_words_a_minute_with_each_digit_a_word_r7() -> None:
    assert speaking_seconds("one two three four five") == 2.0
    assert speaking_seconds("Call 612 · 555 · 1234") == 4.4  # 1 word + 10 digits
    assert speaking_seconds("I'm here, it's fine.") == 1.6  # contractions are one word


@pytest.mark.parametrize("template", defaults(StepKind.FIRST_VOICEMAIL), ids=lambda t: t.audience)
def test_default_first_voicemails_stay_under_30_seconds_r7(template: MessageTemplate) -> None:
    composed = compose(template, SAMPLE_FACTS)
    assert composed.seconds <= 30
    assert [name for name, _ in composed.parts][:2] == ["intro", "number"]


@pytest.mark.parametrize(
    "template", defaults(StepKind.FOLLOWUP_VOICEMAIL), ids=lambda t: t.audience
)
def test_default_follow_ups_are_shorter_and_name_the_previous_call_r8(
    template: MessageTemplate,
) -> None:
    first = next(t for t in defaults(StepKind.FIRST_VOICEMAIL) if t.audience == template.audience)
    follow_up = compose(template, SAMPLE_FACTS)

    assert follow_up.seconds < compose(first, SAMPLE_FACTS).seconds
    assert "I called last Tuesday" in follow_up.text
    if template.audience == "networking":
        assert "Sam Patel" in follow_up.text  # R8: it names the referral


def test_the_previous_call_is_named_relative_to_now_in_the_contacts_zone_r8() -> None:
    # Tue 24 Nov 2026, 03:30 UTC is still Monday evening in New York.
    called = datetime(2026, 11, 24, 3, 30, tzinfo=UTC)
    now = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday
    in_new_york = facts_for(alice(), SAM, now, last_call_at=called)
    in_berlin = facts_for(bernd(), SAM, now, last_call_at=called)

    assert in_new_york.last_call is not None and in_new_york.last_call.when == "on Monday"
    assert in_berlin.last_call is not None and in_berlin.last_call.when == "on Tuesday"


@pytest.mark.parametrize(
    ("day", "phrase"),
    [
        (date(2026, 11, 26), "earlier today"),
        (date(2026, 11, 25), "yesterday"),
        (date(2026, 11, 23), "on Monday"),
        (date(2026, 11, 17), "last Tuesday"),
        (date(2026, 11, 20), "last Friday"),
        (date(2026, 11, 10), "on Tue 10 Nov"),
    ],
)
def test_past_days_read_naturally_r8(day: date, phrase: str) -> None:
    assert past_phrase(day, date(2026, 11, 26), "Tue 10 Nov") == phrase


@pytest.mark.parametrize(
    ("day", "phrase"),
    [
        (date(2026, 11, 26), "this afternoon"),
        (date(2026, 11, 27), "tomorrow afternoon"),
        (date(2026, 11, 28), "on Saturday afternoon"),
        (date(2026, 12, 1), "next Tuesday afternoon"),
        (date(2026, 12, 10), "on Thu 10 Dec"),
    ],
)
def test_the_next_try_is_concrete_r7(day: date, phrase: str) -> None:
    assert future_phrase(day, date(2026, 11, 26), "afternoon", "Thu 10 Dec") == phrase


def test_slots_are_shown_on_the_contacts_clock_r9() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    slot = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
    us = facts_for(alice(), SAM, now, slots=[slot])
    de = facts_for(bernd(), SAM, now, slots=[slot])

    assert us.slots[0].when == "Wednesday, November 25 at 9:30 am"
    assert de.slots[0].when == "Wednesday 25 November at 15:30"


def test_the_sender_number_is_spoken_for_the_listeners_country_r7() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    sender = Sender(name="Jamie Doe", phone="+16125550123")

    assert facts_for(alice(), sender, now).me.number == "612 · 555 · 0123"
    assert facts_for(bernd(), sender, now).me.number == "+1 · 612 · 555 · 0123"
    assert facts_for(alice(), sender, now).me.first_name == "Jamie"


def test_a_next_try_beyond_next_week_gives_the_date() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    later = facts_for(alice(), SAM, now, next_try_at=now + timedelta(days=20))
    assert later.next_try is not None and later.next_try.when == "on Sunday, December 13"


def test_an_empty_reason_is_missing_not_blank_r19() -> None:
    facts = facts_for(alice(reason="  "), SAM, datetime(2026, 11, 23, tzinfo=UTC))
    assert facts.reason is None
