"""Rendering a template in Jinja's sandbox, refusing empty fields (R19).

Templates are user-written, so they run in `SandboxedEnvironment`: no access to
Python internals, only the facts given. A field that has no value — unknown, or
known but empty for this contact (no referral, no previous call) — renders as a
visible marker such as `[referred_by]` and is reported by name, so the linter can
refuse the message with R19 instead of sending "Hi , …". A missing field is still
false in a test, so `{% if referred_by %}…{% endif %}` and
`{{ referred_by | default("a friend") }}` keep working.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from jinja2 import Template, TemplateError, TemplateSyntaxError, Undefined, nodes
from jinja2.sandbox import SandboxedEnvironment

from ringback.domain.scripts.facts import Facts, Me, Moment

_MISSING: ContextVar[list[str] | None] = ContextVar("ringback_missing_fields", default=None)


def _note_missing(name: str) -> str:
    found = _MISSING.get()
    if found is not None and name not in found:
        found.append(name)
    return f"[{name}]"


class Blank(Undefined):
    """A field with no value: false in tests, reported (R19) when printed or looped over."""

    __slots__ = ()

    @property
    def field_name(self) -> str:
        name = self._undefined_name
        owner = self._undefined_obj
        prefix = owner.field_prefix if isinstance(owner, Namespace | Items) else None
        if prefix is None:
            return str(name)
        return f"{prefix}[{name}]" if isinstance(name, int) else f"{prefix}.{name}"

    def _noted(self) -> str:
        if self._undefined_hint:  # the sandbox refused an unsafe attribute: no field at all
            self._fail_with_undefined_error()
        return _note_missing(self.field_name)

    def __str__(self) -> str:
        return self._noted()

    def __iter__(self) -> Iterator[Any]:
        self._noted()
        yield from ()

    def __len__(self) -> int:
        self._noted()
        return 0

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)
        if self._undefined_hint:
            self._fail_with_undefined_error()
        return Blank(name=f"{self.field_name}.{name}")

    def __getitem__(self, key: object) -> Any:
        if self._undefined_hint:
            self._fail_with_undefined_error()
        return Blank(name=f"{self.field_name}[{key}]")


class Namespace:
    """A group of fields (`me.name`, `last_call.day`): attribute or item access, and
    an empty value comes back as a Blank naming the full field."""

    def __init__(self, prefix: str, values: Mapping[str, object], text: str | None = None):
        self._prefix = prefix
        self._values = dict(values)
        self._text = text

    @property
    def field_prefix(self) -> str:
        return self._prefix

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> Any:
        return _field(f"{self._prefix}.{name}", self._values.get(name))

    def __str__(self) -> str:
        return self._text if self._text is not None else _note_missing(self._prefix)

    def __bool__(self) -> bool:
        return True


class Items(list[Any]):
    """A list field (`slots`): an index past its end is a Blank naming it."""

    def __init__(self, prefix: str, values: list[Any]) -> None:
        super().__init__(values)
        self._prefix = prefix

    @property
    def field_prefix(self) -> str:
        return self._prefix


def _field(name: str, value: object) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return Blank(name=name)
    if isinstance(value, Moment):
        return Namespace(name, _plain(value), value.when)
    if isinstance(value, tuple | list):
        if not value:
            return Blank(name=name)
        return Items(name, [_field(f"{name}[{i}]", v) for i, v in enumerate(value)])
    return value


def _plain(value: Moment | Me) -> dict[str, object]:
    return {f.name: getattr(value, f.name) for f in fields(value)}


def context_of(facts: Facts) -> dict[str, Any]:
    """The template variables: every fact, empties as Blanks (see FIELD_HELP)."""
    context: dict[str, Any] = {
        name: _field(name, getattr(facts, name))
        for name in ("first_name", "full_name", "company", "title", "referred_by", "reason")
    }
    context["fields"] = Namespace("fields", facts.fields)
    context["me"] = Namespace("me", _plain(facts.me))
    for name in ("last_call", "last_email", "next_try", "slots"):
        context[name] = _field(name, getattr(facts, name))
    return context


ENVIRONMENT = SandboxedEnvironment(
    undefined=Blank,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)


@lru_cache(maxsize=512)
def _compiled(source: str) -> Template:
    return ENVIRONMENT.from_string(source)


class TemplateProblem(ValueError):
    """A template that cannot be rendered at all: bad syntax or a refused operation."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(message if line is None else f"line {line}: {message}")


@dataclass(frozen=True)
class Rendered:
    """The rendered text, its named parts (`{% block %}`s) and the fields left empty."""

    text: str
    parts: dict[str, str]
    missing: tuple[str, ...]


def render(source: str, facts: Facts, *, parts: tuple[str, ...] | None = None) -> Rendered:
    """Render `source`; with `parts`, only those of its blocks (each on its own).

    Raise TemplateProblem for a syntax error or an operation the sandbox refuses.
    """
    missing: list[str] = []
    token = _MISSING.set(missing)
    try:
        template = _compiled(source)
        variables = context_of(facts)
        if parts is None:
            text, rendered_parts = template.render(variables), {}
        else:
            text, rendered_parts = (
                "",
                {
                    name: "".join(template.blocks[name](template.new_context(variables)))
                    for name in parts
                    if name in template.blocks
                },
            )
    except TemplateSyntaxError as exc:
        raise TemplateProblem(exc.message or "syntax error", exc.lineno) from None
    except TemplateError as exc:
        raise TemplateProblem(exc.message or str(exc)) from None
    finally:
        _MISSING.reset(token)
    return Rendered(tidy(text), {k: tidy(v) for k, v in rendered_parts.items()}, tuple(missing))


def block_names(source: str) -> tuple[str, ...]:
    """The `{% block %}` names of `source`, in written order (syntax errors: none)."""
    try:
        tree = ENVIRONMENT.parse(source)
    except TemplateSyntaxError:
        return ()
    return tuple(block.name for block in tree.find_all(nodes.Block))


def says_outside_blocks(source: str) -> bool:
    """Whether `source` has blocks and also prints something outside them."""
    try:
        tree = ENVIRONMENT.parse(source)
    except TemplateSyntaxError:
        return False
    if not any(True for _ in tree.find_all(nodes.Block)):
        return False
    for node in tree.body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData) or child.data.strip():
                    return True
    return False


_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Trim each line and keep at most one empty line between paragraphs."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
