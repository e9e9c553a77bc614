"""Rendering in the sandbox: every field filled, or the message is refused (R19)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ringback.domain.scripts import (
    SAMPLE_FACTS,
    MessageTemplate,
    Severity,
    StepKind,
    prepare,
)
from ringback.domain.scripts.render import TemplateProblem, render

FACTS = SAMPLE_FACTS


def email(body: str, subject: str = "Hello {{ first_name }}") -> MessageTemplate:
    return MessageTemplate("email.intro", StepKind.EMAIL_FIRST, "sales", body, subject=subject)


def r19_fields(template: MessageTemplate, facts: object = FACTS) -> list[str]:
    script = prepare(template, facts)  # type: ignore[arg-type]
    return [f.where or "" for f in script.findings if f.rule == "R19"]


def test_every_field_renders_from_the_facts() -> None:
    text = render(
        "{{ first_name }} {{ full_name }} {{ company }} {{ title }} {{ referred_by }} "
        "{{ reason }} {{ me.name }} {{ me.first_name }} {{ me.company }} {{ me.email }} "
        "{{ me.number }} {{ me.phone }} {{ last_call }} {{ last_call.day }} {{ last_email }} "
        "{{ next_try }} {{ next_try.day }} {{ slots[0] }} {{ slots[1].time }}",
        FACTS,
    )
    assert text.missing == ()
    assert "Alex Alex Rivera Northwind" in text.text
    assert "612 · 555 · 0123 (612) 555-0123 last Tuesday Tuesday on Monday" in text.text
    assert "on Friday morning Friday Tuesday, March 17 at 3 pm 11 am" in text.text


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        (replace(FACTS, referred_by=None), "referred_by"),
        (replace(FACTS, reason="   "), "reason"),
        (replace(FACTS, first_name=None), "first_name"),
        (replace(FACTS, me=replace(FACTS.me, number=None)), "me.number"),
        (replace(FACTS, last_call=None), "last_call"),
        (replace(FACTS, next_try=None), "next_try"),
    ],
)
def test_a_field_empty_for_this_contact_is_refused_naming_it_r19(facts: object, field: str) -> None:
    body = (
        "Hi {{ first_name }}, {{ referred_by }} sent me about {{ reason }}. I called "
        "{{ last_call }} and will try {{ next_try }}. I'm on {{ me.number }}. Thanks!"
    )
    template = email(body)
    script = prepare(template, facts)  # type: ignore[arg-type]

    assert not script.ready
    assert field in r19_fields(template, facts)
    assert f"[{field}]" in script.text  # the gap is visible, never silently blank
    assert script.refusal() is not None and script.refusal().rule in ("R19", "R7")  # type: ignore[union-attr]


def test_an_unknown_field_is_refused_naming_it_r19() -> None:
    assert r19_fields(email("Hi {{ nickname }}, about {{ reason }}. Thanks")) == ["nickname"]
    assert r19_fields(email("Hi {{ me.nickname }}, about {{ reason }}")) == ["me.nickname"]


def test_an_empty_subject_field_is_refused_too_r19() -> None:
    template = email("Hi {{ first_name }}, about {{ reason }}. Thanks", "{{ title }} question")
    assert r19_fields(template, replace(FACTS, title=None)) == ["title"]


def test_a_missing_slot_is_refused_naming_it_r19() -> None:
    body = "Hi {{ first_name }}: {{ slots[0] }} or {{ slots[1] }}? About {{ reason }}. Thanks"
    only_one = replace(FACTS, slots=FACTS.slots[:1])

    assert r19_fields(email(body), only_one) == ["slots[1]"]
    assert r19_fields(email(body), replace(FACTS, slots=())) == ["slots[0]", "slots[1]"]


def test_looping_over_no_slots_is_refused_r19() -> None:
    body = "Hi {{ first_name }}, about {{ reason }}:{% for s in slots %} {{ s }}{% endfor %}"
    assert r19_fields(email(body), replace(FACTS, slots=())) == ["slots"]


def test_an_optional_field_may_be_tested_or_defaulted() -> None:
    body = (
        "{% if referred_by %}{{ referred_by }} sent me. {% endif %}"
        "Hi {{ company | default('your team') }}, about {{ reason }}. Thanks"
    )
    script = prepare(email(body), replace(FACTS, referred_by=None, company=None))

    assert r19_fields(email(body), replace(FACTS, referred_by=None, company=None)) == []
    assert script.text.startswith("Hi your team, about")


def test_the_sandbox_refuses_python_internals() -> None:
    with pytest.raises(TemplateProblem):
        render("{{ first_name.__class__.__mro__ }}", FACTS)
    script = prepare(email("{{ ''.__class__.__subclasses__() }}"), FACTS)
    assert [f.code for f in script.findings] == ["template-error"]
    assert script.findings[0].severity is Severity.ERROR


def test_a_syntax_error_is_refused_with_its_line() -> None:
    script = prepare(email("Hi {{ first_name }}\n{% if %}"), FACTS)

    assert not script.ready
    assert script.findings[0].code == "template-error"
    assert script.findings[0].where == "line 2"
