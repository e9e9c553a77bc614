"""Message templates as data: step kinds, keys, audiences and variants (R7–R10, R19).

A template is named by its **key** — the name a cadence step uses, such as
`call.intro` — and written for an **audience** (sales, networking, freelance, or
one of your own) in one or more **variants** (`a`, `b`, … for A/B tests). A touch
records the template it used as `key:variant`.

On disk a template is a text file: a YAML header between `---` lines, then the
Jinja body (docs/messages.md):

    ---
    key: call.intro
    step: first_voicemail
    audience: networking
    variant: b
    ---
    {% block intro %}Hi {{ first_name }}, this is {{ me.name }}.{% endblock %}
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import yaml

from ringback.domain.errors import InvalidField
from ringback.domain.model import Channel


class StepKind(StrEnum):
    """What a message is for; decides how it is composed and which checks apply."""

    FIRST_VOICEMAIL = "first_voicemail"
    FOLLOWUP_VOICEMAIL = "followup_voicemail"
    EMAIL_FIRST = "email_first"
    EMAIL_FOLLOWUP = "email_followup"
    EMAIL_SLOTS = "email_slots"
    LETTER = "letter"

    @property
    def channel(self) -> Channel:
        if self.is_voicemail:
            return Channel.CALL
        return Channel.LETTER if self is StepKind.LETTER else Channel.EMAIL

    @property
    def is_voicemail(self) -> bool:
        return self in (StepKind.FIRST_VOICEMAIL, StepKind.FOLLOWUP_VOICEMAIL)

    @property
    def is_email(self) -> bool:
        return self.channel is Channel.EMAIL

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


# The key each step kind falls back to; the default cadence's steps use these names
# (docs/rules.md), so a plan item's template key finds its message directly.
DEFAULT_KEYS: Mapping[StepKind, str] = {
    StepKind.FIRST_VOICEMAIL: "call.intro",
    StepKind.FOLLOWUP_VOICEMAIL: "call.followup",
    StepKind.EMAIL_FIRST: "email.intro",
    StepKind.EMAIL_FOLLOWUP: "email.followup",
    StepKind.EMAIL_SLOTS: "email.set_call",
    StepKind.LETTER: "letter.note",
}
KIND_OF_KEY: Mapping[str, StepKind] = {
    **{key: kind for kind, key in DEFAULT_KEYS.items()},
    "call.retry": StepKind.FOLLOWUP_VOICEMAIL,
    "call.propose": StepKind.FOLLOWUP_VOICEMAIL,
}

AUDIENCES = ("sales", "networking", "freelance")  # the shipped defaults' audiences
DEFAULT_AUDIENCE = "sales"
DEFAULT_VARIANT = "a"

_KEY = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_HEADER_KEYS = frozenset({"key", "step", "audience", "variant", "subject"})


def check_key(value: str, field: str = "key") -> str:
    text = value.strip().lower()
    if not _KEY.fullmatch(text):
        raise InvalidField(
            field,
            f"{value!r} is not a template key (letters, digits, '.', '_', '-'; e.g. call.intro)",
        )
    return text


def check_slug(value: str, field: str) -> str:
    text = value.strip().lower()
    if not _SLUG.fullmatch(text):
        raise InvalidField(field, f"{value!r} is not a name of letters, digits, '_' or '-'")
    return text


def parse_step(value: str, field: str = "step") -> StepKind:
    text = value.strip().lower().replace("-", "_")
    for kind in StepKind:
        if text == kind.value:
            return kind
    names = ", ".join(k.value for k in StepKind)
    raise InvalidField(field, f"{value!r} is unknown; use one of: {names}")


@dataclass(frozen=True)
class TemplateRef:
    """`key` or `key:variant`, as given to `--template` and recorded on touches."""

    key: str
    variant: str | None = None

    def __str__(self) -> str:
        return self.key if self.variant is None else f"{self.key}:{self.variant}"


def parse_ref(text: str, field: str = "template") -> TemplateRef:
    key, sep, variant = text.strip().partition(":")
    if sep and not variant.strip():
        raise InvalidField(field, f"{text!r}: give a variant after ':' (e.g. call.intro:b)")
    return TemplateRef(check_key(key, field), check_slug(variant, field) if sep else None)


@dataclass(frozen=True)
class MessageTemplate:
    """One template: the words of one step kind for one audience, in one variant.

    Email templates need a `subject`; other kinds have none. `built_in` marks the
    defaults shipped with Ringback (a stored template with the same key, audience
    and variant replaces one).
    """

    key: str
    step: StepKind
    audience: str
    body: str
    variant: str = DEFAULT_VARIANT
    subject: str | None = None
    built_in: bool = False

    def __post_init__(self) -> None:
        check_key(self.key)
        check_slug(self.audience, "audience")
        check_slug(self.variant, "variant")
        if not self.body.strip():
            raise InvalidField("body", "the template has no text")
        if self.step.is_email and not (self.subject or "").strip():
            raise InvalidField("subject", f"an {self.step.label} template needs a subject")
        if not self.step.is_email and self.subject is not None:
            raise InvalidField("subject", f"a {self.step.label} template has no subject")

    @property
    def ref(self) -> str:
        return f"{self.key}:{self.variant}"

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.key, self.audience, self.variant)


def template_from_text(
    text: str, default_audience: str = DEFAULT_AUDIENCE, *, built_in: bool = False
) -> MessageTemplate:
    """Read a template file's text: the YAML header, then the body (InvalidField names
    the header key at fault)."""
    header, body = _split_header(text)
    unknown = sorted(set(header) - _HEADER_KEYS)
    if unknown:
        known = ", ".join(sorted(_HEADER_KEYS))
        raise InvalidField(unknown[0], f"is not a template header key (use: {known})")
    key = check_key(_text(header, "key") or "")
    step_text = _text(header, "step")
    if step_text is None and key not in KIND_OF_KEY:
        raise InvalidField("step", f"say which step {key!r} is for: " + _steps())
    step = parse_step(step_text) if step_text is not None else KIND_OF_KEY[key]
    return MessageTemplate(
        key=key,
        step=step,
        audience=check_slug(_text(header, "audience") or default_audience, "audience"),
        variant=check_slug(_text(header, "variant") or DEFAULT_VARIANT, "variant"),
        body=body,
        subject=_text(header, "subject"),
        built_in=built_in,
    )


def template_to_text(template: MessageTemplate) -> str:
    """The file form that `template_from_text` reads back unchanged."""
    header: dict[str, str] = {
        "key": template.key,
        "step": template.step.value,
        "audience": template.audience,
        "variant": template.variant,
    }
    if template.subject is not None:
        header["subject"] = template.subject
    dumped = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{dumped}---\n{template.body.rstrip()}\n"


def _split_header(text: str) -> tuple[dict[str, object], str]:
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise InvalidField("header", "a template starts with a '---' line, its header, and '---'")
    index = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), 0)
    if not index:
        raise InvalidField("header", "the header has no closing '---' line")
    try:
        header = yaml.safe_load("".join(lines[1:index])) or {}
    except yaml.YAMLError as exc:
        raise InvalidField("header", f"is not valid YAML: {exc}") from None
    if not isinstance(header, dict):
        raise InvalidField("header", "must be a mapping such as 'key: call.intro'")
    return {str(k): v for k, v in header.items()}, "".join(lines[index + 1 :])


def _text(header: Mapping[str, object], name: str) -> str | None:
    value = header.get(name)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise InvalidField(name, "must be text")
    return str(value)


def _steps() -> str:
    return "step: " + " | ".join(k.value for k in StepKind)


def choose_variant(variants: Sequence[str], key: str, contact_id: int | None) -> str:
    """The variant a contact gets: stable for the contact, spread evenly across contacts.

    A contact always hears the same variant of a template, so results per variant
    stay comparable (A/B); adding a variant re-deals contacts between them.
    """
    ordered = sorted(set(variants))
    if not ordered:
        raise InvalidField("variant", f"template {key!r} has no variants")
    digest = hashlib.sha256(f"{key}/{contact_id or 0}".encode()).digest()
    return ordered[int.from_bytes(digest[:8], "big") % len(ordered)]
