"""Templates as data: files, keys, variants (A/B) and which template a step uses."""

from __future__ import annotations

from collections import Counter

import pytest

from ringback.domain.errors import InvalidField, NotFound
from ringback.domain.scripts import (
    AUDIENCES,
    DEFAULT_KEYS,
    Catalogue,
    MessageTemplate,
    StepKind,
    TemplateRef,
    check_template,
    choose_variant,
    parse_ref,
    template_from_text,
    template_to_text,
)
from ringback.messages import default_templates

FILE = """---
key: call.intro
step: first_voicemail
audience: networking
variant: b
---
Hi {{ first_name }}, this is {{ me.name }}.
"""


def test_a_template_file_reads_its_header_and_body() -> None:
    template = template_from_text(FILE)

    assert (template.key, template.step, template.audience, template.variant) == (
        "call.intro",
        StepKind.FIRST_VOICEMAIL,
        "networking",
        "b",
    )
    assert template.body == "Hi {{ first_name }}, this is {{ me.name }}.\n"
    assert template.ref == "call.intro:b"


def test_show_then_add_round_trips_a_template() -> None:
    for template in default_templates():
        again = template_from_text(template_to_text(template), built_in=True)
        assert again == template


def test_a_known_key_implies_its_step_and_defaults_fill_the_rest() -> None:
    template = template_from_text("---\nkey: email.set_call\nsubject: Two times\n---\nHi", "sales")
    assert (template.step, template.audience, template.variant) == (
        StepKind.EMAIL_SLOTS,
        "sales",
        "a",
    )


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Hi {{ first_name }}", "header"),
        ("---\nkey: call.intro\nHi", "header"),
        ("---\nkey: call.intro\nvariant: b\nfoo: 1\n---\nHi", "foo"),
        ("---\nkey: my.intro\n---\nHi", "step"),
        ("---\nkey: call.intro\nstep: fax\n---\nHi", "step"),
        ("---\nkey: Call Intro!\n---\nHi", "key"),
        ("---\nkey: call.intro\nvariant: 'b c'\n---\nHi", "variant"),
        ("---\nkey: email.intro\n---\nHi", "subject"),
        ("---\nkey: call.intro\nsubject: Hi\n---\nHi", "subject"),
        ("---\nkey: call.intro\n---\n   \n", "body"),
    ],
)
def test_a_bad_template_file_is_refused_naming_the_key(text: str, field: str) -> None:
    with pytest.raises(InvalidField) as raised:
        template_from_text(text)
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("text", "ref"),
    [("call.intro", TemplateRef("call.intro")), ("Call.Intro:B", TemplateRef("call.intro", "b"))],
)
def test_a_template_reference_is_key_and_optional_variant(text: str, ref: TemplateRef) -> None:
    assert parse_ref(text) == ref
    assert str(parse_ref("call.intro:b")) == "call.intro:b"


@pytest.mark.parametrize("text", ["call.intro:", "call intro", ":b", ""])
def test_a_bad_template_reference_is_refused(text: str) -> None:
    with pytest.raises(InvalidField, match="template"):
        parse_ref(text)


def test_a_contact_always_gets_the_same_variant_and_contacts_are_spread() -> None:
    variants = ["a", "b"]
    chosen = Counter(choose_variant(variants, "call.intro", contact) for contact in range(1000))

    assert choose_variant(variants, "call.intro", 7) == choose_variant(["b", "a"], "call.intro", 7)
    assert 400 < chosen["a"] < 600 and chosen["a"] + chosen["b"] == 1000


def test_every_audience_ships_a_template_for_every_step_kind() -> None:
    shipped = {(t.audience, t.key, t.step) for t in default_templates()}
    for audience in AUDIENCES:
        for step, key in DEFAULT_KEYS.items():
            assert (audience, key, step) in shipped


@pytest.mark.parametrize("template", default_templates(), ids=lambda t: f"{t.audience}-{t.key}")
def test_every_default_template_lints_clean_r7_r8_r9_r13_r19(template: MessageTemplate) -> None:
    first = next(
        t
        for t in default_templates()
        if t.audience == template.audience and t.step is StepKind.FIRST_VOICEMAIL
    )
    script = check_template(template, first=first)

    assert script.findings == ()
    assert script.ready


def stored(body: str = "Hello {{ first_name }}", variant: str = "b") -> MessageTemplate:
    return MessageTemplate("call.intro", StepKind.FIRST_VOICEMAIL, "sales", body, variant=variant)


def test_a_stored_template_replaces_the_default_with_the_same_identity() -> None:
    mine = stored("Mine", variant="a")
    catalogue = Catalogue([*default_templates(), mine])

    assert catalogue.get(TemplateRef("call.intro", "a"), "sales").body == "Mine"
    assert [t.variant for t in catalogue.variants("call.intro", "sales")] == ["a"]


def test_a_stored_variant_joins_the_default_for_an_a_b_test() -> None:
    catalogue = Catalogue([*default_templates(), stored()])
    picked = {catalogue.for_step(StepKind.FIRST_VOICEMAIL, "sales", i).variant for i in range(50)}

    assert picked == {"a", "b"}
    assert catalogue.get(TemplateRef("call.intro", "b"), "sales").body == "Hello {{ first_name }}"


def test_the_cadence_steps_key_is_used_when_it_fits_the_step() -> None:
    custom = MessageTemplate(
        "call.warm", StepKind.FIRST_VOICEMAIL, "sales", "Hi {{ first_name }}", variant="a"
    )
    catalogue = Catalogue([*default_templates(), custom])

    used = catalogue.for_step(StepKind.FIRST_VOICEMAIL, "sales", 1, step_key="call.warm")
    fallback = catalogue.for_step(StepKind.FIRST_VOICEMAIL, "sales", 1, step_key="call.retry")
    assert used.key == "call.warm"
    assert fallback.key == "call.intro"


def test_a_template_of_another_kind_is_refused_for_a_step() -> None:
    catalogue = Catalogue(default_templates())
    with pytest.raises(InvalidField, match="email first template, not first voicemail"):
        catalogue.for_step(StepKind.FIRST_VOICEMAIL, "sales", 1, ref=TemplateRef("email.intro"))


def test_an_unknown_template_audience_or_variant_is_not_found() -> None:
    catalogue = Catalogue(default_templates())
    with pytest.raises(NotFound, match="exists for: freelance, networking, sales"):
        catalogue.get(TemplateRef("call.intro"), "recruiting")
    with pytest.raises(NotFound, match="no variant 'z'"):
        catalogue.get(TemplateRef("call.intro", "z"), "sales")
    with pytest.raises(NotFound, match="no template 'nope'"):
        catalogue.get(TemplateRef("nope"), "sales")


def test_a_custom_field_is_noted_when_linting_a_template_alone_r19() -> None:
    body = "Hi {{ first_name }}, it's {{ me.name }} about {{ reason }} at {{ fields.office }}."
    template = MessageTemplate("letter.note", StepKind.LETTER, "sales", body)

    script = check_template(template)

    assert script.ready
    assert [(f.where, f.severity.value) for f in script.findings if f.rule == "R19"] == [
        ("fields.office", "info")
    ]
