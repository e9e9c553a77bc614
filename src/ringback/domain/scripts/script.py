"""A ready-to-use script: the composed message with the linter's findings (R7–R9, R13, R19).

`prepare` composes and lints a template for one contact's facts. `check_template`
lints a template on its own — as the template editor and `ringback template lint`
do — by rendering it with a sample contact whose every field is filled, so the only
empty fields left are the ones the template gets wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from ringback.domain.errors import RuleRefusal
from ringback.domain.scripts.compose import Composed, compose
from ringback.domain.scripts.facts import Clock, Facts, Me, Moment
from ringback.domain.scripts.lint import Finding, Severity, has_errors, lint
from ringback.domain.scripts.phrases import DEFAULT_FLAGGED_PHRASES
from ringback.domain.scripts.render import TemplateProblem
from ringback.domain.scripts.templates import MessageTemplate, StepKind


@dataclass(frozen=True)
class Script:
    step: StepKind
    template: str  # key:variant, as a touch records it
    audience: str
    text: str
    subject: str | None
    seconds: float
    findings: tuple[Finding, ...]
    parts: tuple[tuple[str, str], ...] = ()

    @property
    def ready(self) -> bool:
        """No error finding: the message may be used (R7, R19)."""
        return not has_errors(self.findings)

    def refusal(self) -> RuleRefusal | None:
        """The first error as a refusal naming its rule (and field), or None when ready."""
        for finding in self.findings:
            if finding.severity is Severity.ERROR:
                return RuleRefusal(finding.rule, finding.message, finding.where)
        return None


def prepare(
    template: MessageTemplate,
    facts: Facts,
    *,
    phrases: Sequence[str] = DEFAULT_FLAGGED_PHRASES,
    first: MessageTemplate | None = None,
) -> Script:
    """Compose `template` for `facts` and lint it; `first` is the first voicemail a
    follow-up voicemail must be shorter than (R8)."""
    try:
        composed = compose(template, facts)
    except TemplateProblem as problem:
        return _unusable(template, problem)
    first_seconds = _seconds_of(first, facts) if template.step.is_voicemail else None
    findings = lint(composed, facts, phrases=phrases, first_seconds=first_seconds)
    return _script(composed, findings)


def _seconds_of(first: MessageTemplate | None, facts: Facts) -> float | None:
    if first is None or first.step is not StepKind.FIRST_VOICEMAIL:
        return None
    try:
        return compose(first, facts).seconds
    except TemplateProblem:
        return None


def _script(composed: Composed, findings: tuple[Finding, ...]) -> Script:
    return Script(
        step=composed.step,
        template=composed.template,
        audience=composed.audience,
        text=composed.text,
        subject=composed.subject,
        seconds=composed.seconds,
        findings=findings,
        parts=composed.parts,
    )


def _unusable(template: MessageTemplate, problem: TemplateProblem) -> Script:
    where = f"line {problem.line}" if problem.line is not None else None
    finding = Finding(
        "R19", "template-error", Severity.ERROR, f"the template cannot be used: {problem.message}",
        where,
    )  # fmt: skip
    return Script(template.step, template.ref, template.audience, "", None, 0.0, (finding,))


# A made-up contact with every field filled, to lint a template on its own.
_SAMPLE_NOW = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)  # a Wednesday
_SAMPLE_CLOCK = Clock(_SAMPLE_NOW, "US")


def _sample_moment(days: float, channel: str | None, slot: bool = False) -> Moment:
    at = _SAMPLE_NOW + timedelta(days=days)
    if slot:
        return _SAMPLE_CLOCK.slot(at)
    moment = _SAMPLE_CLOCK.past(at, channel) if days < 0 else _SAMPLE_CLOCK.ahead(at, channel)
    assert moment is not None
    return moment


SAMPLE_FACTS = Facts(
    first_name="Alex",
    full_name="Alex Rivera",
    company="Northwind",
    title="Head of Data",
    referred_by="Sam Patel",
    reason="the data engineering roles on your team",
    me=Me(
        name="Jamie Doe",
        first_name="Jamie",
        company="Brightside Analytics",
        email="jamie@example.com",
        number="612 · 555 · 0123",
        phone="(612) 555-0123",
        e164="+16125550123",
    ),
    last_call=_sample_moment(-8, "call"),
    last_email=_sample_moment(-2, "email"),
    next_try=_sample_moment(1.75, "call"),
    slots=(_sample_moment(6, None, slot=True), _sample_moment(7 - 4 / 24, None, slot=True)),
)


def check_template(
    template: MessageTemplate,
    *,
    phrases: Sequence[str] = DEFAULT_FLAGGED_PHRASES,
    first: MessageTemplate | None = None,
    facts: Facts = SAMPLE_FACTS,
) -> Script:
    """Lint `template` with sample facts (every field filled). Custom fields
    (`fields.x`) cannot be known in advance: they are noted, not refused."""
    script = prepare(template, facts, phrases=phrases, first=first)
    return replace(script, findings=tuple(_custom_field_note(f) for f in script.findings))


def _custom_field_note(finding: Finding) -> Finding:
    if finding.code != "empty-field" or not (finding.where or "").startswith("fields."):
        return finding
    return replace(
        finding,
        severity=Severity.INFO,
        message=f"{{{{ {finding.where} }}}} comes from the contact's custom field; a contact "
        "without it is refused (R19)",
    )
