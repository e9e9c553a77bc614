"""Messages that get answered: templates, the composer and the linter (R7–R10, R13, R19).

Public API (import from here):

- `MessageTemplate`, `StepKind`, `TemplateRef`, `parse_ref`, `template_from_text`,
  `template_to_text`, `choose_variant`, `DEFAULT_KEYS` — templates as data (templates.py)
- `Facts`, `facts_for` — what a template can say, phrased for the contact (facts.py);
  who says it is `ringback.domain.sender.Sender`
- `compose`, `Composed`, `R7_ORDER`, `speaking_seconds` — rendering in R7 order (compose.py)
- `lint`, `Finding`, `Severity` (lint.py); `DEFAULT_FLAGGED_PHRASES`, `parse_phrases` (phrases.py)
- `prepare`, `check_template`, `Script`, `SAMPLE_FACTS` — composed and linted (script.py)
- `Catalogue` — which template (key, audience, variant) a step uses (catalogue.py)
- `FIELD_HELP` — every template field and what fills it (fields.py)
"""

from ringback.domain.scripts.catalogue import Catalogue
from ringback.domain.scripts.compose import R7_ORDER, Composed, compose, speaking_seconds
from ringback.domain.scripts.facts import Facts, Me, Moment, facts_for
from ringback.domain.scripts.fields import FIELD_HELP
from ringback.domain.scripts.lint import Finding, Severity, has_errors, lint
from ringback.domain.scripts.phrases import DEFAULT_FLAGGED_PHRASES, parse_phrases
from ringback.domain.scripts.script import SAMPLE_FACTS, Script, check_template, prepare
from ringback.domain.scripts.templates import (
    AUDIENCES,
    DEFAULT_AUDIENCE,
    DEFAULT_KEYS,
    DEFAULT_VARIANT,
    KIND_OF_KEY,
    MessageTemplate,
    StepKind,
    TemplateRef,
    check_slug,
    choose_variant,
    parse_ref,
    parse_step,
    template_from_text,
    template_to_text,
)

__all__ = [
    "AUDIENCES",
    "Catalogue",
    "DEFAULT_AUDIENCE",
    "DEFAULT_FLAGGED_PHRASES",
    "DEFAULT_KEYS",
    "DEFAULT_VARIANT",
    "FIELD_HELP",
    "KIND_OF_KEY",
    "R7_ORDER",
    "SAMPLE_FACTS",
    "Composed",
    "Facts",
    "Finding",
    "Me",
    "MessageTemplate",
    "Moment",
    "Script",
    "Severity",
    "StepKind",
    "TemplateRef",
    "check_slug",
    "check_template",
    "choose_variant",
    "compose",
    "facts_for",
    "has_errors",
    "lint",
    "parse_phrases",
    "parse_ref",
    "parse_step",
    "prepare",
    "speaking_seconds",
    "template_from_text",
    "template_to_text",
]
