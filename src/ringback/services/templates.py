"""The message templates: the shipped defaults and the users' own (issue 5, R19).

Reading template files is the caller's business (the CLI); this module validates
and stores `MessageTemplate`s and answers which templates exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from ringback.domain.errors import InvalidField
from ringback.domain.scripts import (
    DEFAULT_AUDIENCE,
    DEFAULT_FLAGGED_PHRASES,
    DEFAULT_KEYS,
    Catalogue,
    Finding,
    MessageTemplate,
    Script,
    Severity,
    StepKind,
    TemplateRef,
    check_template,
    template_from_text,
)
from ringback.messages import default_templates
from ringback.services.contacts import UowFactory
from ringback.services.ports import UnitOfWork


def stored_catalogue(uow: UnitOfWork) -> Catalogue:
    """The defaults, replaced or extended by every stored template (read once)."""
    return Catalogue([*default_templates(), *uow.templates.list()])


def load_catalogue(uow_factory: UowFactory) -> Catalogue:
    with uow_factory() as uow:
        return stored_catalogue(uow)


def list_templates(
    uow_factory: UowFactory, *, key: str | None = None, audience: str | None = None
) -> list[MessageTemplate]:
    """Every template in use, by audience, key and variant (optionally one key or audience)."""
    found = load_catalogue(uow_factory).all()
    return [t for t in found if key in (None, t.key) and audience in (None, t.audience)]


def get_template(uow_factory: UowFactory, ref: TemplateRef, audience: str) -> MessageTemplate:
    """`ref` for `audience`; without a variant, the first (NotFound when there is none)."""
    catalogue = load_catalogue(uow_factory)
    if ref.variant is None:
        variants = catalogue.variants(ref.key, audience)
        if variants:
            return variants[0]
    return catalogue.get(ref, audience)


def save_template(
    uow_factory: UowFactory,
    template: MessageTemplate,
    now: datetime,
    phrases: Sequence[str] = DEFAULT_FLAGGED_PHRASES,
) -> Script:
    """Lint `template` and store it unless the linter found an error (R19, R7).

    A template with the same key, audience and variant is replaced. Returns the
    lint result; nothing is stored when it is not `ready`.
    """
    with uow_factory() as uow:
        report = _check(stored_catalogue(uow), template, phrases)
        if report.ready:
            uow.templates.save(template, now)
            uow.commit()
    return report


def lint_template(
    text: str,
    *,
    step: StepKind | None = None,
    subject: str | None = None,
    key: str | None = None,
    audience: str = DEFAULT_AUDIENCE,
    phrases: Sequence[str] = DEFAULT_FLAGGED_PHRASES,
    uow_factory: UowFactory | None = None,
) -> Script:
    """The linter's findings on a template, rendered for a sample contact (R7–R9,
    R13, R19) — for the template editor's live feedback and `template lint`.

    Without `step`, `text` is a whole template file (header and body); with it,
    `text` is the body (and `subject` an email's subject). A bad header or value is
    an error finding naming it, never an exception. A follow-up voicemail is
    measured against the audience's first voicemail, stored ones included when
    `uow_factory` is given.
    """
    try:
        if step is None:
            template = template_from_text(text, audience)
        else:
            name = key or DEFAULT_KEYS[step]
            template = MessageTemplate(name, step, audience, text, subject=subject)
    except InvalidField as error:
        return _refused(error, step, audience)
    return lint_message_template(uow_factory, template, phrases)


def lint_message_template(
    uow_factory: UowFactory | None,
    template: MessageTemplate,
    phrases: Sequence[str] = DEFAULT_FLAGGED_PHRASES,
) -> Script:
    """`lint_template` for a template already read."""
    catalogue = load_catalogue(uow_factory) if uow_factory else Catalogue(default_templates())
    return _check(catalogue, template, phrases)


def _refused(error: InvalidField, step: StepKind | None, audience: str) -> Script:
    finding = Finding(
        "R19", "template-error", Severity.ERROR, f"{error.field}: {error.message}", error.field
    )
    kind = step or StepKind.FIRST_VOICEMAIL
    return Script(kind, "", audience, "", None, 0.0, (finding,))


def _check(catalogue: Catalogue, template: MessageTemplate, phrases: Sequence[str]) -> Script:
    first = None
    if template.step is StepKind.FOLLOWUP_VOICEMAIL:
        variants = catalogue.variants(DEFAULT_KEYS[StepKind.FIRST_VOICEMAIL], template.audience)
        first = variants[0] if variants else None
    return check_template(template, phrases=phrases, first=first)


def errors_of(script: Script) -> list[Finding]:
    return [f for f in script.findings if f.severity is Severity.ERROR]


VARIANT_NAMES = tuple("abcdefghijklmnopqrstuvwxyz")


def next_variant(used: Sequence[str]) -> str:
    """The first variant name (a, b, c…) not in `used` (A/B tests, R19 unaffected)."""
    for name in VARIANT_NAMES:
        if name not in used:
            return name
    raise InvalidField("variant", "every variant name from a to z is taken for this key")


def save_as_new_variant(
    uow_factory: UowFactory,
    template: MessageTemplate,
    now: datetime,
    phrases: Sequence[str] = DEFAULT_FLAGGED_PHRASES,
) -> tuple[MessageTemplate, Script]:
    """`template` stored under the next free variant of its key and audience (A/B),
    unless the linter finds an error; returns the template as named and the report."""
    with uow_factory() as uow:
        catalogue = stored_catalogue(uow)
        used = [t.variant for t in catalogue.variants(template.key, template.audience)]
        named = replace(template, variant=next_variant(used), built_in=False)
        report = _check(catalogue, named, phrases)
        if report.ready:
            uow.templates.save(named, now)
            uow.commit()
    return named, report
