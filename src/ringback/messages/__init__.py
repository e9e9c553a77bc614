"""The default message templates shipped with Ringback (package data, docs/messages.md).

`defaults/<audience>/<key>.j2`, one file per step kind for each audience (sales
prospecting, job-search networking, freelance follow-up). Users replace them, or
add variants, by storing templates of their own with `ringback template add`.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from ringback.domain.scripts import MessageTemplate, template_from_text


@cache
def default_templates() -> tuple[MessageTemplate, ...]:
    """Every shipped template, by audience then key."""
    root = files(__package__).joinpath("defaults")
    found = []
    for audience in sorted(root.iterdir(), key=lambda p: p.name):
        if not audience.is_dir():
            continue
        for item in sorted(audience.iterdir(), key=lambda p: p.name):
            if item.name.endswith(".j2"):
                text = item.read_text(encoding="utf-8")
                found.append(template_from_text(text, audience.name, built_in=True))
    return tuple(found)
