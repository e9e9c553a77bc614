"""The script linter: what a message must say and must not say (R7, R8, R9, R13, R19).

Pure: it reads a composed message and the facts it was made from, and returns
findings — each with the product rule behind it, a short code, a severity and
where it applies. An `error` means the message is not ready: it is refused, not
sent (R19, and a call-back request with no reason, R7). docs/messages.md has the
full table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ringback.domain.phone import national_digits
from ringback.domain.scripts.compose import VOICEMAIL_SECONDS, Composed
from ringback.domain.scripts.facts import Facts, Moment
from ringback.domain.scripts.phrases import DEFAULT_FLAGGED_PHRASES, fold, phrase_pattern
from ringback.domain.scripts.templates import StepKind

LONGEST_EMAIL_WORDS = 150  # R9: short, personal, aimed only at setting a call
NUMBER_EARLY_SHARE = 0.4  # R7: the number within the first 40 % of the voicemail
PARTS = "intro, number, referral, previous, reason, ask, next_try, thanks, number_again"


class Severity(StrEnum):
    ERROR = "error"  # refused: the step is not ready
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    rule: str  # the product rule: R7, R8, R9, R13, R19
    code: str  # which check, e.g. "missing-number"
    severity: Severity
    message: str
    where: str | None = None


# code: (rule, what to do about it, where it applies by default)
CHECKS: dict[str, tuple[str, str, str | None]] = {
    "empty-field": ("R19", "would be empty for this contact; fill it in or leave it out", None),
    "empty-subject": ("R19", "the subject is empty", "subject"),
    "unknown-part": ("R7", f"would not be said: a voicemail's parts are {PARTS}", None),
    "missing-intro": ("R7", "say who you are first: your name (and company)", "intro"),
    "missing-number": ("R7", "say your number, early and slowly, and again at the end", "number"),
    "number-once": ("R7", "your number is said only once: say it again at the end", "number_again"),
    "number-late": ("R7", "say your number early, right after who you are", "number"),
    "missing-referral": ("R7", "say how you got their name", "referral"),
    "no-reason": ("R7", "the contact has no reason on record: add why you reach out", "reason"),
    "missing-reason": ("R7", "say why you are reaching out (the contact's reason)", "reason"),
    "missing-next-try": (
        "R7", "say when you will try again, concretely (e.g. 'on Thursday morning')", "next_try"
    ),
    "missing-thanks": ("R7", "thank them", "thanks"),
    "too-long": ("R7", f"keep a voicemail under {VOICEMAIL_SECONDS} s (≈75 words)", None),
    "asks-a-favour": ("R7", "ask for their view or advice rather than a favour", None),
    "call-back-without-reason": (
        "R7", "asks for a call back without saying why: say the reason first", None
    ),
    "missing-previous-call": (
        "R8", "name the day of your previous call (e.g. 'I called last Tuesday')", "previous"
    ),
    "not-shorter": ("R8", "a follow-up voicemail should be shorter than the first", None),
    "too-long-email": ("R9", "keep the email short and about setting a call", None),
    "missing-slots": ("R9", "propose two times: {{ slots[0] }} and {{ slots[1] }}", "slots"),
    "pressure": ("R13", "sounds like pressure or blame; keep it as warm as the first call", None),
}  # fmt: skip


def _found(code: str, severity: Severity, detail: str = "", where: str | None = None) -> Finding:
    rule, advice, default_where = CHECKS[code]
    message = f"{detail}: {advice}" if detail else advice
    return Finding(rule, code.removesuffix("-email"), severity, message, where or default_where)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def lint(
    message: Composed,
    facts: Facts,
    *,
    phrases: Sequence[str] = DEFAULT_FLAGGED_PHRASES,
    first_seconds: float | None = None,
) -> tuple[Finding, ...]:
    """Every finding about `message`; `first_seconds` is the first voicemail's length,
    which a follow-up voicemail must stay under (R8)."""
    text = Text(message, facts)
    found = [_found("empty-field", Severity.ERROR, f"{{{{ {n} }}}}", n) for n in message.missing]
    found += [_found("unknown-part", Severity.ERROR, repr(n), n) for n in message.unknown_parts]
    if message.step.is_voicemail:
        found += _voicemail(text, message, first_seconds)
    else:
        found += _written(text, message)
    found += _call_back_without_reason(text)
    found += _pressure(text, phrases)
    return tuple(found)


class Text:
    """The message as the checks see it (see `fold`)."""

    def __init__(self, message: Composed, facts: Facts) -> None:
        self.message = message
        self.facts = facts
        self.body = fold(message.text)
        self.all = fold(f"{message.subject or ''}\n{message.text}")

    def says(self, phrase: str | None) -> bool:
        return bool(phrase) and fold(phrase or "") in self.all

    def matches(self, pattern: re.Pattern[str]) -> bool:
        return pattern.search(self.all) is not None

    def where(self, pattern: re.Pattern[str]) -> str:
        """The voicemail part, or subject/text, where `pattern` first matches."""
        for name, said in self.message.parts:
            if pattern.search(fold(said)):
                return name
        if self.message.subject and pattern.search(fold(self.message.subject)):
            return "subject"
        return "text"

    def number_positions(self) -> list[int]:
        """Where the sender's number is given, in any format (each match's start)."""
        wanted = national_digits(self.facts.me.e164) if self.facts.me.e164 else None
        found = []
        for match in _NUMBER.finditer(self.body):
            digits = re.sub(r"\D", "", match.group())
            if (wanted and digits.endswith(wanted)) or (not wanted and len(digits) >= 7):
                found.append(match.start())
        return found


_NUMBER = re.compile(r"\+?\d[\d \-·()/\u00a0]*\d")
_INTRO = re.compile(r"\b(this is|it's|it is|my name is|i'm|i am)\b")
_THANKS = re.compile(r"\b(thank|thanks|grateful|appreciate|cheers)")
_CALL_BACK = re.compile(
    r"\b(call me|call back|ring me|phone me|return (my|the) call|get back to me|reach me"
    r"|give me a (call|ring))\b"
)
_FAVOUR = re.compile(r"\b(do me a favou?r|as a favou?r|a favou?r to ask|favou?r for me)\b")
_WHEN = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today"
    r"|next week|this (morning|afternoon|evening))\b"
)


def _voicemail(text: Text, message: Composed, first_seconds: float | None) -> list[Finding]:
    found = _who_why_and_thanks(text, Severity.ERROR, Severity.WARNING)
    found += _number_twice_and_early(text)
    if not _names_next_try(text):
        found.append(_found("missing-next-try", Severity.WARNING))
    if message.seconds > VOICEMAIL_SECONDS:
        spoken = f"about {message.seconds:.0f} s spoken ({message.words} words)"
        found.append(_found("too-long", Severity.WARNING, spoken))
    if text.matches(_FAVOUR):
        found.append(_found("asks-a-favour", Severity.INFO, "", text.where(_FAVOUR)))
    if message.step is StepKind.FOLLOWUP_VOICEMAIL:
        found += _follow_up(text, message, first_seconds)
    return found


def _who_why_and_thanks(text: Text, must: Severity, thanks: Severity) -> list[Finding]:
    """Who you are, why, the referral and thanks (R7); `must` is the severity of a
    missing reason, `thanks` of missing thanks."""
    facts, me, found = text.facts, text.facts.me, []
    introduced = text.says(me.name) or text.says(me.first_name) if me.name else None
    if not (introduced or (me.name is None and text.matches(_INTRO))):
        found.append(_found("missing-intro", Severity.ERROR))
    if facts.reason is None:
        found.append(_found("no-reason", must))
    elif not text.says(facts.reason):
        found.append(_found("missing-reason", must))
    if facts.referred_by and not _names_referral(text, facts.referred_by):
        referral = f"{facts.referred_by} referred you"
        found.append(_found("missing-referral", Severity.WARNING, referral))
    if not text.matches(_THANKS):
        found.append(_found("missing-thanks", thanks))
    return found


def _names_referral(text: Text, referred_by: str) -> bool:
    """The referrer's full name, or their first name alone, is said."""
    first = referred_by.split()[0]
    return text.says(referred_by) or text.matches(phrase_pattern(first))


