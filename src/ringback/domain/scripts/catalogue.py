"""Which template a message uses: key, audience and variant (R19, A/B variants).

The catalogue holds the shipped defaults and the users' stored templates; a stored
template with the same key, audience and variant replaces a default. A step's
template is the one the cadence step names (a plan item's `template`), when it is
a template for that kind of step, else the step kind's default key (`call.intro`,
…). Among a key's variants each contact always gets the same one (`choose_variant`).
"""

from __future__ import annotations

from collections.abc import Iterable

from ringback.domain.errors import InvalidField, NotFound
from ringback.domain.scripts.templates import (
    DEFAULT_KEYS,
    MessageTemplate,
    StepKind,
    TemplateRef,
    choose_variant,
)


class Catalogue:
    def __init__(self, templates: Iterable[MessageTemplate]) -> None:
        self._by_identity = {t.identity: t for t in templates}

    def all(self) -> list[MessageTemplate]:
        return sorted(self._by_identity.values(), key=_order)

    def audiences(self) -> list[str]:
        return sorted({t.audience for t in self._by_identity.values()})

    def variants(self, key: str, audience: str) -> list[MessageTemplate]:
        found = [t for t in self._by_identity.values() if (t.key, t.audience) == (key, audience)]
        return sorted(found, key=_order)

    def get(
        self, ref: TemplateRef, audience: str, contact_id: int | None = None
    ) -> MessageTemplate:
        """`ref`'s template for `audience`: its named variant, or the contact's one."""
        variants = self.variants(ref.key, audience)
        if not variants:
            raise NotFound(self._none_for(ref.key, audience))
        if ref.variant is None:
            chosen = choose_variant([t.variant for t in variants], ref.key, contact_id)
            return next(t for t in variants if t.variant == chosen)
        for template in variants:
            if template.variant == ref.variant:
                return template
        names = ", ".join(t.variant for t in variants)
        raise NotFound(f"template {ref.key!r} ({audience}) has no variant {ref.variant!r}: {names}")

    def for_step(
        self,
        step: StepKind,
        audience: str,
        contact_id: int | None,
        *,
        ref: TemplateRef | None = None,
        step_key: str | None = None,
    ) -> MessageTemplate:
        """The template for `step`: `ref` when given (it must be a template of that
        kind), else the cadence step's key `step_key` if it is one, else the default."""
        if ref is not None:
            template = self.get(ref, audience, contact_id)
            if template.step is not step:
                raise InvalidField(
                    "template", f"{ref.key} is a {template.step.label} template, not {step.label}"
                )
            return template
        if step_key and any(t.step is step for t in self.variants(step_key, audience)):
            return self.get(TemplateRef(step_key), audience, contact_id)
        return self.get(TemplateRef(DEFAULT_KEYS[step]), audience, contact_id)

    def _none_for(self, key: str, audience: str) -> str:
        elsewhere = sorted({t.audience for t in self._by_identity.values() if t.key == key})
        if elsewhere:
            return f"no template {key!r} for audience {audience!r}; it exists for: " + ", ".join(
                elsewhere
            )
        return f"no template {key!r}"


def _order(template: MessageTemplate) -> tuple[str, str, str]:
    return (template.audience, template.key, template.variant)
