"""The script linter, one rule at a time: each check fires when it should and only then.

Test names carry the product rule (R7, R8, R9, R13, R19); `code` is the check.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from ringback.domain.scripts import (
    DEFAULT_FLAGGED_PHRASES,
    SAMPLE_FACTS,
    Facts,
    Finding,
    MessageTemplate,
    Severity,
    StepKind,
    parse_phrases,
    prepare,
)

FACTS = SAMPLE_FACTS
GOOD = {
    "intro": "Hi {{ first_name }}, this is {{ me.name }}.",
    "number": "My number is {{ me.number }}.",
    "referral": "{{ referred_by }} suggested I call you.",
    "reason": "I'm calling about {{ reason }}.",
    "ask": "I'd value your view on it.",
    "next_try": "I'll try you {{ next_try }}.",
    "thanks": "Thanks, {{ first_name }}.",
    "number_again": "That's {{ me.number }}.",
}
FOLLOW_UP = {
    "intro": "Hi {{ first_name }}, it's {{ me.name }}.",
    "number": "My number is {{ me.number }}.",
    "previous": "I called {{ last_call }} about {{ reason }}.",
    "next_try": "I'll try you {{ next_try }}.",
    "thanks": "Thank you, {{ referred_by }} says hello.",
    "number_again": "That's {{ me.number }}.",
}
EMAIL = (
    "Hi {{ first_name }},\n\nI'm {{ me.name }}; {{ referred_by }} suggested I write about "
    "{{ reason }}. Would a short call suit you? I'm on {{ me.phone }}.\n\nThanks,\n{{ me.name }}"
)


def voicemail(parts: dict[str, str], step: StepKind = StepKind.FIRST_VOICEMAIL) -> MessageTemplate:
    body = "\n".join(f"{{% block {name} %}}{text}{{% endblock %}}" for name, text in parts.items())
    return MessageTemplate("call.intro", step, "networking", body)


def email(
    body: str = EMAIL, step: StepKind = StepKind.EMAIL_FIRST, subject: str = "Hi"
) -> MessageTemplate:
    return MessageTemplate("email.intro", step, "networking", body, subject=subject)


def findings(
    template: MessageTemplate, facts: Facts = FACTS, **options: object
) -> dict[str, Finding]:
    script = prepare(template, facts, **options)  # type: ignore[arg-type]
    return {f.code: f for f in script.findings}


def changed(**parts: str) -> MessageTemplate:
    return voicemail({k: v for k, v in {**GOOD, **parts}.items() if v})


def test_a_good_voicemail_has_no_findings() -> None:
    assert findings(voicemail(GOOD)) == {}
    assert findings(voicemail(FOLLOW_UP, StepKind.FOLLOWUP_VOICEMAIL)) == {}
    assert findings(email()) == {}


def test_missing_self_introduction_is_an_error_r7() -> None:
    found = findings(changed(intro="Hi {{ first_name }}."))
    assert found["missing-intro"].severity is Severity.ERROR
    assert found["missing-intro"].rule == "R7"
    assert "missing-intro" not in findings(changed(intro="Hi, it's {{ me.first_name }} here."))


def test_missing_number_is_an_error_r7() -> None:
    found = findings(changed(number="", number_again=""))
    assert found["missing-number"].severity is Severity.ERROR
    assert "missing-number" not in findings(voicemail(GOOD))


def test_the_number_said_only_once_is_a_warning_r7() -> None:
    found = findings(changed(number_again="Bye."))
    assert found["number-once"].severity is Severity.WARNING
    assert "number-once" not in findings(voicemail(GOOD))


def test_the_number_written_in_any_format_counts_r7() -> None:
    written = changed(number="Call me on (612) 555-0123.", number_again="+1 612 555 0123.")
    assert not {"missing-number", "number-once"} & set(findings(written))


def test_the_number_said_only_at_the_end_is_late_r7() -> None:
    assert "number-late" not in findings(voicemail(GOOD))
    late_text = MessageTemplate(
        "call.intro", StepKind.FIRST_VOICEMAIL, "networking",
        "Hi {{ first_name }}, this is {{ me.name }}. {{ referred_by }} sent me about "
        "{{ reason }}. I'll try you {{ next_try }}. Thanks! {{ me.number }}, {{ me.number }}.",
    )  # fmt: skip
    assert findings(late_text)["number-late"].severity is Severity.WARNING


def test_missing_referral_is_a_warning_only_when_there_is_one_r7() -> None:
    found = findings(changed(referral=""))
    assert found["missing-referral"].severity is Severity.WARNING
    without = replace(FACTS, referred_by=None)
    assert "missing-referral" not in findings(changed(referral=""), without)


def test_the_referrers_first_name_is_enough_r7() -> None:
    assert "missing-referral" not in findings(changed(referral="Sam suggested I call."))


def test_missing_reason_is_an_error_in_a_voicemail_r7() -> None:
    found = findings(changed(reason="I have an idea."))
    assert found["missing-reason"].severity is Severity.ERROR
    assert "missing-reason" not in findings(voicemail(GOOD))


def test_a_contact_without_a_reason_refuses_the_voicemail_r7() -> None:
    found = findings(changed(reason="I have an idea."), replace(FACTS, reason=None))
    assert found["no-reason"].severity is Severity.ERROR


def test_missing_next_attempt_is_a_warning_r7() -> None:
    found = findings(changed(next_try=""))
    assert found["missing-next-try"].severity is Severity.WARNING
    assert "missing-next-try" not in findings(changed(next_try="I'll ring you Thursday."))


def test_missing_thanks_is_a_warning_r7() -> None:
    found = findings(changed(thanks="Bye, {{ first_name }}."))
    assert found["missing-thanks"].severity is Severity.WARNING
    assert "missing-thanks" not in findings(changed(thanks="Much appreciated."))


def test_longer_than_30_seconds_is_a_warning_r7() -> None:
    rambling = "I'd value your view on it, and on the team, and on the plans for next year."
    found = findings(changed(ask=rambling * 2))
    assert found["too-long"].severity is Severity.WARNING
    assert "too-long" not in findings(voicemail(GOOD))


def test_a_call_back_request_without_a_reason_is_an_error_r7() -> None:
    found = findings(changed(reason="", ask="Please call me back."))
    assert found["call-back-without-reason"].severity is Severity.ERROR
    assert found["call-back-without-reason"].where == "ask"
    with_reason = findings(changed(ask="Call me back whenever suits you."))
    assert "call-back-without-reason" not in with_reason


def test_a_call_back_request_in_an_email_without_a_reason_is_an_error_r7() -> None:
    body = "Hi {{ first_name }}, it's {{ me.name }}. Please give me a call on {{ me.phone }}."
    assert findings(email(body))["call-back-without-reason"].severity is Severity.ERROR


def test_asking_a_favour_suggests_asking_for_advice_r7() -> None:
    found = findings(changed(ask="Could you do me a favour?"))
    assert found["asks-a-favour"].severity is Severity.INFO
    assert "asks-a-favour" not in findings(voicemail(GOOD))


def test_a_follow_up_must_name_the_previous_call_r8() -> None:
    follow_up = dict(FOLLOW_UP, previous="I'm calling about {{ reason }}.")
    found = findings(voicemail(follow_up, StepKind.FOLLOWUP_VOICEMAIL))
    assert found["missing-previous-call"].rule == "R8"
    ok = dict(FOLLOW_UP, previous="We spoke of {{ reason }}; I rang {{ last_call.day }}.")
    assert "missing-previous-call" not in findings(voicemail(ok, StepKind.FOLLOWUP_VOICEMAIL))


def test_a_follow_up_must_be_shorter_than_the_first_r8() -> None:
    follow_up = voicemail(FOLLOW_UP, StepKind.FOLLOWUP_VOICEMAIL)
    long_first = voicemail(GOOD)
    short_first = voicemail({"intro": "Hi, {{ me.name }}, {{ me.number }}."})

    assert "not-shorter" not in findings(follow_up, first=long_first)
    assert findings(follow_up, first=short_first)["not-shorter"].rule == "R8"


@pytest.mark.parametrize(
    "phrase",
    ["Just following up", "I haven't heard back", "sorry to bother you", "As I said",
     "calling again", "your last chance", "Unfortunately", "still waiting"],
)  # fmt: skip
def test_pressure_and_guilt_are_flagged_r13(phrase: str) -> None:
    found = findings(changed(ask=f"{phrase} — I'd value your view."))
    assert found["pressure"].rule == "R13"
    assert found["pressure"].severity is Severity.WARNING
    assert found["pressure"].where == "ask"


def test_flagged_phrases_match_whole_words_only_r13() -> None:
    assert "pressure" not in findings(changed(ask="I'd value your view against the plan."))


def test_users_can_flag_their_own_phrases_r13() -> None:
    mine = parse_phrases("# ours\ncircling back\n\n  touch base  # too salesy\n")
    assert mine == ("circling back", "touch base")
    template = changed(ask="Let's touch base on it.")
    assert "pressure" not in findings(template)
    flagged = findings(template, phrases=(*DEFAULT_FLAGGED_PHRASES, *mine))
    assert "touch base" in flagged["pressure"].message


def test_an_email_should_be_short_r9() -> None:
    padding = " We could cover the roadmap, the team, the budget and the timing." * 12
    assert findings(email(EMAIL + padding))["too-long"].rule == "R9"


def test_a_slots_email_proposes_two_times_r9() -> None:
    one = email(EMAIL + "\nHow about {{ slots[0] }}?", StepKind.EMAIL_SLOTS)
    two = email(EMAIL + "\n{{ slots[0] }} or {{ slots[1] }}?", StepKind.EMAIL_SLOTS)
    assert findings(one)["missing-slots"].rule == "R9"
    assert "missing-slots" not in findings(two)


def test_an_email_without_the_number_gets_a_note_r7() -> None:
    body = EMAIL.replace(" I'm on {{ me.phone }}.", "")
    assert findings(email(body))["missing-number"].severity is Severity.INFO


def test_an_email_whose_subject_renders_empty_is_refused_r19() -> None:
    found = findings(email(subject="{% if false %}x{% endif %}"))
    assert found["empty-subject"].severity is Severity.ERROR


def test_an_empty_field_is_an_error_naming_it_r19() -> None:
    found = findings(voicemail(GOOD), replace(FACTS, next_try=None))
    assert found["empty-field"].severity is Severity.ERROR
    assert found["empty-field"].where == "next_try"
    assert found["empty-field"].rule == "R19"