def _number_twice_and_early(text: Text) -> list[Finding]:
    positions = text.number_positions()
    if not positions:
        return [_found("missing-number", Severity.ERROR)]
    found = []
    if len(positions) == 1:
        found.append(_found("number-once", Severity.WARNING))
    if positions[0] > NUMBER_EARLY_SHARE * max(1, len(text.body)):
        found.append(_found("number-late", Severity.WARNING))
    return found


def _names_next_try(text: Text) -> bool:
    moment = text.facts.next_try
    if moment is not None and (text.says(moment.when) or text.says(moment.day)):
        return True
    return _WHEN.search(text.body) is not None


def _names_moment(text: Text, moment: Moment | None) -> bool:
    if moment is None:
        return False
    return any(text.says(phrase) for phrase in (moment.when, moment.day, moment.date))


def _follow_up(text: Text, message: Composed, first_seconds: float | None) -> list[Finding]:
    found = []
    if not _names_moment(text, text.facts.last_call):
        found.append(_found("missing-previous-call", Severity.WARNING))
    if first_seconds is not None and message.seconds >= first_seconds:
        lengths = f"{message.seconds:.0f} s, the first is {first_seconds:.0f} s"
        found.append(_found("not-shorter", Severity.WARNING, lengths))
    return found


def _written(text: Text, message: Composed) -> list[Finding]:
    """Emails and letters: the R7 essentials, milder; R9 for emails; R19 for subjects."""
    found = _who_why_and_thanks(text, Severity.WARNING, Severity.INFO)
    if message.subject is not None and not message.subject.strip():
        found.append(_found("empty-subject", Severity.ERROR))
    if message.step.is_email and message.words > LONGEST_EMAIL_WORDS:
        words = f"{message.words} words (under {LONGEST_EMAIL_WORDS} is best)"
        found.append(_found("too-long-email", Severity.WARNING, words))
    if message.step is StepKind.EMAIL_SLOTS:
        named = [s for s in text.facts.slots if text.says(s.when) or text.says(s.date)]
        if len(named) < 2:
            found.append(_found("missing-slots", Severity.WARNING))
    if message.step.is_email and not text.number_positions():
        advice = "give your number, so they can call you instead of writing"
        found.append(Finding("R7", "missing-number", Severity.INFO, advice, "number"))
    return found


def _call_back_without_reason(text: Text) -> list[Finding]:
    reason = text.facts.reason
    if not text.matches(_CALL_BACK) or (reason is not None and text.says(reason)):
        return []
    return [_found("call-back-without-reason", Severity.ERROR, "", text.where(_CALL_BACK))]


def _pressure(text: Text, phrases: Sequence[str]) -> list[Finding]:
    found = []
    for phrase in dict.fromkeys(p.strip() for p in phrases if p.strip()):
        pattern = phrase_pattern(phrase)
        if text.matches(pattern):
            found.append(_found("pressure", Severity.WARNING, f"'{phrase}'", text.where(pattern)))
    return found
