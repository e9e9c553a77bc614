"""Composing a message from a template and the facts (R7, R8, R9, R19).

A voicemail template names its parts with Jinja blocks; the composer says them in
the order R7 gives, whatever order the template writes them in:

    intro → number → referral → previous → reason → ask → next_try → thanks → number_again

(who you are; your number, early; how you got their name; the previous call, for
follow-ups (R8); why you call; the question you would like their view on; when you
will try again; thanks; the number once more). A voicemail template without blocks
is said as written. Emails have a subject and a body; letters a body.

Speaking time is estimated at 150 words a minute, each digit of a number counting
as a word ("612" is said "six one two").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ringback.domain.scripts.facts import Facts
from ringback.domain.scripts.render import block_names, render, says_outside_blocks
from ringback.domain.scripts.templates import MessageTemplate, StepKind

R7_ORDER = (
    "intro",
    "number",
    "referral",
    "previous",
    "reason",
    "ask",
    "next_try",
    "thanks",
    "number_again",
)
WORDS_PER_MINUTE = 150
VOICEMAIL_SECONDS = 30  # R7: at most about 30 seconds (≈75 words)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d", re.UNICODE)


@dataclass(frozen=True)
class Composed:
    """A rendered message before the linter has looked at it."""

    step: StepKind
    template: str  # key:variant
    audience: str
    text: str
    subject: str | None
    parts: tuple[tuple[str, str], ...]  # voicemail parts in spoken order
    unknown_parts: tuple[str, ...]  # blocks the composer does not say (not R7 parts)
    missing: tuple[str, ...]  # fields that would render empty (R19)

    @property
    def seconds(self) -> float:
        return speaking_seconds(self.text)

    @property
    def words(self) -> int:
        return spoken_words(self.text)


def compose(template: MessageTemplate, facts: Facts) -> Composed:
    """Render `template` with `facts`; voicemails in R7 order (TemplateProblem on bad syntax)."""
    subject = render(template.subject, facts) if template.subject is not None else None
    if template.step.is_voicemail and block_names(template.body):
        rendered = render(template.body, facts, parts=R7_ORDER)
        parts = tuple((n, rendered.parts[n]) for n in R7_ORDER if rendered.parts.get(n))
        text = "\n".join(said for _, said in parts)
    else:
        rendered = render(template.body, facts)
        parts, text = (), rendered.text
    missing = (*(subject.missing if subject is not None else ()), *rendered.missing)
    return Composed(
        step=template.step,
        template=template.ref,
        audience=template.audience,
        text=text,
        subject=subject.text if subject is not None else None,
        parts=parts,
        unknown_parts=_unspoken(template) if template.step.is_voicemail else (),
        missing=tuple(dict.fromkeys(missing)),
    )


def _unspoken(template: MessageTemplate) -> tuple[str, ...]:
    """What a voicemail template writes that the composer will not say."""
    unknown = [name for name in block_names(template.body) if name not in R7_ORDER]
    if says_outside_blocks(template.body):
        unknown.append("text outside the parts")
    return tuple(unknown)


def spoken_words(text: str) -> int:
    """Words as said aloud: each digit of a number counts as one word."""
    return len(_WORD.findall(text))


def speaking_seconds(text: str) -> float:
    return round(spoken_words(text) * 60 / WORDS_PER_MINUTE, 1)
